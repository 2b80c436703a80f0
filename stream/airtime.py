"""Segments laid end to end on one sample-exact timeline: what airs at any moment."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.segment.segment import Segment


@dataclass(frozen=True)
class Placed:
    """A segment and the audio sample it starts on."""

    segment: Segment
    start_sample: int
    samples: int  # speech plus the pause after it


class AirTimeline:
    """Audio is the master clock: every segment starts on a whole sample, so nothing drifts."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._placed: deque[Placed] = deque()
        self.end_sample = 0

    @property
    def end(self) -> float:
        return self.end_sample / self.sample_rate

    def append(self, segment: Segment, not_before: int = 0) -> Placed:
        """Place `segment` right after the last one, or at `not_before` after idle air."""
        if segment.speech.sample_rate != self.sample_rate:
            raise ValueError(
                f"segment audio is {segment.speech.sample_rate} Hz, the air is {self.sample_rate}"
            )
        samples = len(segment.speech.pcm) + round(segment.pause_after * self.sample_rate)
        placed = Placed(segment, max(self.end_sample, not_before), samples)
        self._placed.append(placed)
        self.end_sample = placed.start_sample + samples
        return placed

    def forget_before(self, sample: int) -> None:
        """Drop segments that ended before `sample`, so memory stays bounded on air."""
        while self._placed and self._placed[0].start_sample + self._placed[0].samples <= sample:
            self._placed.popleft()

    def at(self, t: float) -> tuple[Segment, float] | None:
        """The segment airing at `t` seconds and how far into it, or None in a gap."""
        sample = int(t * self.sample_rate)
        for placed in self._placed:
            if placed.start_sample <= sample < placed.start_sample + placed.samples:
                return placed.segment, t - placed.start_sample / self.sample_rate
            if placed.start_sample > sample:
                break
        return None

    def audio(self, start: int, count: int) -> npt.NDArray[np.int16]:
        """Samples [start, start + count): speech where a segment speaks, silence elsewhere."""
        out = np.zeros(count, dtype=np.int16)
        for placed in self._placed:
            pcm = placed.segment.speech.pcm
            lo = max(start, placed.start_sample)
            hi = min(start + count, placed.start_sample + len(pcm))
            if lo < hi:
                offset = placed.start_sample
                out[lo - start : hi - start] = pcm[lo - offset : hi - offset]
            if placed.start_sample >= start + count:
                break
        return out
