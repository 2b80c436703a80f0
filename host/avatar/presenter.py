"""The presenter: an avatar pack scaled once, posed as a pure function of time, drawn as RGBA."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from host.avatar.pack import EYES, AvatarPack, Layer
from host.avatar.pose import REST, VISEMES, Pose
from host.avatar.rhythm import Blinks, unit, waves
from host.errors import AvatarError

_TAU = 2 * math.pi
# Head sway: (frequency in Hz, weight) of the slow drift, and the quicker motion that
# talking adds; weights of each sum to 1, so the amplitude is the largest excursion.
_DRIFT_X = ((0.071, 0.55), (0.153, 0.30), (0.287, 0.15))
_DRIFT_Y = ((0.097, 0.60), (0.211, 0.40))
_TALK_X = ((0.43, 0.6), (0.79, 0.4))
_TALK_Y = ((0.61, 0.5), (1.13, 0.5))
_TALK_SHARE = 0.3  # of the talking amplitude that is quick motion rather than drift
_VERTICAL = 0.5  # the head nods less than it sways
_MIN_HEIGHT = 16
BASES_KEPT = 24  # back+body+head pictures kept, one per head and body offset (~1 MB each)


@dataclass(frozen=True)
class _Placed:
    """A layer scaled to the output, with its top-left corner in output pixels."""

    image: Image.Image
    x: int
    y: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.image.width, self.image.height)


class Presenter:
    """A layered avatar pack drawn at one output height: pose at a time, then draw the pose."""

    def __init__(self, pack: AvatarPack, height: int, seed: int = 0) -> None:
        if isinstance(height, bool) or not isinstance(height, int):
            raise AvatarError(f"presenter height must be a whole number, got {height!r}")
        if height < _MIN_HEIGHT or height % 2:
            raise AvatarError(
                f"presenter height must be even and at least {_MIN_HEIGHT} (4:2:0 video), "
                f"got {height}"
            )
        canvas_w, canvas_h = pack.canvas
        self._scale = height / canvas_h
        width = max(2, 2 * round(canvas_w * self._scale / 2))
        self._size = (width, height)
        self.pack = pack
        self.seed = seed
        self._back = self._place(pack.back) if pack.back else None
        self._body = self._place(pack.body)
        self._head = self._place(pack.head)
        self._eyes = {name: self._place(pack.eyes[name]) for name in EYES}
        self._mouths = {name: self._place(pack.mouths[name]) for name in VISEMES}
        body = self._body.image
        # When breathing in lifts a body cut by the frame's bottom, its last row fills the gap.
        self._body_edge = None
        if self._body.y + body.height >= height:
            self._body_edge = body.crop((0, body.height - 1, body.width, body.height))
        self._shared = _shares_memory()
        self._patches = (_union(self._eyes.values()), _union(self._mouths.values()))
        self._bases: OrderedDict[tuple[int, int, int], npt.NDArray[np.uint8]] = OrderedDict()
        self._bases_lock = threading.Lock()  # the producer and the playout both draw
        motion = pack.motion
        self._blinks = Blinks(seed, motion.blink_interval, motion.blink_duration)
        self._breath = motion.breath_amplitude * self._scale
        self._breath_rate = _TAU / motion.breath_period
        self._sway_idle = motion.sway_idle * self._scale
        self._sway_talking = motion.sway_talking * self._scale
        phases = iter(_TAU * unit(seed, 1, k) for k in range(16))
        self._breath_phase = next(phases)
        self._drift_x = [(_TAU * f, w, next(phases)) for f, w in _DRIFT_X]
        self._drift_y = [(_TAU * f, w, next(phases)) for f, w in _DRIFT_Y]
        self._talk_x = [(_TAU * f, w, next(phases)) for f, w in _TALK_X]
        self._talk_y = [(_TAU * f, w, next(phases)) for f, w in _TALK_Y]

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of every frame, both even."""
        return self._size

    def base_key(self, pose: Pose) -> tuple[int, int, int]:
        """Poses with one key look alike but inside `patch_boxes`: their eyes and mouth."""
        return (pose.head_dx, pose.head_dy, pose.body_dy)

    def draw_base(self, key: tuple[int, int, int]) -> npt.NDArray[np.uint8]:
        """The (read-only) RGBA of every pose of `key` without its eyes and mouth."""
        return self._base(*key)

    def patch_boxes(self, pose: Pose) -> tuple[tuple[int, int, int, int], ...]:
        """(x, y, width, height) boxes, in output pixels, outside which `draw(pose)` equals
        `draw_base(base_key(pose))`: wherever any eyes or any mouth can be drawn."""
        dx, dy = pose.head_dx, pose.body_dy + pose.head_dy
        return tuple((x + dx, y + dy, w, h) for x, y, w, h in self._patches)

    def mouth_box(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the mouth in output pixels, with every offset at zero."""
        return self._mouths[REST].box

    def eyes_box(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the eyes in output pixels, with every offset at zero."""
        return self._eyes["open"].box

    def pose(self, t: float, viseme: str, talking: bool) -> Pose:
        """The pose at `t` seconds: a pure function of t, viseme, talking and the seed."""
        mouth = viseme if talking and viseme in VISEMES else REST
        breath = self._breath * math.sin(self._breath_rate * t + self._breath_phase)
        if talking:
            drift = self._sway_talking * (1 - _TALK_SHARE)
            quick = self._sway_talking * _TALK_SHARE
            dx = drift * waves(self._drift_x, t) + quick * waves(self._talk_x, t)
            dy = drift * waves(self._drift_y, t) + quick * waves(self._talk_y, t)
        else:
            dx = self._sway_idle * waves(self._drift_x, t)
            dy = self._sway_idle * waves(self._drift_y, t)
        return Pose(
            mouth=mouth,
            eyes=self._blinks.eyes_at(t),
            head_dx=_even(dx),
            head_dy=_even(dy * _VERTICAL),
            body_dy=_even(breath),
        )

    def draw(self, pose: Pose) -> npt.NDArray[np.uint8]:
        """The presenter in this pose: a (height, width, 4) RGBA array."""
        eyes = self._eyes.get(pose.eyes)
        mouth = self._mouths.get(pose.mouth)
        if eyes is None or mouth is None:
            raise AvatarError(f"cannot draw {pose}: eyes are {EYES}, mouths are {VISEMES}")
        hx, hy = pose.head_dx, pose.body_dy + pose.head_dy
        pixels = self._base(pose.head_dx, pose.head_dy, pose.body_dy).copy()
        frame = _over(pixels) if self._shared else Image.fromarray(pixels, "RGBA")
        for layer in (eyes, mouth):  # small boxes: the big layers come from the base
            _paste(frame, layer, hx, hy)
        return pixels if self._shared else np.array(frame)

    def _base(self, head_dx: int, head_dy: int, body_dy: int) -> npt.NDArray[np.uint8]:
        """Back, body and head at these offsets, kept for the next poses that share them.

        Most of a pose's pixels are these three big layers, and the offsets move slowly, so
        a new pose usually needs only its eyes and mouth drawn over a base it has already.
        """
        key = (head_dx, head_dy, body_dy)
        with self._bases_lock:
            base = self._bases.get(key)
            if base is not None:
                self._bases.move_to_end(key)
                return base
        pixels = np.zeros((self._size[1], self._size[0], 4), np.uint8)
        frame = _over(pixels) if self._shared else Image.new("RGBA", self._size)
        hy = body_dy + head_dy
        if self._back is not None:
            _paste(frame, self._back, head_dx, hy, over=False)
        _paste(frame, self._body, 0, body_dy, over=self._back is not None)
        if body_dy < 0 and self._body_edge is not None:
            edge = self._body_edge.resize((self._body_edge.width, -body_dy))
            frame.alpha_composite(edge, (self._body.x, self._size[1] + body_dy))
        _paste(frame, self._head, head_dx, hy)
        base = pixels if self._shared else np.array(frame)
        base.flags.writeable = False
        with self._bases_lock:
            self._bases[key] = base
            while len(self._bases) > BASES_KEPT:
                self._bases.popitem(last=False)
        return base

    def frame(self, t: float, viseme: str, talking: bool) -> npt.NDArray[np.uint8]:
        """The presenter at `t` seconds: draw(pose(t, viseme, talking))."""
        return self.draw(self.pose(t, viseme, talking))

    def _place(self, layer: Layer) -> _Placed:
        x, y, w, h = layer.box
        left, top = round(x * self._scale), round(y * self._scale)
        right = max(left + 1, round((x + w) * self._scale))
        bottom = max(top + 1, round((y + h) * self._scale))
        image = layer.image.resize((right - left, bottom - top), Image.Resampling.LANCZOS)
        return _Placed(image, left, top)


def _even(value: float) -> int:
    return 2 * round(value / 2)


def _union(layers: Iterable[_Placed]) -> tuple[int, int, int, int]:
    """The box around every layer's box."""
    boxes = [layer.box for layer in layers]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    return (left, top, right - left, bottom - top)


def _paste(frame: Image.Image, layer: _Placed, dx: int, dy: int, over: bool = True) -> None:
    """Composite a layer over the frame (or copy it in) at its place plus an offset, clipped."""
    x, y = layer.x + dx, layer.y + dy
    left, top = max(0, -x), max(0, -y)
    right = min(layer.image.width, frame.width - x)
    bottom = min(layer.image.height, frame.height - y)
    if right <= left or bottom <= top:
        return
    if over:
        frame.alpha_composite(layer.image, (x + left, y + top), (left, top, right, bottom))
    else:  # onto a still transparent frame, a copy is the same and ten times quicker
        frame.paste(layer.image.crop((left, top, right, bottom)), (x + left, y + top))


def _over(pixels: npt.NDArray[np.uint8]) -> Image.Image:
    """An image that draws straight into the array, sparing a copy of every frame."""
    height, width = pixels.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    image.readonly = 0  # the array is ours and writable
    return image


def _shares_memory() -> bool:
    """Whether drawing on an image from _over() reaches its array in this Pillow."""
    pixels = np.zeros((2, 2, 4), np.uint8)
    _over(pixels).paste((1, 2, 3, 4), (0, 0, 2, 2))
    return bool((pixels == (1, 2, 3, 4)).all())
