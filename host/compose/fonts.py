"""The bundled DejaVu Sans fonts, loaded once per size."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


@lru_cache(maxsize=128)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (or Sans Bold) at `size` pixels, with the same glyph shaping on every machine."""
    if size < 1:
        raise ValueError(f"font size must be at least 1 pixel, not {size}")
    # BASIC layout: no dependency on libraqm being installed, same pixels everywhere.
    return ImageFont.truetype(
        str(BOLD if bold else REGULAR), size, layout_engine=ImageFont.Layout.BASIC
    )
