"""Where each part of the frame goes: AI label, presenter, caption and product card."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

PORTRAIT = (720, 1280)
LANDSCAPE = (1280, 720)
SUPPORTED = (PORTRAIT, LANDSCAPE)


@dataclass(frozen=True)
class Box:
    """A rectangle in frame pixels; every edge is even so it maps onto 4:2:0 chroma."""

    x: int
    y: int
    w: int
    h: int

    def __post_init__(self) -> None:
        if self.w <= 0 or self.h <= 0:
            raise ValueError(f"box {self} must have a positive size")
        if any(v % 2 for v in (self.x, self.y, self.w, self.h)):
            raise ValueError(f"box {self} must have even coordinates and size for 4:2:0 video")

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def size(self) -> tuple[int, int]:
        return (self.w, self.h)

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share at least one pixel."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def inside(self, width: int, height: int) -> bool:
        """Whether the box lies wholly within a frame of this size."""
        return self.x >= 0 and self.y >= 0 and self.right <= width and self.bottom <= height


@dataclass(frozen=True)
class Layout:
    """A frame size and its four boxes, which never overlap, so each is drawn and cached alone."""

    width: int
    height: int
    label_box: Box
    presenter_box: Box
    caption_box: Box
    card_box: Box
    scale: float  # 1.0 at 720x1280 and 1280x720; text and strokes grow with it

    def __post_init__(self) -> None:
        boxes = self.boxes()
        for name, box in boxes.items():
            if not box.inside(self.width, self.height):
                raise ValueError(f"{name} {box} is outside the {self.width}x{self.height} frame")
        names = list(boxes)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if boxes[a].overlaps(boxes[b]):
                    raise ValueError(f"{a} {boxes[a]} overlaps {b} {boxes[b]}")

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def boxes(self) -> dict[str, Box]:
        """The four boxes by name."""
        return {
            "label_box": self.label_box,
            "presenter_box": self.presenter_box,
            "caption_box": self.caption_box,
            "card_box": self.card_box,
        }


# The reference designs, in pixels at scale 1: (x, y, w, h).
_PORTRAIT_BOXES = {
    "label_box": (20, 20, 680, 52),
    "presenter_box": (60, 84, 600, 600),
    "caption_box": (20, 692, 680, 116),
    "card_box": (12, 816, 696, 452),
}
_LANDSCAPE_BOXES = {
    "label_box": (24, 16, 1232, 48),
    "presenter_box": (32, 72, 576, 520),
    "caption_box": (32, 600, 576, 108),
    "card_box": (628, 72, 628, 636),
}


def _even(value: float) -> int:
    return 2 * round(value / 2)


def layout_for(width: int, height: int) -> Layout:
    """The layout for a 720x1280 or 1280x720 frame, or either scaled to the same aspect ratio."""
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise ValueError(f"frame size {width}x{height} must be positive and even")
    aspect = Fraction(width, height)
    if aspect == Fraction(*PORTRAIT):
        reference, design = PORTRAIT, _PORTRAIT_BOXES
    elif aspect == Fraction(*LANDSCAPE):
        reference, design = LANDSCAPE, _LANDSCAPE_BOXES
    else:
        supported = ", ".join(f"{w}x{h}" for w, h in SUPPORTED)
        raise ValueError(
            f"unsupported frame size {width}x{height}: use {supported}, "
            "or the same aspect ratio (9:16 or 16:9) at another size"
        )
    scale = width / reference[0]
    boxes = {}
    for name, (x, y, w, h) in design.items():
        # Rounding edges (not sizes) is monotonic, so boxes apart at scale 1 stay apart.
        left, top = _even(x * scale), _even(y * scale)
        boxes[name] = Box(left, top, _even((x + w) * scale) - left, _even((y + h) * scale) - top)
    return Layout(width=width, height=height, scale=scale, **boxes)
