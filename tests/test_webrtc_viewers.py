"""Twenty aiortc viewers on loopback share one encode; a browser without H.264 gets VP8."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiortc.codecs import h264, opus, vpx

from stream.encoder import Encoder, VideoSettings
from stream.web.testing import PreviewOnAir, preview_on_air
from stream.webrtc import live_encoders
from stream.webrtc.h264 import profile_level_id
from stream.webrtc.testing import ViewerClient

WIDTH, HEIGHT, FPS = 240, 432, 15


@pytest.fixture(scope="module")
def preview() -> Iterator[PreviewOnAir]:
    with preview_on_air(width=WIDTH, height=HEIGHT, fps=FPS) as on_air:
        yield on_air


@pytest.fixture
def per_viewer_encodes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts every encode aiortc would run for one viewer: there must be none."""
    calls: Counter[str] = Counter()

    def counting(name: str, original: Any) -> Any:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(self, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(h264.H264Encoder, "encode", counting("h264", h264.H264Encoder.encode))
    monkeypatch.setattr(opus.OpusEncoder, "encode", counting("opus", opus.OpusEncoder.encode))
    monkeypatch.setattr(vpx.Vp8Encoder, "encode", counting("vp8", vpx.Vp8Encoder.encode))
    return calls


async def _until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


def _watching(client: ViewerClient, frames: int = 10, audio: int = 25) -> bool:
    return client.video_frames >= frames and client.audio_frames >= audio


def test_twenty_viewers_share_one_h264_and_one_opus_encode(
    preview: PreviewOnAir, per_viewer_encodes: Counter[str]
) -> None:
    async def run() -> dict[str, Any]:
        async with aiohttp.ClientSession() as session:
            clients = [ViewerClient(preview.url) for _ in range(20)]
            await asyncio.gather(*(c.connect(session) for c in clients))
            everyone = await _until(lambda: all(_watching(c) for c in clients), 12)
            # The beep comes once a cycle: a viewer whose audio began just now may not have
            # had one yet, so its ears get a few seconds more than its first frames.
            await _until(lambda: all(c.audio_peak >= 1000 for c in clients), 5)
            seen = {
                "everyone": everyone,
                "frames": [(c.video_frames, c.audio_frames) for c in clients],
                "sizes": {c.frame_size for c in clients},
                "quiet": [c for c in clients if c.audio_peak < 1000],
                "first_frame": [c.time_to_first_frame for c in clients],
                "viewers": preview.sink.viewer_count,
                "encoders": preview.sink.encoders(),
                "live": live_encoders(),
            }
            # A latecomer joins a running stream: the encoder is asked for a keyframe, so
            # its picture starts at once, not at the next beat of the keyframe interval.
            # Timed from its connection being up: ICE and DTLS before that are paced by
            # this process's own twenty decoders, on a 2-core machine.
            late = ViewerClient(preview.url)
            await late.connect(session)
            await _until(lambda: late.video_frames > 0, 10)
            seen["late_first_frame"] = late.picture_after_connected
            await asyncio.gather(*(c.close() for c in [*clients, late]))
            await _until(lambda: preview.sink.viewer_count == 0, 5)
            seen["viewers_after"] = preview.sink.viewer_count
            return seen

    seen = asyncio.run(run())
    assert seen["everyone"], f"not every viewer got video and audio: {seen['frames']}"
    assert seen["sizes"] == {(WIDTH, HEIGHT)}
    assert not seen["quiet"], "some viewers never heard the beep"
    assert seen["viewers"] == 20
    # Encode once: the air's one H.264 encode is re-packed, one Opus encode is shared.
    assert seen["encoders"] == {"opus": 1, "vp8": 0}
    assert seen["live"] == {"opus": 1}
    assert per_viewer_encodes == Counter(), f"aiortc encoded per viewer: {per_viewer_encodes}"
    first = [t for t in seen["first_frame"] if t is not None]
    assert max(first) < 10
    late_first = seen["late_first_frame"]
    assert late_first is not None and late_first < 2.0  # one keyframe interval at most
    assert seen["viewers_after"] == 0
    print(f"\nfirst frame: median {statistics.median(first):.2f} s, max {max(first):.2f} s; "
          f"late joiner {seen['late_first_frame']:.2f} s")


def test_browsers_without_h264_share_one_vp8_encode_that_stops_when_they_leave(
    preview: PreviewOnAir, per_viewer_encodes: Counter[str]
) -> None:
    async def run() -> dict[str, Any]:
        async with aiohttp.ClientSession() as session:
            vp8 = [ViewerClient(preview.url, video_codec="video/VP8") for _ in range(3)]
            plain = ViewerClient(preview.url)
            await asyncio.gather(*(c.connect(session) for c in [*vp8, plain]))
            ok = await _until(lambda: all(_watching(c, 5, 10) for c in [*vp8, plain]), 10)
            during = dict(preview.sink.encoders())
            sizes = {c.frame_size for c in vp8}
            await asyncio.gather(*(c.close() for c in vp8))
            stopped = await _until(lambda: live_encoders().get("vp8", 0) == 0, 5)
            still = plain.video_frames
            await asyncio.sleep(0.5)
            h264_goes_on = plain.video_frames > still
            await plain.close()
            return {"ok": ok, "during": during, "sizes": sizes, "stopped": stopped,
                    "h264_goes_on": h264_goes_on}

    seen = asyncio.run(run())
    assert seen["ok"]
    assert seen["sizes"] == {(WIDTH, HEIGHT)}
    assert seen["during"] == {"opus": 1, "vp8": 1}
    assert seen["stopped"], "the VP8 encoder kept running with no VP8 viewer"
    assert seen["h264_goes_on"]
    assert per_viewer_encodes == Counter()


def test_the_operator_can_send_everyone_vp8_instead(per_viewer_encodes: Counter[str]) -> None:
    with preview_on_air(width=WIDTH, height=HEIGHT, fps=FPS, video_codecs=("vp8",)) as vp8_only:
        async def run() -> tuple[bool, dict[str, int]]:
            async with aiohttp.ClientSession() as session:
                client = ViewerClient(vp8_only.url)  # offers H.264 and VP8, like Chrome
                await client.connect(session)
                ok = await _until(lambda: _watching(client, 5, 10), 10)
                encoders = dict(vp8_only.sink.encoders())
                await client.close()
                return ok, encoders

        ok, encoders = asyncio.run(run())
    assert ok and encoders == {"opus": 1, "vp8": 1}
    assert per_viewer_encodes == Counter()


def test_the_answer_advertises_the_h264_profile_the_encoder_sends(preview: PreviewOnAir) -> None:
    async def answer() -> str:
        client = ViewerClient(preview.url)
        try:
            async with aiohttp.ClientSession() as session:
                await client.connect(session)
                return str(client.pc.remoteDescription.sdp)
        finally:
            await client.close()

    sdp = asyncio.run(answer())
    sent = preview.sink.profile_level_id  # read from the SPS x264 wrote
    advertised = set(re.findall(r"profile-level-id=([0-9a-fA-F]{6})", sdp))
    assert advertised == {sent}, sdp


@pytest.mark.parametrize(("preset", "profile"), [("veryfast", "64"), ("ultrafast", "42")])
def test_the_profile_is_read_from_the_encoders_own_headers(preset: str, profile: str) -> None:
    encoder = Encoder(VideoSettings(width=WIDTH, height=HEIGHT, fps=FPS, preset=preset))
    assert profile_level_id(encoder.spec.video_extradata)[:2] == profile  # High, Baseline
