"""WebRtcSink without a network: what each viewer's tracks get, and what a slow one loses."""

from __future__ import annotations

import asyncio
from fractions import Fraction

import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError

from stream.broadcast import Broadcast
from stream.encoder import Encoder, VideoSettings
from stream.packets import AUDIO, VIDEO, MediaSpec, Packet
from stream.webrtc import WebRtcSink, live_encoders
from stream.webrtc.h264 import annex_b_parameter_sets
from stream.webrtc.opus import OpusEncode

SPS = bytes.fromhex("6764001eacb40b828f2f08")
PPS = bytes.fromhex("68ef0fcb")
ANNEX_B = b"\x00\x00\x00\x01" + SPS + b"\x00\x00\x00\x01" + PPS


def spec(extradata: bytes = ANNEX_B) -> MediaSpec:
    return MediaSpec(width=240, height=432, fps=30, video_extradata=extradata, audio_rate=48000,
                     audio_channels=1, audio_extradata=b"\x11\x88")


def video(pts: int, keyframe: bool, size: int = 100) -> Packet:
    nal = b"\x00\x00\x00\x01" + (b"\x65" if keyframe else b"\x41") + bytes(size)
    return Packet(VIDEO, nal, pts, pts, 1, keyframe)


def test_parameter_sets_from_avcc_become_annex_b() -> None:
    avcc = (bytes([1, 0x64, 0, 0x1E, 0xFF, 0xE1]) + len(SPS).to_bytes(2, "big") + SPS
            + bytes([1]) + len(PPS).to_bytes(2, "big") + PPS)
    assert annex_b_parameter_sets(avcc) == ANNEX_B
    assert annex_b_parameter_sets(ANNEX_B) == ANNEX_B
    with pytest.raises(ValueError, match="neither Annex B nor avcC"):
        annex_b_parameter_sets(b"\x07garbage")


def test_the_real_encoder_gives_parameter_sets_the_sink_can_use() -> None:
    encoder = Encoder(VideoSettings(width=64, height=64, preset="ultrafast"))
    sets = annex_b_parameter_sets(encoder.spec.video_extradata)
    types = [unit[0] & 0x1F for unit in sets.split(b"\x00\x00\x00\x01")[1:]]
    assert types == [7, 8]  # SPS, PPS


def test_without_viewers_or_a_loop_the_sink_does_nothing_and_never_raises() -> None:
    sink = WebRtcSink()
    sink.start(spec())
    for pts in range(100):
        sink.send(video(pts, pts % 30 == 0))
        sink.audio_pcm(np.zeros(960, np.int16), pts * 960)
        sink.video_yuv(np.zeros((648, 240), np.uint8), pts)
    assert sink.health().state == "starting"
    assert sink.health().sent_bytes == 0
    sink.close()
    assert sink.health().state == "stopped"


async def _settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


def test_a_new_viewer_starts_at_a_keyframe_with_sps_and_pps_in_front() -> None:
    async def run() -> None:
        sink = WebRtcSink()
        sink.start(spec())
        sink.attach(asyncio.get_running_loop())
        viewer = sink.add_viewer("h264")
        first = asyncio.ensure_future(viewer.video.recv())
        await _settle()
        sink.send(video(1, False))
        sink.send(video(2, False))
        sink.send(video(3, True))
        sink.send(video(4, False))
        packet = await asyncio.wait_for(first, 1)
        assert bytes(packet).startswith(ANNEX_B + b"\x00\x00\x00\x01\x65")
        assert packet.pts == 3 and packet.time_base == Fraction(1, 30)
        second = await asyncio.wait_for(viewer.video.recv(), 1)
        assert second.pts == 4 and bytes(second)[4] == 0x41  # no parameter sets on P frames
        sink.remove_viewer(viewer)
        sink.close()

    asyncio.run(run())


def test_a_stalled_viewer_holds_a_bounded_queue_and_resumes_at_the_next_keyframe() -> None:
    async def run() -> None:
        sink = WebRtcSink(video_queue=5, audio_queue=4)
        sink.start(spec())
        sink.attach(asyncio.get_running_loop())
        viewer = sink.add_viewer("h264")
        first = asyncio.ensure_future(viewer.video.recv())
        await _settle()
        sink.send(video(0, True))
        await _settle()
        await asyncio.wait_for(first, 1)
        for pts in range(1, 40):  # the viewer stops reading: 39 P frames pile up
            sink.send(video(pts, False))
        await _settle()
        assert len(viewer._video_queue) <= 5
        assert sink.health().dropped_bytes > 0
        sink.send(video(40, True))
        sink.send(video(41, False))
        await _settle()
        resumed = await asyncio.wait_for(viewer.video.recv(), 1)
        assert resumed.pts == 40, "after a drop the viewer must restart at a keyframe"
        sink.remove_viewer(viewer)
        sink.close()

    asyncio.run(run())


def test_audio_keeps_the_newest_second_and_tracks_end_when_the_sink_closes() -> None:
    async def run() -> None:
        sink = WebRtcSink(audio_queue=10)
        sink.start(spec())
        sink.attach(asyncio.get_running_loop())
        viewer = sink.add_viewer("h264")
        first = asyncio.ensure_future(viewer.audio.recv())
        await _settle()
        tone = (np.sin(np.arange(960) / 10) * 5000).astype(np.int16)
        for tick in range(60):
            sink.audio_pcm(tone, tick * 960)
        await _settle()
        # 60 packets arrived while the reader slept: it gets only the newest ten.
        newest = [(await asyncio.wait_for(first, 1)).pts]
        newest += [(await viewer.audio.recv()).pts for _ in range(9)]
        assert newest == [tick * 960 for tick in range(50, 60)]
        assert len(viewer._audio_queue) == 0
        pending = asyncio.ensure_future(viewer.video.recv())
        sink.close()
        await _settle()
        with pytest.raises(MediaStreamError):
            await asyncio.wait_for(pending, 1)
        assert sink.viewer_count == 0

    asyncio.run(run())


def test_opus_stamps_packets_on_the_stream_clock_and_restarts_after_a_gap() -> None:
    opus = OpusEncode()
    try:
        pcm = np.zeros(480, np.int16)
        assert opus.encode(pcm, 0) == []  # half a frame: held back
        assert [pts for _, pts in opus.encode(pcm, 480)] == [0]
        assert [pts for _, pts in opus.encode(np.zeros(960, np.int16), 96000)] == [96000]
        assert live_encoders().get("opus", 0) >= 1
    finally:
        opus.close()


def test_broadcast_hands_pcm_and_frames_to_the_sink_before_the_encode() -> None:
    heard: list[tuple[str, int]] = []

    class Listener(WebRtcSink):
        def audio_pcm(self, pcm: np.ndarray, first_sample: int) -> None:  # type: ignore[override]
            heard.append((AUDIO, first_sample))

        def video_yuv(self, yuv: np.ndarray, index: int) -> None:  # type: ignore[override]
            heard.append((VIDEO, index))

    sink = Listener()
    broadcast = Broadcast(Encoder(VideoSettings(width=64, height=64, preset="ultrafast")), [sink])
    broadcast.audio(np.zeros(960, np.int16), 0)
    broadcast.video(np.zeros((96, 64), np.uint8), 0)
    broadcast.remove(sink)
    broadcast.audio(np.zeros(960, np.int16), 960)
    assert heard == [(AUDIO, 0), (VIDEO, 0)]
    broadcast.close()
