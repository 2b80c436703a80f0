"""YouTube Live chat, read through the Data API v3 as viewers' comments.

The connector finds the broadcast's chat (`videos.list` with `liveStreamingDetails` for a
video id, or `liveBroadcasts.list` with `broadcastStatus=active` for the token's own
channel), then polls `liveChatMessages.list` (https://developers.google.com/youtube/v3/
live/docs/liveChatMessages/list): each answer gives the next `pageToken` and the
`pollingIntervalMillis` to wait before asking again, which it obeys. The first page is
the chat's recent history: its messages are passed over, so a restart does not answer old
questions again. A message id is never passed twice.

Errors, as the API names them in `error.errors[].reason`: `quotaExceeded` and
`dailyLimitExceeded` back off long (the quota returns at midnight Pacific time),
`rateLimitExceeded`, 429 and 5xx back off short, 401 reads the token file again, and
`liveChatEnded` (or `offlineAt` in a page, or a `chatEndedEvent`) ends the connector. A bad
key, a chat that does not exist or is disabled stop it as failed, with the reason shown.
The key and the token are never logged and never put in a reason.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from host.chat.connector import OnMessage
from host.chat.message import ViewerMessage
from hostcast.chat.reader import ChatReader
from hostcast.chat.state import ConnectorState
from stream.sinks.backoff import Backoff

log = logging.getLogger(__name__)

API_BASE = "https://www.googleapis.com/youtube/v3"
MAX_SEEN = 5000  # message ids remembered, to pass none twice
MAX_RESPONSE = 4 * 1024 * 1024  # bytes of one API answer
QUOTA_REASONS = ("quotaExceeded", "dailyLimitExceeded")
RATE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded", "backendError")
ENDED_REASONS = ("liveChatEnded",)
# Events that carry a viewer's words, and the kind the show records them as.
KINDS = {
    "textMessageEvent": "message",
    "superChatEvent": "superchat",
    "superStickerEvent": "supersticker",
    "newSponsorEvent": "membership",
    "memberMilestoneChatEvent": "membership",
    "membershipGiftingEvent": "membership",
    "giftMembershipReceivedEvent": "membership",
}


class _ApiError(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"HTTP {status} {reason}: {message}" if reason else f"HTTP {status}")
        self.status, self.reason, self.message = status, reason, message


class _Waiting(Exception):
    """Nothing to read yet (the broadcast has not started): try again later."""


class _Ended(Exception):
    """The chat is over."""


class YouTubeChat(ChatReader):
    """Polls one YouTube live chat; a `CommentConnector`.

    Exactly one of `chat_id` (a liveChatId), `video_id` (the broadcast's video) or `mine`
    (the active broadcast of the token's channel). `api_key_env` names the variable holding
    an API key; `token_file_env` the variable holding the path of a file with an OAuth
    bearer token (read again whenever the file changes, and after a 401, so a refresher
    can rewrite it). `mine` needs the token.
    """

    def __init__(
        self,
        *,
        chat_id: str | None = None,
        video_id: str | None = None,
        mine: bool = False,
        api_key_env: str | None = None,
        token_file_env: str | None = None,
        api_base: str = API_BASE,
        ignore_channels: tuple[str, ...] = (),
        source: str = "youtube",
        name: str | None = None,
        environ: Mapping[str, str] | None = None,
        min_interval: float = 1.0,
        wait_for_live: float = 30.0,
        timeout: float = 10.0,
        rate_backoff: Backoff | None = None,
        quota_backoff: Backoff | None = None,
    ) -> None:
        if sum((chat_id is not None, video_id is not None, mine)) != 1:
            raise ValueError("say which chat: one of chat=LIVE_CHAT_ID, video=VIDEO_ID or mine")
        for label, value in (("chat", chat_id), ("video", video_id)):
            if value is not None and (not value or not value.replace("-", "").replace(
                    "_", "").isalnum() or len(value) > 128):
                raise ValueError(f"{label}={value!r}: not a YouTube id")
        environ = os.environ if environ is None else environ
        self._key = ""
        if api_key_env:
            self._key = environ.get(api_key_env, "")
            if not self._key:
                raise ValueError(f"key_env: ${api_key_env} is not set or empty")
        self._token_file: Path | None = None
        self._token, self._token_stamp = "", 0.0
        if token_file_env:
            path = environ.get(token_file_env, "")
            if not path:
                raise ValueError(f"token_env: ${token_file_env} is not set or empty (it holds "
                                 "the path of the file with the OAuth token)")
            self._token_file = Path(path)
            if not self._read_token(force=True):
                raise ValueError(f"token_env: ${token_file_env} names {path}, which holds no "
                                 "token (or cannot be read)")
        if not self._key and self._token_file is None:
            raise ValueError("key_env or token_env: YouTube needs an API key or an OAuth token")
        if mine and self._token_file is None:
            raise ValueError("youtube:mine: the channel's own broadcast needs token_env")
        if not api_base.startswith(("https://", "http://")):
            raise ValueError(f"api={api_base!r}: must be an http(s):// URL")
        self.api_base = api_base.rstrip("/")
        self.chat_id, self.video_id, self.mine = chat_id, video_id, mine
        self.ignore = set(ignore_channels)
        self.source = source
        where = f"chat={chat_id}" if chat_id else f"video={video_id}" if video_id else "mine"
        self.state = ConnectorState(name or f"youtube:{where}", "youtube")
        self.min_interval, self.wait_for_live, self.timeout = min_interval, wait_for_live, timeout
        self._rate_backoff = rate_backoff or Backoff(5.0, 300.0, jitter=0.2)
        self._quota_backoff = quota_backoff or Backoff(900.0, 3600.0, jitter=0.1)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.join_timeout = timeout + 5
        super().__init__()

    # -- the loop ------------------------------------------------------------------------

    def _run(self, on_message: OnMessage) -> None:
        live_chat = self.chat_id
        page_token: str | None = None
        first_page = True
        while not self._stop.is_set():
            try:
                if live_chat is None:
                    live_chat = self._find_chat()
                    log.info("%s: reading live chat %s", self.state.name, live_chat)
                page = self._get("liveChat/messages", {
                    "liveChatId": live_chat, "part": "snippet,authorDetails",
                    "maxResults": "2000", **({"pageToken": page_token} if page_token else {}),
                })
                self._rate_backoff.reset()
                self._quota_backoff.reset()
                if self.state.state != "connected":
                    self.state.set("connected", f"polling live chat {live_chat}")
                ended = self._take(page, on_message, backlog=first_page)
                first_page = False
                page_token = page.get("nextPageToken") or page_token
                if ended or page.get("offlineAt"):
                    raise _Ended("the broadcast's chat has ended")
                wait = max(self.min_interval, _number(page.get("pollingIntervalMillis")) / 1000)
                self._stop.wait(wait)
            except _Ended as exc:
                self.state.set("ended", str(exc))
                log.info("%s: %s", self.state.name, exc)
                return
            except _Waiting as exc:
                self._back_off(str(exc), self.wait_for_live)
            except _ApiError as exc:
                if not self._on_error(exc):
                    return
            except (OSError, ValueError) as exc:  # unreachable, timed out, or not JSON
                delay = self._rate_backoff.next_delay()
                self.state.count("reconnects")
                self._back_off(f"cannot reach the API: {_short(exc)}", delay)

    def _on_error(self, exc: _ApiError) -> bool:
        """Wait as the error asks, and say whether to go on."""
        self.state.count("reconnects")
        reason = exc.reason
        if exc.status == 401 and self._token_file is not None:
            refused = self._token
            if self._read_token(force=True) and self._token != refused:
                self._back_off("the token was refused; trying the new one in its file", 1.0)
            else:
                self._back_off("the token was refused; waiting for a new one in the token "
                               "file", self._rate_backoff.next_delay())
            return True
        if reason in QUOTA_REASONS:
            self._back_off(f"out of API quota ({reason})", self._quota_backoff.next_delay())
            return True
        if exc.status in (429, 500, 502, 503, 504) or reason in RATE_REASONS:
            self._back_off(f"the API is busy ({reason or exc.status})",
                           self._rate_backoff.next_delay())
            return True
        if reason in ENDED_REASONS:
            self.state.set("ended", "the broadcast's chat has ended")
            return False
        why = {401: "the API key was refused", 404: "no such live chat or video"}.get(
            exc.status, f"refused by the API (HTTP {exc.status})")
        self.state.set("failed", f"{why}: {reason or exc.message}".rstrip(": "))
        log.error("%s: %s", self.state.name, self.state.reason)
        return False

    def _back_off(self, reason: str, delay: float) -> None:
        self.state.backing_off(f"{reason}; next try in {delay:.0f} s", delay)
        log.warning("%s: %s; next try in %.0f s", self.state.name, reason, delay)
        self._stop.wait(delay)

    def _find_chat(self) -> str:
        if self.video_id is not None:
            found = self._get("videos", {"part": "liveStreamingDetails", "id": self.video_id})
            items = found.get("items") or []
            if not items:
                raise _ApiError(404, "videoNotFound", f"no video {self.video_id}")
            details = items[0].get("liveStreamingDetails") or {}
            if not details:
                raise _ApiError(404, "notLive", f"video {self.video_id} is not a live stream")
            chat = details.get("activeLiveChatId")
            if isinstance(chat, str) and chat:
                return chat
            if details.get("actualEndTime"):
                raise _Ended(f"the broadcast of video {self.video_id} is over")
            raise _Waiting(f"video {self.video_id} has no live chat yet (not started?)")
        found = self._get("liveBroadcasts", {"part": "snippet", "broadcastStatus": "active",
                                             "broadcastType": "all", "maxResults": "5"})
        for item in found.get("items") or []:
            chat = (item.get("snippet") or {}).get("liveChatId")
            if isinstance(chat, str) and chat:
                return chat
        raise _Waiting("the channel has no active broadcast yet")

    def _take(self, page: Mapping[str, Any], on_message: OnMessage, *, backlog: bool) -> bool:
        """Hand the page's new messages to the show; True when the chat ended in it."""
        ended = False
        for item in page.get("items") or []:
            if not isinstance(item, dict):
                continue
            snippet = item.get("snippet") or {}
            if snippet.get("type") == "chatEndedEvent":
                ended = True
                continue
            ident = item.get("id")
            if not isinstance(ident, str) or ident in self._seen:
                continue
            self._seen[ident] = None
            while len(self._seen) > MAX_SEEN:
                self._seen.popitem(last=False)
            if backlog:
                continue  # said before we came: the host does not answer the past
            self._deliver(snippet, item.get("authorDetails") or {}, on_message)
        return ended

    def _deliver(self, snippet: Mapping[str, Any], author: Mapping[str, Any],
                 on_message: OnMessage) -> None:
        kind = KINDS.get(str(snippet.get("type", "")))
        text = _words(snippet)
        channel = str(author.get("channelId") or snippet.get("authorChannelId") or "")
        if (kind is None or not text.strip() or author.get("isChatOwner")
                or channel in self.ignore):
            self.state.count("ignored")  # the host's side, or an event with nothing to answer
            return
        name = str(author.get("displayName") or "viewer")
        self._hand_over(ViewerMessage(name, text, time.monotonic(), source=self.source,
                                      client=channel or name, kind=kind), on_message)

    # -- HTTP ------------------------------------------------------------------------------

    def _read_token(self, force: bool = False) -> bool:
        """Read the token file when it changed (or `force`); whether a token is held."""
        if self._token_file is None:
            return False
        try:
            stamp = self._token_file.stat().st_mtime
            if force or stamp != self._token_stamp:
                token = self._token_file.read_text(encoding="utf-8").strip()
                if token.lower().startswith("bearer "):
                    token = token[7:].strip()
                self._token, self._token_stamp = token, stamp
        except (OSError, UnicodeDecodeError):
            return bool(self._token)
        return bool(self._token)

    def _get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        query = dict(params)
        headers = {"Accept": "application/json", "User-Agent": "hostcast"}
        if self._token_file is not None and self._read_token():
            headers["Authorization"] = f"Bearer {self._token}"
        elif self._key:
            query["key"] = self._key
        url = f"{self.api_base}/{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            try:
                detail = exc.read(64 * 1024)
            except OSError:
                detail = b""
            finally:
                exc.close()
            raise _api_error(exc.code, detail) from None
        if len(raw) > MAX_RESPONSE:
            raise ValueError(f"an answer over {MAX_RESPONSE} bytes")
        body = json.loads(raw.decode("utf-8"))
        if not isinstance(body, dict):
            raise ValueError("the answer is not a JSON object")
        return body


def _api_error(status: int, raw: bytes) -> _ApiError:
    """The API's error body: {"error": {"message", "errors": [{"reason", ...}]}}."""
    try:
        error = json.loads(raw.decode("utf-8")).get("error") or {}
        reasons = [e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)]
        message = str(error.get("message", ""))[:200]
    except (ValueError, AttributeError):
        reasons, message = [], ""
    return _ApiError(status, next((r for r in reasons if r), ""), message)


def _words(snippet: Mapping[str, Any]) -> str:
    """What the viewer wrote: a chat line, or the comment on a Super Chat or a membership."""
    for key, field in (("textMessageDetails", "messageText"),
                       ("superChatDetails", "userComment"),
                       ("memberMilestoneChatDetails", "userComment")):
        details = snippet.get(key)
        if isinstance(details, dict) and isinstance(details.get(field), str):
            return str(details[field])
    if snippet.get("type") == "textMessageEvent":
        return str(snippet.get("displayMessage") or "")
    return ""  # a sticker, a gift, a new member: nothing was asked


def _number(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 0.0


def _short(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc)[:200]
