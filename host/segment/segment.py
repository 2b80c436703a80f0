"""A segment: one line's audio with its mouth, caption and overlay timelines."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from host.compose.overlay import OverlayState
from host.voice.speech import Speech, Timed


@dataclass(frozen=True)
class Segment:
    """One spoken line ready to air: small, with no frames inside."""

    speech: Speech
    visemes: tuple[Timed, ...]
    captions: tuple[Timed, ...]
    overlay: OverlayState
    kind: str = ""
    product_id: str | None = None
    text: str = ""
    source: str = ""  # what wrote the line: a template file:line, or llm:MODEL
    pause_after: float = 0.0  # silence after the speech, before the next segment
    _viseme_starts: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _caption_starts: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_viseme_starts", tuple(v.start for v in self.visemes))
        object.__setattr__(self, "_caption_starts", tuple(c.start for c in self.captions))

    @property
    def duration(self) -> float:
        return self.speech.duration + self.pause_after

    def viseme_at(self, t: float) -> str | None:
        """The mouth shape at `t` seconds into the segment; None once the speech is over."""
        return _at(self.visemes, self._viseme_starts, t)

    def caption_at(self, t: float) -> str | None:
        return _at(self.captions, self._caption_starts, t)


def _at(items: tuple[Timed, ...], starts: tuple[float, ...], t: float) -> str | None:
    index = bisect.bisect_right(starts, t) - 1
    if index < 0:
        return None
    item = items[index]
    return item.value if t < item.end else None
