"""The playout: audio is the master clock, video follows it, and neither ever waits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from host.segment.segment import Segment
from stream.airtime import AirTimeline
from stream.clock import Clock
from stream.encoder import AUDIO_CHUNK, AUDIO_RATE
from stream.lateness import LatenessHistogram
from stream.picture import FrameState, Picture
from stream.source import SegmentSource

log = logging.getLogger(__name__)

TICK = AUDIO_CHUNK / AUDIO_RATE  # 20 ms of audio per tick
EPSILON = 1e-6  # seconds: float rounding must never leave a due event waiting forever


class AirOutput(Protocol):
    def video(self, yuv: npt.NDArray[np.uint8], index: int) -> None: ...

    def audio(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None: ...


@dataclass
class PlayoutStats:
    frames: int = 0
    dropped_frames: int = 0
    audio_samples: int = 0
    segments: int = 0
    idle_ticks: int = 0  # 20 ms ticks with nothing queued: silence and the idle presenter
    lateness: LatenessHistogram = field(default_factory=LatenessHistogram)


class Playout:
    """Sends 20 ms of audio per tick and video frame n at n / fps, from one origin."""

    def __init__(
        self,
        clock: Clock,
        source: SegmentSource,
        picture: Picture,
        output: AirOutput,
        *,
        fps: int,
        on_frame: Callable[[FrameState], None] | None = None,
        on_segment: Callable[[Segment, float], None] | None = None,
    ) -> None:
        self.clock = clock
        self.fps = fps
        self.stats = PlayoutStats()
        self._source = source
        self._picture = picture
        self._output = output
        self._on_frame = on_frame
        self._on_segment = on_segment
        self._timeline = AirTimeline(AUDIO_RATE)
        self._origin: float | None = None
        self._tick = 0  # next 20 ms audio tick
        self._frame = 0  # next video frame

    @property
    def air_time(self) -> float:
        """Seconds of audio sent: the stream's own clock."""
        return self._tick * TICK

    def _fill(self, through: int, tick_start: int) -> None:
        """Take ready segments until the timeline covers `through`; none waits."""
        while self._timeline.end_sample < through:
            segment = self._source.poll()
            if segment is None:
                return
            placed = self._timeline.append(segment, not_before=tick_start)
            self.stats.segments += 1
            if self._on_segment is not None:
                self._on_segment(segment, placed.start_sample / AUDIO_RATE)

    def run(self, until: float | None = None, stop: threading.Event | None = None) -> None:
        """Air until the stream is `until` seconds old, or until `stop` is set.

        A later call goes on from where this one stopped, on the same clock.
        """
        stop = stop or threading.Event()
        end_ticks = None if until is None else round(until / TICK)
        end_frames = None if until is None else round(until * self.fps)
        if self._origin is None:
            # Draw one idle frame before the clock starts: the first frame fills every
            # cache at once and would otherwise go out late.
            self._picture.draw(0.0, None)
            self._origin = self.clock.now()
        self._air(stop, self._origin, self._tick, self._frame, end_ticks, end_frames)

    def _air(
        self,
        stop: threading.Event,
        origin: float,
        tick: int,
        frame: int,
        end_ticks: int | None,
        end_frames: int | None,
    ) -> None:
        stats = self.stats
        while not stop.is_set():
            now = self.clock.now() - origin + EPSILON
            # Audio first: every tick that is due goes out, however late, so it never gaps.
            while tick * TICK <= now and (end_ticks is None or tick < end_ticks):
                start = tick * AUDIO_CHUNK
                self._fill(start + AUDIO_CHUNK, start)
                if self._timeline.end_sample <= start:
                    stats.idle_ticks += 1
                self._output.audio(self._timeline.audio(start, AUDIO_CHUNK), start)
                tick += 1
                self._tick = tick
                stats.audio_samples += AUDIO_CHUNK
                self._timeline.forget_before(start - AUDIO_RATE)
            # Video: one frame when due; a frame or more late, skip ahead instead of bursting.
            if frame <= now * self.fps and (end_frames is None or frame < end_frames):
                stats.lateness.add(now - EPSILON - frame / self.fps)  # before any skip
                behind = int(now * self.fps - frame)
                if behind >= 1:
                    skip = behind if end_frames is None else min(behind, end_frames - 1 - frame)
                    frame += skip
                    self._frame = frame
                    stats.dropped_frames += skip
                t = frame / self.fps
                yuv, state = self._picture.draw(t, self._timeline.at(t))
                self._output.video(yuv, frame)
                if self._on_frame is not None:
                    self._on_frame(state)
                frame += 1
                self._frame = frame
                stats.frames += 1
            audio_done = end_ticks is not None and tick >= end_ticks
            video_done = end_frames is not None and frame >= end_frames
            if audio_done and video_done:
                return
            next_audio = float("inf") if audio_done else tick * TICK
            next_video = float("inf") if video_done else frame / self.fps
            self.clock.sleep_until(origin + min(next_audio, next_video), stop)
