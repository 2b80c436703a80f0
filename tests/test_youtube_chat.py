"""The YouTube chat connector against a loopback server that answers as the Data API does."""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from host.chat.message import ViewerMessage
from hostcast.chat.youtube import YouTubeChat
from stream.sinks.backoff import Backoff

KEY = "AIza-test-key-never-logged-123"
CHAT = "Cg0KC2xpdmVjaGF0aWQ"


def item(ident: str, text: str = "", *, kind: str = "textMessageEvent", name: str = "Julie",
         channel: str = "UCviewer", owner: bool = False, **details: Any) -> dict[str, Any]:
    snippet: dict[str, Any] = {"type": kind, "liveChatId": CHAT, "authorChannelId": channel,
                               "displayMessage": text, **details}
    if kind == "textMessageEvent":
        snippet["textMessageDetails"] = {"messageText": text}
    return {"kind": "youtube#liveChatMessage", "id": ident, "snippet": snippet,
            "authorDetails": {"channelId": channel, "displayName": name, "isChatOwner": owner}}


class FakeApi:
    """The three endpoints the connector calls, with pages, errors and a record of calls."""

    def __init__(self, interval_ms: int = 200) -> None:
        self.interval_ms = interval_ms
        self.pages: list[list[dict[str, Any]]] = []  # what each poll returns, in turn
        self.errors: list[tuple[int, str]] = []  # answered before the next page, in turn
        self.offline = False
        self.token: str | None = None  # when set, only "Bearer <token>" is let in
        self.video_chat: str | None = CHAT  # None: not started yet; "ended": over
        self.calls: list[tuple[float, str, dict[str, str], str]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                status, body = api.answer(url.path, query, self.headers.get("Authorization", ""))
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/youtube/v3"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, query: dict[str, str], auth: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append((time.monotonic(), path.rsplit("/", 1)[-1], query, auth))
            if self.token is not None and auth != f"Bearer {self.token}":
                return 401, _error(401, "authError", "Invalid Credentials")
            if self.errors:
                status, reason = self.errors.pop(0)
                return status, _error(status, reason, f"the test says {reason}")
            if path.endswith("/videos"):
                details = {"scheduledStartTime": "2026-12-03T10:00:00Z"}  # not started
                if self.video_chat == "ended":
                    details["actualEndTime"] = "2026-12-03T11:00:00Z"
                elif self.video_chat:
                    details["activeLiveChatId"] = self.video_chat
                return 200, {"items": [{"id": query["id"], "liveStreamingDetails": details}]}
            if path.endswith("/liveBroadcasts"):
                return 200, {"items": [{"snippet": {"liveChatId": CHAT}}]}
            number = int(query.get("pageToken", "p0")[1:])
            items = self.pages[number] if number < len(self.pages) else []
            body: dict[str, Any] = {"items": items, "pollingIntervalMillis": self.interval_ms,
                                    "nextPageToken": f"p{min(number + 1, len(self.pages))}"}
            if self.offline:
                body["offlineAt"] = "2026-12-03T10:00:00Z"
            return 200, body

    def polls(self) -> list[tuple[float, str, dict[str, str], str]]:
        with self.lock:
            return [call for call in self.calls if call[1] == "messages"]

    def __enter__(self) -> FakeApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _error(status: int, reason: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message,
                      "errors": [{"reason": reason, "message": message}]}}


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi() as fake:
        yield fake


def _until(check: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout} s")
        time.sleep(0.02)


def _connector(api: FakeApi, **kwargs: Any) -> YouTubeChat:
    kwargs.setdefault("chat_id", CHAT)
    if "token_file_env" not in kwargs:
        kwargs.setdefault("api_key_env", "YT_KEY")
    environ = {"YT_KEY": KEY, **kwargs.pop("environ", {})}
    return YouTubeChat(api_base=api.base, environ=environ, min_interval=0.05,
                       rate_backoff=Backoff(0.2, 0.4, jitter=0),
                       quota_backoff=Backoff(0.6, 1.2, jitter=0), **kwargs)


def test_polls_at_the_asked_interval_and_passes_each_new_message_once(
        api: FakeApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.interval_ms = 300
    api.pages = [
        [item("old1", "said before the host came"), item("old2", "also old")],
        [item("m1", "How much is the serum?"), item("old2", "also old"),
         item("own", "welcome all", owner=True, channel="UChost"),
         item("sc1", kind="superChatEvent", name="Ana",
              superChatDetails={"amountMicros": "5000000", "currency": "EUR",
                                "userComment": "Does it ship to Lyon?"}),
         item("sc2", kind="superChatEvent", superChatDetails={"amountMicros": "1000000"}),
         item("st1", kind="superStickerEvent", superStickerDetails={"amountMicros": "1"})],
        [item("m1", "How much is the serum?"),
         item("mm1", kind="memberMilestoneChatEvent", name="Bo",
              memberMilestoneChatDetails={"userComment": "12 months! Any new colours?"}),
         item("ig1", "from the shop's other account", channel="UCshop2")],
    ]
    got: list[ViewerMessage] = []
    chat = _connector(api, ignore_channels=("UCshop2",))
    chat.start(got.append)
    try:
        _until(lambda: len(api.polls()) >= 5)
    finally:
        chat.stop()
    assert [(m.name, m.text, m.kind) for m in got] == [
        ("Julie", "How much is the serum?", "message"),
        ("Ana", "Does it ship to Lyon?", "superchat"),
        ("Bo", "12 months! Any new colours?", "membership"),
    ]
    assert {m.source for m in got} == {"youtube"} and got[0].client == "UCviewer"
    polls = api.polls()
    assert [p[2].get("pageToken") for p in polls[:4]] == [None, "p1", "p2", "p3"]
    assert all(p[2]["liveChatId"] == CHAT and p[2]["key"] == KEY for p in polls)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(polls)]
    assert min(gaps) >= 0.29, gaps  # pollingIntervalMillis is obeyed, not the 0.05 s floor
    counts = chat.state.counts()
    assert counts["messages_in"] == 3 and counts["ignored"] == 4  # owner, 2 events, UCshop2
    assert chat.state.state == "stopped"
    assert KEY not in caplog.text and KEY not in json.dumps(chat.state.snapshot())


def test_finds_the_chat_of_a_video_and_waits_for_it_to_start(api: FakeApi) -> None:
    api.video_chat = None
    api.pages = [[], [item("m1", "hello")]]
    got: list[ViewerMessage] = []
    chat = _connector(api, chat_id=None, video_id="dQw4w9WgXcQ", wait_for_live=0.3)
    chat.start(got.append)
    try:
        _until(lambda: chat.state.state == "backing_off")
        assert "no live chat yet" in chat.state.reason
        api.video_chat = CHAT
        _until(lambda: got)
    finally:
        chat.stop()
    videos = [c for c in api.calls if c[1] == "videos"]
    assert len(videos) >= 2 and videos[0][2] == {"part": "liveStreamingDetails",
                                                 "id": "dQw4w9WgXcQ", "key": KEY}
    assert got[0].text == "hello"


def test_a_video_whose_broadcast_is_over_ends_the_connector(api: FakeApi) -> None:
    api.video_chat = "ended"
    chat = _connector(api, chat_id=None, video_id="dQw4w9WgXcQ")
    chat.start(lambda m: None)
    _until(lambda: chat.state.state == "ended")
    chat.stop()
    assert chat.state.state == "ended" and "over" in chat.state.reason


def test_quota_backs_off_long_rate_limits_short_and_both_recover(api: FakeApi) -> None:
    api.pages = [[], [item("m1", "still there?")]]
    api.errors = [(403, "quotaExceeded"), (429, "rateLimitExceeded")]
    states: list[str] = []
    got: list[ViewerMessage] = []
    chat = _connector(api)
    chat.start(got.append)
    try:
        _until(lambda: states.append(chat.state.reason) or got)  # type: ignore[func-returns-value]
    finally:
        chat.stop()
    calls = api.polls()
    assert any("out of API quota (quotaExceeded)" in s for s in states)
    assert any("the API is busy (rateLimitExceeded)" in s for s in states)
    assert calls[1][0] - calls[0][0] >= 0.55  # the quota's long wait
    assert calls[2][0] - calls[1][0] < 0.55  # the rate limit's short one
    assert chat.state.counts()["reconnects"] == 2


def test_a_refused_token_is_read_again_from_its_file(api: FakeApi, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token_file = tmp_path / "yt-token"
    token_file.write_text("ya29.expired-token-secret\n")
    api.token = "ya29.fresh-token-secret"
    api.pages = [[], [item("m1", "the price please")]]
    got: list[ViewerMessage] = []
    chat = _connector(api, chat_id=None, mine=True, token_file_env="YT_TOKEN",
                      environ={"YT_TOKEN": str(token_file)})
    chat.start(got.append)
    try:
        _until(lambda: chat.state.state == "backing_off")
        assert "token was refused" in chat.state.reason
        token_file.write_text("ya29.fresh-token-secret\n")  # what a refresher does
        _until(lambda: got)
    finally:
        chat.stop()
    assert got[0].text == "the price please"
    broadcasts = [c for c in api.calls if c[1] == "liveBroadcasts"]
    assert broadcasts[-1][2]["broadcastStatus"] == "active"
    assert all("key" not in c[2] for c in api.calls)
    for secret in ("expired-token-secret", "fresh-token-secret"):
        assert secret not in caplog.text and secret not in json.dumps(chat.state.snapshot())


@pytest.mark.parametrize("how", ["offlineAt", "chatEndedEvent", "liveChatEnded"])
def test_the_end_of_the_chat_ends_the_connector(api: FakeApi, how: str) -> None:
    api.pages = [[], [item("m1", "last question")]]
    if how == "offlineAt":
        api.offline = True
    elif how == "chatEndedEvent":
        api.pages[1].append(item("end", kind="chatEndedEvent"))
    else:
        api.errors = [(403, "liveChatEnded")]
    chat = _connector(api)
    chat.start(lambda m: None)
    _until(lambda: chat.state.state == "ended")
    polls = len(api.polls())
    time.sleep(0.4)
    assert len(api.polls()) == polls  # no more polling once over
    chat.stop()
    assert chat.state.state == "ended"


def test_a_refused_key_fails_with_the_reason_and_not_the_key(api: FakeApi) -> None:
    api.errors = [(400, "keyInvalid")]
    chat = _connector(api)
    chat.start(lambda m: None)
    _until(lambda: chat.state.state == "failed")
    chat.stop()
    assert "keyInvalid" in chat.state.reason and KEY not in chat.state.reason


def test_an_unreachable_api_is_retried_with_backoff() -> None:
    chat = YouTubeChat(chat_id=CHAT, api_key_env="K", environ={"K": KEY},
                       api_base="http://127.0.0.1:9/youtube/v3",
                       rate_backoff=Backoff(0.2, 0.4, jitter=0))
    chat.start(lambda m: None)
    try:
        _until(lambda: chat.state.counts()["reconnects"] >= 2)
        assert chat.state.state == "backing_off"
        assert "cannot reach the API" in chat.state.reason
    finally:
        chat.stop()


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"chat_id": CHAT}, "an API key or an OAuth token"),
    ({"chat_id": CHAT, "api_key_env": "MISSING"}, r"key_env: \$MISSING is not set"),
    ({"chat_id": CHAT, "video_id": "abc", "api_key_env": "K"}, "one of chat="),
    ({"mine": True, "api_key_env": "K"}, "needs token_env"),
    ({"video_id": "no spaces", "api_key_env": "K"}, "not a YouTube id"),
    ({"chat_id": CHAT, "token_file_env": "T"}, r"token_env: \$T names /nonexistent"),
])
def test_bad_settings_are_refused_before_air(kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        YouTubeChat(environ={"K": KEY, "T": "/nonexistent/token"}, **kwargs)
