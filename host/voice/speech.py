"""What a voice returns: PCM audio and the timings of what it says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Timed:
    """Something that holds from `start` to `end`, in seconds from the start of its speech."""

    start: float
    end: float
    value: str

    def __post_init__(self) -> None:
        if not self.end >= self.start >= 0:
            raise ValueError(f"bad timing {self.start}..{self.end} for {self.value!r}")


@dataclass(frozen=True)
class Speech:
    """Mono int16 audio with its phoneme (and, when known, word) timings."""

    pcm: npt.NDArray[np.int16]
    sample_rate: int
    phonemes: tuple[Timed, ...]
    words: tuple[Timed, ...] = ()

    def __post_init__(self) -> None:
        if self.pcm.dtype != np.int16 or self.pcm.ndim != 1:
            raise ValueError("pcm must be a 1-D int16 array")
        if self.sample_rate <= 0:
            raise ValueError(f"bad sample rate {self.sample_rate}")

    @property
    def duration(self) -> float:
        return len(self.pcm) / self.sample_rate


class Voice(Protocol):
    def speak(self, text: str) -> Speech: ...
