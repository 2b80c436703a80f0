"""The product picture on the card: the image file when readable, a neat placeholder otherwise."""

from __future__ import annotations

import logging
import zlib
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from host.compose.fonts import font
from host.compose.paint import RGB, SUPERSAMPLE, WHITE, gradient, rounded_mask

log = logging.getLogger(__name__)

# Soft tile colours (top, bottom) for placeholders, picked by product id so each keeps its own.
TILE_COLOURS: tuple[tuple[RGB, RGB], ...] = (
    ((255, 214, 224), (246, 160, 190)),
    ((214, 226, 255), (158, 180, 246)),
    ((206, 244, 228), (132, 214, 186)),
    ((255, 230, 196), (246, 184, 120)),
    ((232, 216, 255), (184, 156, 240)),
)


def load_picture(path: str, size: int) -> Image.Image | None:
    """The image at `path` cropped to fill a `size` square, or None when it cannot be read."""
    if not path:
        return None
    try:
        with Image.open(Path(path)) as opened:
            opened.draft("RGB", (size, size))  # JPEG decodes at a smaller scale: faster
            picture = ImageOps.exif_transpose(opened).convert("RGBA")
        white = Image.new("RGBA", picture.size, (*WHITE, 255))
        white.alpha_composite(picture)  # transparent PNGs sit on white, like a shop photo
        return ImageOps.fit(white.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
    except Exception as error:
        # A bad image must never take the stream down; the placeholder airs instead.
        log.warning("product image %s unreadable (%s): drawing a placeholder", path, error)
        return None


def _bag(tile: Image.Image, initial: str, ink: RGB) -> None:
    """Draw a white shopping bag with the product's initial in the middle of `tile`."""
    s = SUPERSAMPLE
    size = tile.size[0]
    big = Image.new("RGBA", (size * s, size * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    c = size * s / 2
    bw, bh = size * s * 0.46, size * s * 0.42
    top = c - bh * 0.35
    stroke = max(2, round(size * s * 0.035))
    handle = (c - bw * 0.24, top - bh * 0.34, c + bw * 0.24, top + bh * 0.3)
    draw.arc(handle, 180, 360, fill=(*WHITE, 255), width=stroke)
    body = (c - bw / 2, top, c + bw / 2, top + bh)
    draw.rounded_rectangle(body, radius=size * s * 0.05, fill=(*WHITE, 255))
    small = big.resize(tile.size, Image.Resampling.BOX)
    tile.alpha_composite(small)
    face = font(max(8, round(bh / s * 0.52)), bold=True)
    ImageDraw.Draw(tile).text(
        (size / 2, (top + bh * 0.55) / s), initial, font=face, fill=(*ink, 255), anchor="mm"
    )


def placeholder(product_id: str, title: str, size: int) -> Image.Image:
    """A rounded gradient tile with a bag icon and the title's first letter, as RGBA."""
    top, bottom = TILE_COLOURS[zlib.crc32(product_id.encode()) % len(TILE_COLOURS)]
    tile = Image.fromarray(gradient(size, size, ((0.0, top), (1.0, bottom)))).convert("RGBA")
    letters = [ch for ch in title if ch.isalnum()]
    initial = letters[0].upper() if letters else "?"
    ink = tuple(max(0, round(v * 0.62)) for v in bottom)
    _bag(tile, initial, (ink[0], ink[1], ink[2]))
    return tile


def product_tile(
    image_path: str, product_id: str, title: str, size: int, radius: float
) -> Image.Image:
    """The product image (or placeholder) as a rounded `size` square RGBA tile; do not modify."""
    try:
        stamp = Path(image_path).stat().st_mtime_ns if image_path else 0
    except OSError:
        stamp = -1
    # Cached on the file's modification time too, so an edited image is read again.
    return _tile(image_path, stamp, product_id, title, size, radius)


@lru_cache(maxsize=32)
def _tile(
    image_path: str, stamp: int, product_id: str, title: str, size: int, radius: float
) -> Image.Image:
    """The tile for one version of the file: products come round again and again on air."""
    picture = load_picture(image_path, size)
    tile = picture.convert("RGBA") if picture is not None else placeholder(product_id, title, size)
    tile.putalpha(rounded_mask(size, size, radius))
    return tile
