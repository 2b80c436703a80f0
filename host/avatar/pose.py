"""What one presenter frame shows, as a small hashable value the compositor can cache on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

# Mouth shapes, after Rhubarb Lip Sync: A closed (M, B, P), B slightly open (most
# consonants), C open (EH, AE), D wide open (AA), E rounded (AO, ER), F puckered
# (UW, OW, W), G teeth on lip (F, V), H tongue up (L), X at rest.
VISEMES = ("A", "B", "C", "D", "E", "F", "G", "H", "X")
REST = "X"


@dataclass(frozen=True)
class Pose:
    """Mouth shape, eyes, and small offsets in pixels (even numbers, for 4:2:0 video)."""

    mouth: str = REST
    eyes: str = "open"  # "open", "half" or "closed"
    head_dx: int = 0
    head_dy: int = 0
    body_dy: int = 0


class Avatar(Protocol):
    """A presenter of a fixed pixel size: pose at a time, then draw that pose as RGBA."""

    @property
    def size(self) -> tuple[int, int]: ...  # (width, height)

    def pose(self, t: float, viseme: str, talking: bool) -> Pose: ...

    def draw(self, pose: Pose) -> npt.NDArray[np.uint8]: ...  # (height, width, 4) RGBA
