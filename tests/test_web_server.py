"""The preview server's edges: bad offers, wrong tokens, big bodies, full rooms, the event feed."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from stream.web import PreviewServer, parse_bind
from stream.web.testing import PreviewOnAir, preview_on_air
from stream.webrtc import WebRtcSink
from stream.webrtc.testing import ViewerClient

TOKEN = "test-token"


@pytest.fixture(scope="module")
def preview() -> Iterator[PreviewOnAir]:
    with preview_on_air(token=TOKEN, rotate_seconds=1000) as on_air:
        yield on_air


def call(method: str, url: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async def run() -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as session, session.request(
            method, url, **kwargs
        ) as response:
            text = await response.text()
            return response.status, json.loads(text) if text.startswith("{") else {"raw": text}

    return asyncio.run(run())


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_page_and_its_static_files_are_served(preview: PreviewOnAir) -> None:
    async def run() -> list[tuple[int, str, str]]:
        async with aiohttp.ClientSession() as session:
            out = []
            for path in ("", "static/app.js", "static/style.css", "static/favicon.svg"):
                async with session.get(preview.url + path) as response:
                    out.append((response.status, response.content_type,
                                response.headers.get("Content-Security-Policy", "")))
            return out

    pages = asyncio.run(run())
    assert [status for status, _, _ in pages] == [200, 200, 200, 200]
    assert pages[0][1] == "text/html" and "script-src 'self'" in pages[0][2]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sdp": "this is not sdp", "type": "offer"}, "sdp"),
        ({"sdp": "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", "type": "offer"}, "sdp"),
        ({"type": "offer"}, "sdp"),
        ({"sdp": 42, "type": "offer"}, "sdp"),
        ({"sdp": "v=0", "type": "answer"}, "type"),
        ([1, 2, 3], "body"),
    ],
)
def test_a_malformed_offer_is_refused_with_a_message_naming_the_field(
    preview: PreviewOnAir, body: Any, field: str
) -> None:
    status, reply = call("POST", preview.url + "api/offer", json=body)
    assert status == 400
    assert reply["error"].startswith(f"{field}:"), reply


def test_invalid_json_is_a_400_not_a_crash(preview: PreviewOnAir) -> None:
    status, reply = call("POST", preview.url + "api/offer", data=b"{nope",
                         headers={"Content-Type": "application/json"})
    assert status == 400 and reply["error"].startswith("body: not valid JSON")


def test_bodies_over_64_kb_are_refused(preview: PreviewOnAir) -> None:
    big = {"sdp": "v=0\r\n" + "a=x\r\n" * 20_000, "type": "offer"}
    status, reply = call("POST", preview.url + "api/offer", json=big)
    assert status == 413 and "limit 65536" in reply["error"]
    status, _ = call("POST", preview.url + "api/control/say", json={"text": "x" * 70_000},
                     headers=auth())
    assert status == 413


def test_controls_need_the_bearer_token(preview: PreviewOnAir) -> None:
    for headers in ({}, auth("wrong"), {"Authorization": TOKEN}, auth(TOKEN + "x")):
        status, reply = call("POST", preview.url + "api/control/skip", headers=headers)
        assert status == 401, headers
        assert "Bearer" in reply["error"]
    assert ("skip", None) not in preview.show.calls


def test_controls_reach_the_show_and_say_what_went_wrong(preview: PreviewOnAir) -> None:
    url = preview.url + "api/control/"
    assert call("POST", url + "skip", headers=auth())[0] == 200
    assert call("POST", url + "pin", json={"product_id": "tee"}, headers=auth())[0] == 200
    status, reply = call("POST", url + "pin", json={"product_id": "nope"}, headers=auth())
    assert status == 400 and "no product 'nope'" in reply["error"]
    status, reply = call("POST", url + "pin", json={"product_id": 7}, headers=auth())
    assert status == 400 and reply["error"].startswith("product_id:")
    assert call("POST", url + "say", json={"text": "Hello!"}, headers=auth())[0] == 200
    status, reply = call("POST", url + "say", json={"text": "Free shipping!"}, headers=auth())
    assert status == 422 and "shipping" in reply["error"]
    status, reply = call("POST", url + "say", json={}, headers=auth())
    assert status == 400 and reply["error"].startswith("text:")
    assert call("POST", url + "pause", headers=auth())[0] == 200
    assert call("POST", url + "resume", headers=auth())[0] == 200
    assert call("POST", url + "pin", json={"product_id": None}, headers=auth())[0] == 200
    status, reply = call("POST", url + "explode", headers=auth())
    assert status == 404 and reply["error"].startswith("action:")
    assert preview.show.calls == [
        ("skip", None), ("pin", "tee"), ("say", "Hello!"), ("pause", None), ("resume", None),
        ("pin", None),
    ]


def test_a_foreign_host_header_is_refused(preview: PreviewOnAir) -> None:
    status, reply = call("GET", preview.url, headers={"Host": "evil.example.com"})
    assert status == 421 and "evil.example.com" in reply["error"]


def test_the_event_feed_pushes_the_on_air_state_and_its_changes(preview: PreviewOnAir) -> None:
    async def run() -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        async with aiohttp.ClientSession() as session, session.get(
            preview.url + "api/events"
        ) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            started = time.monotonic()
            async for line in response.content:
                if line.startswith(b"data: "):
                    events.append({**json.loads(line[6:]), "_at": time.monotonic() - started})
                    if len(events) == 1:
                        preview.show.pin("mug")  # a change: must arrive well before 1 s
                if len(events) >= 4:
                    break
        return events

    events = asyncio.run(run())
    preview.show.pin(None)
    assert events[0]["product"]["title"] and "viewers" in events[0]
    assert events[0]["health"]["sinks"][0]["name"] == "webrtc"
    assert events[1]["product"]["id"] == "mug" and events[1]["_at"] < 0.8
    gaps = [b["_at"] - a["_at"] for a, b in itertools.pairwise(events)]
    assert max(gaps) < 1.5, f"the feed went quiet: {gaps}"


def test_a_full_room_answers_503(tmp_path: Any) -> None:
    with preview_on_air(max_viewers=2) as small:
        async def run() -> tuple[int, str]:
            async with aiohttp.ClientSession() as session:
                seated = [ViewerClient(small.url), ViewerClient(small.url)]
                await asyncio.gather(*(c.connect(session) for c in seated))
                extra = ViewerClient(small.url)
                try:
                    await extra.connect(session)
                    return 200, ""
                except RuntimeError as exc:
                    return 503 if "503" in str(exc) else 0, str(exc)
                finally:
                    await asyncio.gather(*(c.close() for c in [*seated, extra]))

        status, message = asyncio.run(run())
    assert status == 503 and "all 2 viewer seats are taken" in message


def test_binding_off_loopback_needs_explicit_consent() -> None:
    assert parse_bind("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_bind("[::1]:9000") == ("::1", 9000)
    assert parse_bind("localhost:0") == ("localhost", 0)
    assert parse_bind("0.0.0.0:8080", allow_remote=True) == ("0.0.0.0", 8080)
    for bad, message in (("0.0.0.0:8080", "not a loopback"), ("8080", "HOST:PORT"),
                         ("127.0.0.1:http", "not a number"), ("127.0.0.1:70000", "range")):
        with pytest.raises(ValueError, match=message):
            parse_bind(bad)
    with pytest.raises(ValueError, match="not loopback"):
        PreviewServer(WebRtcSink(), dict, host="192.0.2.7")


def test_a_taken_port_fails_at_start_and_stop_is_clean() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = PreviewServer(WebRtcSink(), dict, port=port)
        with pytest.raises(OSError):
            server.start()
    server.stop()  # nothing to stop: no error


def test_health_view_reads_the_stream_counters() -> None:
    from stream.lateness import LatenessHistogram
    from stream.packets import SinkHealth
    from stream.web.status import FrameRate, health_view

    rate = FrameRate(window=2.0)
    assert rate.update(0, now=10.0) == 0.0
    assert rate.update(30, now=11.0) == pytest.approx(30.0)
    assert rate.update(90, now=13.0) == pytest.approx(30.0)  # the window slid past 10.0
    late = LatenessHistogram()
    for ms in (1, 1, 2, 40):
        late.add(ms / 1000)
    view = health_view(fps=29.97, lateness=late, repeated_frames=3, air_seconds=12.34,
                       sinks=[SinkHealth("webrtc", "connected", sent_bytes=10)])
    assert view["fps"] == 30.0 and view["late_p50_ms"] == 1.5 and view["late_p99_ms"] == 40.5
    assert view["sinks"] == [{"name": "webrtc", "state": "connected", "sent_bytes": 10,
                              "dropped_bytes": 0, "reconnects": 0, "last_error": ""}]


def test_before_air_an_offer_gets_503_and_pin_needs_its_field() -> None:
    server = PreviewServer(WebRtcSink(), dict, port=0, token=TOKEN)  # the sink never started
    server.start()
    try:
        async def offer() -> str:
            client = ViewerClient(server.url)
            async with aiohttp.ClientSession() as session:
                try:
                    await client.connect(session)
                    return "answered"
                except RuntimeError as exc:
                    return str(exc)
                finally:
                    await client.close()

        refusal = asyncio.run(offer())
        assert "503" in refusal and "not on air" in refusal
        status, reply = call("POST", server.url + "api/control/skip", headers=auth())
        assert status == 503 and "not wired" in reply["error"]
    finally:
        server.stop()
    with preview_on_air(token=TOKEN) as preview:
        status, reply = call("POST", preview.url + "api/control/pin", headers=auth())
        assert status == 400 and reply["error"].startswith("product_id: missing")


def test_stopping_the_server_ends_open_event_streams_promptly() -> None:
    ended = []

    async def listen(url: str) -> None:
        async with aiohttp.ClientSession() as session, session.get(url + "api/events") as response:
            async for _ in response.content:
                pass
        ended.append(time.monotonic())

    with preview_on_air() as preview:
        reader = threading.Thread(target=asyncio.run, args=(listen(preview.url),), daemon=True)
        reader.start()
        time.sleep(0.5)
        stopping = time.monotonic()
    reader.join(5)
    assert time.monotonic() - stopping < 5
    assert ended and ended[0] - stopping < 5
