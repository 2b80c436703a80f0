"""Render segments to an MP4 file, drawing each frame as it is encoded."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stream.airtime import AirTimeline
from stream.contract import AirBed, AirSegment, FrameSource
from stream.encoder import AUDIO_CHUNK, AUDIO_RATE, Encoder, VideoSettings
from stream.mp4_file import Mp4File


@dataclass(frozen=True)
class RenderReport:
    frames: int
    audio_samples: int
    segments: int
    wall_seconds: float
    cpu_seconds: float


def render_to_file(
    segments: Iterator[AirSegment],
    out: Path,
    settings: VideoSettings,
    picture: FrameSource,
    duration: float,
    *,
    on_frame: Callable[[Any], None] | None = None,
    progress: Callable[[float], None] | None = None,
    bed: AirBed | None = None,
) -> RenderReport:
    """Air `duration` seconds of segments into `out`; audio and video end together."""
    fps = settings.fps
    total_frames = round(duration * fps)
    total_samples = round(total_frames * AUDIO_RATE / fps)
    timeline = AirTimeline(AUDIO_RATE, bed)
    encoder = Encoder(settings)
    writer = Mp4File(out, encoder.spec)
    started, cpu_started = time.monotonic(), time.process_time()
    sent = placed = 0
    exhausted = False
    try:
        for n in range(total_frames):
            t = n / fps
            while not exhausted and timeline.end <= t + 1 / fps:
                segment = next(segments, None)
                if segment is None:
                    exhausted = True
                else:
                    timeline.append(segment)
                    placed += 1
            yuv, state = picture.draw(t, timeline.at(t))
            for packet in encoder.video(yuv, n):
                writer.write(packet)
            if on_frame is not None:
                on_frame(state)
            # Audio goes in 20 ms chunks, every sample up to the end of this frame with it.
            due = min(total_samples, round((n + 1) * AUDIO_RATE / fps))
            while sent < due:
                count = min(AUDIO_CHUNK, total_samples - sent)
                for packet in encoder.audio(timeline.audio(sent, count), sent):
                    writer.write(packet)
                sent += count
            timeline.forget_before(sent - AUDIO_RATE)
            if progress is not None and n % fps == 0:
                progress(t / duration)
        for packet in encoder.flush():
            writer.write(packet)
    finally:
        writer.close()
    if progress is not None:
        progress(1.0)
    return RenderReport(
        frames=total_frames,
        audio_samples=sent,
        segments=placed,
        wall_seconds=time.monotonic() - started,
        cpu_seconds=time.process_time() - cpu_started,
    )
