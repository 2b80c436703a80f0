"""WhipSink against a WHIP ingest on loopback: what the ingest decodes, and how failures show."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest

from stream.encoder import Encoder, VideoSettings
from stream.ingest_url import redact_url
from stream.packets import MediaSpec
from stream.sinks.backoff import Backoff
from stream.webrtc.opus import SharedOpus, live_encoders
from stream.webrtc.testing import SyntheticAir, loopback_candidates
from stream.webrtc.whip import WhipSink, parse_whip_url
from stream.webrtc.whip_endpoint import WhipEndpoint

WIDTH, HEIGHT, FPS = 240, 432, 15
TOKEN = "s3cret-bearer-token"


@pytest.fixture(autouse=True)
def loopback() -> Iterator[None]:
    with loopback_candidates():
        yield


def _spec() -> MediaSpec:
    return Encoder(VideoSettings(width=64, height=64, preset="ultrafast")).spec


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


def test_whip_urls_are_http_or_https_and_shown_without_their_key() -> None:
    assert parse_whip_url(" https://ingest.example/whip ") == "https://ingest.example/whip"
    assert parse_whip_url("http://127.0.0.1:8080/whip") == "http://127.0.0.1:8080/whip"
    with pytest.raises(ValueError, match="not a WHIP URL"):
        parse_whip_url("rtmp://ingest.example/live/key")
    with pytest.raises(ValueError, match="has no host"):
        parse_whip_url("https:///whip")
    with pytest.raises(ValueError, match="bad port"):
        parse_whip_url("https://ingest.example:port/whip")
    assert redact_url("https://u:pw@ingest.example/abc123key/webRTC/publish") == (
        "https://ingest.example/abc123key/***"
    )
    assert redact_url("https://ingest.example/whip?key=1") == "https://ingest.example/whip/***"
    assert WhipSink("https://ingest.example/whip/streamkey").name == "https://ingest.example/whip/***"


def test_the_ingest_decodes_our_h264_and_opus_and_gets_a_delete_on_close() -> None:
    async def run() -> None:
        endpoint = WhipEndpoint(TOKEN)
        url = await endpoint.start()
        sink = WhipSink(url, TOKEN, backoff=Backoff(0.2, 1.0))
        air = SyntheticAir([sink], width=WIDTH, height=HEIGHT, fps=FPS).start()
        sessions = endpoint.sessions
        try:
            # Two seconds of decoded video (it starts at the next keyframe) and of audio.
            assert await _until(lambda: bool(sessions) and sessions[0].video_frames >= 2 * FPS
                                and sessions[0].audio_frames >= 100, 15), sessions
            first = sessions[0]
            assert first.frame_size == (WIDTH, HEIGHT)
            assert first.audio_peak > 1000  # the beep, not silence
            health = sink.health()
            assert health.state == "connected" and health.sent_bytes > 0
            assert health.last_error == "" and health.reconnects == 0

            # The ingest restarts: the sink publishes again on its own.
            await endpoint.kick(first)
            assert await _until(lambda: len(sessions) >= 2 and sessions[1].video_frames >= FPS,
                                15), sessions
            assert sink.health().reconnects >= 1
            assert first.deleted  # the broken session was DELETEd too

            began = time.monotonic()
            await asyncio.to_thread(sink.close)
            assert time.monotonic() - began < 5
            assert sessions[1].deleted
            assert sink.health().state == "stopped"
        finally:
            await asyncio.to_thread(air.stop)
            await endpoint.stop()

    asyncio.run(run())


def test_two_whip_pushes_share_one_opus_encode_and_both_hear_it() -> None:
    async def run() -> None:
        endpoint = WhipEndpoint(TOKEN)
        url = await endpoint.start()
        opus = SharedOpus()
        sinks = [WhipSink(url, TOKEN, backoff=Backoff(0.2, 1.0), opus=opus) for _ in range(2)]
        air = SyntheticAir(sinks, width=WIDTH, height=HEIGHT, fps=FPS).start()
        sessions = endpoint.sessions
        try:
            assert await _until(lambda: len(sessions) == 2 and all(
                s.audio_frames >= 100 and s.audio_peak > 1000 for s in sessions), 15), sessions
            assert live_encoders().get("opus") == 1  # one encoder for both pushes
            ticks = opus.encodes
            await asyncio.sleep(1.0)
            # 50 stretches of 20 ms a second, each encoded once although two sinks ask.
            assert 40 <= opus.encodes - ticks <= 60
        finally:
            for sink in sinks:
                await asyncio.to_thread(sink.close)
            await asyncio.to_thread(air.stop)
            await endpoint.stop()
        assert not opus.is_open and "opus" not in live_encoders()

    asyncio.run(run())


def test_a_wrong_token_shows_401_and_never_the_token() -> None:
    async def run() -> None:
        endpoint = WhipEndpoint("the-right-token")
        url = await endpoint.start()
        sink = WhipSink(url, TOKEN, backoff=Backoff(0.05, 0.2))
        sink.start(_spec())
        try:
            assert await _until(lambda: sink.health().reconnects >= 2, 10)
            health = sink.health()
            assert health.state == "reconnecting"
            assert "401" in health.last_error
            assert TOKEN not in health.last_error and TOKEN not in health.name
            assert endpoint.sessions == [] and endpoint.refused[:2] == [401, 401]
        finally:
            began = time.monotonic()
            await asyncio.to_thread(sink.close)
            assert time.monotonic() - began < 5
            await endpoint.stop()
        assert sink.health().state == "stopped"

    asyncio.run(run())


def test_an_unreachable_ingest_is_retried_with_the_reason() -> None:
    async def run() -> None:
        endpoint = WhipEndpoint()
        url = await endpoint.start()
        await endpoint.stop()  # nothing listens there now
        sink = WhipSink(url, backoff=Backoff(0.05, 0.2))
        sink.start(_spec())
        try:
            assert await _until(lambda: sink.health().reconnects >= 1, 10)
            assert sink.health().state == "reconnecting"
            assert "connect" in sink.health().last_error.lower()
        finally:
            await asyncio.to_thread(sink.close)

    asyncio.run(run())


def test_an_ingest_without_h264_fails_clearly_and_is_not_retried() -> None:
    async def run() -> None:
        endpoint = WhipEndpoint(refuse_h264=True)
        url = await endpoint.start()
        sink = WhipSink(url, backoff=Backoff(0.05, 0.2))
        sink.start(_spec())
        try:
            assert await _until(lambda: sink.health().state == "failed", 10)
            await asyncio.sleep(0.5)
            health = sink.health()
            assert "does not accept H.264" in health.last_error
            assert health.reconnects == 0 and len(endpoint.sessions) == 1
            assert endpoint.sessions[0].deleted  # the half-made session is not left behind
        finally:
            await asyncio.to_thread(sink.close)
            await endpoint.stop()

    asyncio.run(run())
