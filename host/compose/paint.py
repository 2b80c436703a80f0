"""The drawing kit the overlay parts share: palette, gradients, smooth rounded shapes, shadows."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageChops, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Pixels = npt.NDArray[np.uint8]

INK: RGB = (30, 26, 46)  # titles, the QR code's dark modules
MUTED: RGB = (132, 126, 150)  # brand, struck-through price
ACCENT: RGB = (233, 30, 99)  # sale price, discount badge
ACCENT_SOFT: RGB = (253, 232, 240)
WHITE: RGB = (255, 255, 255)
BACKDROP_STOPS: tuple[tuple[float, RGB], ...] = (
    (0.0, (255, 232, 240)),
    (0.5, (246, 232, 250)),
    (1.0, (226, 226, 252)),
)
PLATE: RGBA = (24, 18, 40, 168)  # caption and label plates: dark, see-through

SUPERSAMPLE = 4  # shapes are drawn this much larger, then shrunk, for smooth edges


def gradient(width: int, height: int, stops: Sequence[tuple[float, RGB]]) -> Pixels:
    """A vertical gradient through colour `stops` (position 0..1, colour), as (h, w, 3) RGB."""
    positions = np.linspace(0.0, 1.0, height)
    where = [p for p, _ in stops]
    column = np.stack(
        [np.interp(positions, where, [c[i] for _, c in stops]) for i in range(3)], axis=-1
    )
    return np.ascontiguousarray(
        np.broadcast_to(np.rint(column)[:, None, :], (height, width, 3)).astype(np.uint8)
    )


@lru_cache(maxsize=64)
def rounded_mask(width: int, height: int, radius: float) -> Image.Image:
    """An anti-aliased "L" mask of a rounded rectangle; cached and shared, so never draw on it."""
    s = SUPERSAMPLE
    big = Image.new("L", (width * s, height * s), 0)
    ImageDraw.Draw(big).rounded_rectangle(
        (0, 0, width * s - 1, height * s - 1), radius=max(0.0, radius * s), fill=255
    )
    return big.resize((width, height), Image.Resampling.BOX)


def ellipse_mask(width: int, height: int) -> Image.Image:
    """An anti-aliased mode "L" mask of an ellipse filling `width` x `height`."""
    s = SUPERSAMPLE
    big = Image.new("L", (width * s, height * s), 0)
    ImageDraw.Draw(big).ellipse((0, 0, width * s - 1, height * s - 1), fill=255)
    return big.resize((width, height), Image.Resampling.BOX)


def fill_rounded(
    canvas: Image.Image, xy: tuple[int, int, int, int], radius: float, colour: RGB | RGBA
) -> None:
    """Composite a smooth rounded rectangle (x0, y0, x1, y1) of `colour` onto an RGBA canvas."""
    x0, y0, x1, y1 = xy
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        return
    rgba = colour if len(colour) == 4 else (*colour, 255)
    mask = rounded_mask(w, h, radius)
    if rgba[3] != 255:
        mask = mask.point(lambda v: v * rgba[3] // 255)
    layer = Image.new("RGBA", (w, h), (*rgba[:3], 0))
    layer.putalpha(mask)
    canvas.alpha_composite(layer, (x0, y0))


def drop_shadow(
    canvas: Image.Image,
    xy: tuple[int, int, int, int],
    radius: float,
    blur: float,
    offset: int,
    colour: RGBA,
) -> None:
    """Composite the soft shadow of a rounded rectangle, `offset` pixels lower, onto `canvas`."""
    x0, y0, x1, y1 = xy
    shape = Image.new("L", canvas.size, 0)
    shape.paste(rounded_mask(x1 - x0, y1 - y0, radius), (x0, y0 + offset))
    alpha = shape.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: v * colour[3] // 255)
    layer = Image.new("RGBA", canvas.size, (*colour[:3], 0))
    layer.putalpha(alpha)
    canvas.alpha_composite(layer)


def over(
    background: Pixels,
    layer: Pixels,
    at: tuple[int, int] = (0, 0),
    clip: Pixels | None = None,
) -> Pixels:
    """RGBA `layer` over RGB `background` at `at`, its alpha times `clip` if given, as new RGB."""
    base = Image.fromarray(background, "RGB")  # a copy: the background stays untouched
    top = Image.fromarray(layer, "RGBA")
    if clip is not None:
        top.putalpha(ImageChops.multiply(top.getchannel("A"), Image.fromarray(clip, "L")))
    base.paste(top, at, top)  # Pillow's C blend, with the layer's alpha: ~4x numpy's speed
    return np.asarray(base, dtype=np.uint8)


def opaque_over(background: Pixels, layer: Pixels, clip: Pixels | None) -> Pixels | None:
    """`over` for an opaque RGBA layer as large as the background (a photo), or None for
    any other layer: the layer's own pixels, as RGBA, but where `clip` cuts it.

    Nothing shows through such a layer, so it is copied whole (a plain copy, ten times
    quicker than a blend) and only the rows `clip` cuts, a stage's rounded corners,
    are blended.
    """
    if layer.shape[:2] != background.shape[:2] or layer[..., 3].min() < 255:
        return None
    out = layer.copy()
    if clip is None:
        return out
    rows = np.flatnonzero(clip.min(axis=1) < 255)
    if len(rows):
        share = clip[rows].astype(np.uint16)[..., None]
        mixed = (out[rows, :, :3] * share + background[rows] * (255 - share) + 127) // 255
        out[rows, :, :3] = mixed.astype(np.uint8)
    return out
