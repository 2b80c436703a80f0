"""What the broadcast needs from the talent: a segment to air and a picture at a moment.

`stream/` defines these and `host/` implements them; the application plugs one into the
other. Keeping the contract here, small and structural, is what lets the two libraries
never import each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt


class TimedWord(Protocol):
    """A word of the speech: where it is said, in seconds into the audio, and its text."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...

    @property
    def value(self) -> str: ...


class AirSpeech(Protocol):
    """A segment's audio: mono 16-bit PCM, its rate, and word timings where the voice gives them."""

    @property
    def pcm(self) -> npt.NDArray[np.int16]: ...

    @property
    def sample_rate(self) -> int: ...

    @property
    def words(self) -> Sequence[TimedWord]: ...


class AirSegment(Protocol):
    """One line as the playout sees it: audio, its length on air, where it may be cut."""

    @property
    def speech(self) -> AirSpeech: ...

    @property
    def duration(self) -> float: ...  # speech plus the pause after it, in seconds

    @property
    def pause_after(self) -> float: ...

    @property
    def text(self) -> str: ...  # its sentence stops are where a "sentence" cut may land

    @property
    def product_id(self) -> str | None: ...


class FrameSource(Protocol):
    """The picture at a moment. `draw` returns I420 bytes and a state the playout passes on.

    `airing` is the segment on air and the offset into it, or None while the air is idle.
    The state is opaque to the broadcast: it goes to `on_frame` callbacks as it came.
    """

    def draw(
        self, t: float, airing: tuple[Any, float] | None
    ) -> tuple[npt.NDArray[np.uint8], Any]: ...


class AirBed(Protocol):
    """Music under the programme: its samples at the air's own rate, float, full scale 1.

    `start` counts samples from the start of air; a bed loops, so any range exists.
    """

    def samples(self, start: int, count: int) -> npt.NDArray[np.float32]: ...
