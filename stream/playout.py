"""The playout: audio is the master clock, video follows it, and neither ever waits."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

import numpy as np
import numpy.typing as npt

from stream.airtime import (
    LEAD_IN_S,
    AirTimeline,
    Placed,
    quiet_point,
    sentence_spans,
    span_end,
    word_spans,
)
from stream.clock import Clock
from stream.contract import AirBed, AirSegment, FrameSource
from stream.encoder import AUDIO_CHUNK, AUDIO_RATE
from stream.lateness import LatenessHistogram
from stream.source import SegmentSource

log = logging.getLogger(__name__)

TICK = AUDIO_CHUNK / AUDIO_RATE  # 20 ms of audio per tick
EPSILON = 1e-6  # seconds: float rounding must never leave a due event waiting forever
FADE = round(0.005 * AUDIO_RATE)  # samples: a cut line fades out this fast, with no click
QUIET_WAIT = round(0.4 * AUDIO_RATE)  # samples: the most a "word" cut waits without timings
SENTENCE_WAIT = round(3.0 * AUDIO_RATE)  # samples: a sentence further off cuts at a word
WORD_WAIT = round(0.5 * AUDIO_RATE)  # samples: a word further from its end cuts at a quiet stop

CutMode = Literal["now", "word", "sentence"]
CUT_MODES: tuple[str, ...] = get_args(CutMode)


class AirOutput(Protocol):
    def video(self, yuv: npt.NDArray[np.uint8], index: int) -> None: ...

    def audio(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None: ...


@dataclass
class PlayoutStats:
    frames: int = 0  # every frame index aired, repeats included: n / fps, no gap
    repeated_frames: int = 0  # frames that aired the previous picture again, drawn too late
    audio_samples: int = 0
    segments: int = 0
    idle_ticks: int = 0  # 20 ms ticks with nothing queued: silence and the idle presenter
    cut_ins: int = 0  # lines that cut into the air
    lateness: LatenessHistogram = field(default_factory=LatenessHistogram)


@dataclass
class CutIn:
    """A line asked to cut into the air, and where and when it did; times in stream seconds.

    `first_sample` is set when the line is placed and is final once `aired` is set, as
    its first sample goes out; `cut_at` and `cut_segment` say what it cut, if anything.
    """

    segment: AirSegment
    mode: CutMode
    requested: float  # when cut_in was called, on the stream's clock
    cut_at: float | None = None  # where the line airing was cut; None when nothing was
    cut_segment: AirSegment | None = None  # the line cut there: its rest never airs
    first_sample: float | None = None
    aired: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def lateness(self) -> float | None:
        """Seconds from the request to the first sample on air, once placed."""
        return None if self.first_sample is None else self.first_sample - self.requested

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the first sample airs; False if `timeout` passes first."""
        return self.aired.wait(timeout)


class Playout:
    """Sends 20 ms of audio per tick and video frame n at n / fps, from one origin."""

    def __init__(
        self,
        clock: Clock,
        source: SegmentSource,
        picture: FrameSource,
        output: AirOutput,
        *,
        fps: int,
        on_frame: Callable[[Any], None] | None = None,
        on_segment: Callable[[AirSegment, float], None] | None = None,
        bed: AirBed | None = None,
        lead_in: float = LEAD_IN_S,
    ) -> None:
        self.clock = clock
        self.fps = fps
        self.stats = PlayoutStats()
        self._source = source
        self._picture = picture
        self._output = output
        self._on_frame = on_frame
        self._on_segment = on_segment
        self._timeline = AirTimeline(AUDIO_RATE, bed, lead_in)
        self._origin: float | None = None
        self._tick = 0  # next 20 ms audio tick
        self._frame = 0  # next video frame
        self._last_picture: npt.NDArray[np.uint8] | None = None  # what the last frame showed
        self._requests: deque[CutIn] = deque()  # asked from any thread, taken at a tick
        self._requests_lock = threading.Lock()
        self._waiting: list[tuple[CutIn, Placed]] = []  # placed, first sample not yet aired
        self._last_cut_in: AirSegment | None = None  # the latest to air: word cuts never cut it

    @property
    def air_time(self) -> float:
        """Seconds of audio sent: the stream's own clock."""
        return self._tick * TICK

    def cut_in(self, segment: AirSegment, mode: CutMode = "now") -> CutIn:
        """Air `segment` at the next tick ("now"), word end or sentence end of the line airing.

        Thread-safe. The line it cuts fades out and its rest never airs; queued lines
        air after it. A cut-in never cuts another in the middle, but "now" does: it is
        the operator's override. Otherwise cut-ins air in the order they were asked.
        """
        if mode not in CUT_MODES:
            raise ValueError(f"cut-in mode {mode!r}: must be one of {', '.join(CUT_MODES)}")
        if segment.speech.sample_rate != AUDIO_RATE:
            raise ValueError(
                f"segment audio is {segment.speech.sample_rate} Hz, the air is {AUDIO_RATE}"
            )
        origin = self._origin
        requested = self.air_time if origin is None else max(0.0, self.clock.now() - origin)
        request = CutIn(segment, mode, requested)
        with self._requests_lock:
            self._requests.append(request)
        return request

    def _take_cut_ins(self, start: int) -> None:
        """Place the cut-ins asked so far, on the playout thread, before tick `start` airs."""
        with self._requests_lock:
            requests = list(self._requests)
            self._requests.clear()
        for request in requests:
            self._place_cut_in(request, start)

    def _place_cut_in(self, request: CutIn, start: int) -> None:
        timeline = self._timeline
        airing = timeline.placed_at(start)
        later = timeline.after(start)  # cut-ins placed ahead, waiting for their cut point
        cutting_in = bool(later) or (airing is not None and airing.segment is self._last_cut_in)
        if request.mode != "now" and cutting_in:
            placed = timeline.append(request.segment, not_before=start)  # after the others
            self._waiting.append((request, placed))
            request.first_sample = placed.start_sample / AUDIO_RATE
            return
        cut = start
        if airing is not None:
            cut = cut_point(airing, start, request.mode)
            if later:
                cut = min(cut, later[0].start_sample)
            if cut < airing.end_sample:
                request.cut_at = cut / AUDIO_RATE
                request.cut_segment = airing.segment
        dropped = timeline.truncate(cut, FADE)
        placed = timeline.append(request.segment, not_before=cut)
        self._waiting.append((request, placed))
        request.first_sample = placed.start_sample / AUDIO_RATE
        for old in dropped:  # cut-ins that had not begun: they air next, in their order
            moved = timeline.append(old.segment)
            for index, (waiting, was) in enumerate(self._waiting):
                if was is old:  # what it was to cut, this cut-in has cut
                    self._waiting[index] = (waiting, moved)
                    waiting.first_sample = moved.start_sample / AUDIO_RATE
                    waiting.cut_at, waiting.cut_segment = None, None

    def _mark_aired(self, end: int) -> None:
        """Cut-ins whose first sample went out before `end` have aired."""
        if not self._waiting:
            return
        still: list[tuple[CutIn, Placed]] = []
        for request, placed in self._waiting:
            if placed.start_sample >= end:
                still.append((request, placed))
                continue
            request.first_sample = placed.start_sample / AUDIO_RATE
            self.stats.segments += 1
            self.stats.cut_ins += 1
            self._last_cut_in = request.segment
            if self._on_segment is not None:
                self._on_segment(request.segment, request.first_sample)
            request.aired.set()
        self._waiting = still

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
                if self._requests:
                    self._take_cut_ins(start)
                self._fill(start + AUDIO_CHUNK, start)
                if self._timeline.end_sample <= start:
                    stats.idle_ticks += 1
                self._output.audio(self._timeline.audio(start, AUDIO_CHUNK), start)
                self._mark_aired(start + AUDIO_CHUNK)
                tick += 1
                self._tick = tick
                stats.audio_samples += AUDIO_CHUNK
                self._timeline.forget_before(start - AUDIO_RATE)
            # Video: one frame when due. A frame or more late, the frames that fell due
            # air the last picture again, each at its own timestamp: no gap, no new drawing.
            if frame <= now * self.fps and (end_frames is None or frame < end_frames):
                stats.lateness.add(now - EPSILON - frame / self.fps)  # before any repeat
                behind = int(now * self.fps - frame)
                if end_frames is not None:
                    behind = min(behind, end_frames - 1 - frame)
                if self._last_picture is not None:
                    for _ in range(max(0, behind)):
                        self._output.video(self._last_picture, frame)
                        frame += 1
                        self._frame = frame
                        stats.frames += 1
                        stats.repeated_frames += 1
                t = frame / self.fps
                yuv, state = self._picture.draw(t, self._timeline.at(t))
                self._output.video(yuv, frame)
                self._last_picture = yuv
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


def cut_point(airing: Placed, start: int, mode: CutMode) -> int:
    """The sample where `airing` can be cut by `mode`, its fade beginning at `start` or later."""
    speech_end = airing.start_sample + min(len(airing.segment.speech.pcm), airing.samples)
    if start >= speech_end:
        return start  # in the pause after the speech: silence, a boundary already
    earliest = min(start + FADE, airing.end_sample)
    if mode == "now" or earliest >= speech_end:
        return earliest
    offset = earliest - airing.start_sample
    segment = airing.segment
    if segment.speech.words:
        end: int | None = None
        if mode == "sentence":
            end = span_end(sentence_spans(segment), offset)
            if end is not None and end - offset > SENTENCE_WAIT:
                end = span_end(word_spans(segment), offset)  # too far off: a word end will do
        else:
            end = span_end(word_spans(segment), offset)
            if end is not None and end - offset > WORD_WAIT:
                # A word running on ("AI-generated" is one to the voice): its first quiet
                # moment, a stop between two syllables, when there is one before its end.
                end = quiet_point(segment.speech.pcm, offset - FADE, end, FADE)
        # Between words (or sentences) the voice is silent: cut there at once.
        return earliest if end is None else min(airing.start_sample + end, airing.end_sample)
    # No word timings: the first quiet moment in the audio, or at most QUIET_WAIT on.
    pcm = segment.speech.pcm
    limit = min(offset + QUIET_WAIT, speech_end - airing.start_sample)
    return airing.start_sample + quiet_point(pcm, offset - FADE, limit, FADE)
