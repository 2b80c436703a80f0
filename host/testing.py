"""Fakes shipped with the package, for tests here and in projects that build on Hostcast."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from host.avatar.pose import REST, VISEMES, Pose

# How open (fraction of the mouth's width) and how wide each mouth shape is drawn.
_MOUTHS = {
    "A": (0.04, 1.0),
    "B": (0.18, 1.0),
    "C": (0.36, 1.0),
    "D": (0.55, 1.05),
    "E": (0.42, 0.8),
    "F": (0.3, 0.55),
    "G": (0.2, 0.95),
    "H": (0.34, 0.9),
    "X": (0.08, 0.9),
}
_SKIN = (244, 200, 170)
_HAIR = (76, 48, 42)
_TOP = (108, 92, 231)
_LIPS = (150, 50, 70)


class FakeAvatar:
    """A simple cartoon presenter drawn with Pillow: the mouth follows pose.mouth; counts draws."""

    def __init__(self, width: int = 450, height: int = 600, blink_every: float = 4.0) -> None:
        if width <= 0 or height <= 0:
            raise ValueError(f"avatar size must be positive, not {width}x{height}")
        self._size = (width, height)
        self.blink_every = blink_every
        self.draws = 0  # how many times draw() ran: a cache that works keeps this low

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def pose(self, t: float, viseme: str, talking: bool) -> Pose:
        """The mouth of `viseme` while talking (at rest otherwise); a blink every few seconds."""
        mouth = viseme if talking and viseme in VISEMES else REST
        eyes = "closed" if t % self.blink_every < 0.1 else "open"
        return Pose(mouth=mouth, eyes=eyes)

    def draw(self, pose: Pose) -> npt.NDArray[np.uint8]:
        """The presenter in `pose` as (height, width, 4) RGBA, transparent around them."""
        self.draws += 1
        w, h = self._size
        image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        d = ImageDraw.Draw(image)
        body_top = h * 0.7 + pose.body_dy
        d.rounded_rectangle(
            (w * 0.08, body_top, w * 0.92, h + w * 0.2), radius=w * 0.2, fill=(*_TOP, 255)
        )
        d.rectangle((w * 0.43, h * 0.58, w * 0.57, body_top + 4), fill=(*_SKIN, 255))
        cx, cy = w / 2 + pose.head_dx, h * 0.4 + pose.head_dy
        hw, hh = w * 0.22, h * 0.2
        d.ellipse(
            (cx - hw * 1.12, cy - hh * 1.12, cx + hw * 1.12, cy + hh * 0.6), fill=(*_HAIR, 255)
        )
        d.ellipse((cx - hw, cy - hh, cx + hw, cy + hh), fill=(*_SKIN, 255))
        d.chord(
            (cx - hw * 1.05, cy - hh * 1.15, cx + hw * 1.05, cy - hh * 0.05),
            180,
            360,
            fill=(*_HAIR, 255),
        )
        eye_y, eye_dx, eye_r = cy - hh * 0.05, hw * 0.42, w * 0.022
        for ex in (cx - eye_dx, cx + eye_dx):
            if pose.eyes == "closed":
                d.line(
                    (ex - eye_r * 1.5, eye_y, ex + eye_r * 1.5, eye_y),
                    fill=(*_HAIR, 255),
                    width=max(1, round(w * 0.008)),
                )
            else:
                squash = 0.5 if pose.eyes == "half" else 1.0
                d.ellipse(
                    (ex - eye_r, eye_y - eye_r * squash, ex + eye_r, eye_y + eye_r * squash),
                    fill=(40, 30, 40, 255),
                )
        openness, wide = _MOUTHS.get(pose.mouth, _MOUTHS[REST])
        mw = hw * 0.55 * wide
        mh = max(2.0, mw * 2 * openness)
        my = cy + hh * 0.5
        d.ellipse((cx - mw, my - mh / 2, cx + mw, my + mh / 2), fill=(*_LIPS, 255))
        return np.asarray(image, dtype=np.uint8).copy()
