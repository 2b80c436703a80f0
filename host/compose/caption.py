"""The caption: what the presenter says, in white on a dark see-through plate."""

from __future__ import annotations

from PIL import Image, ImageDraw

from host.compose.paint import PLATE, WHITE, fill_rounded
from host.compose.text import fit

SIZES = (32, 30, 28, 26)  # at scale 1: shrink a little before cutting with an ellipsis


def draw_caption(text: str, size: tuple[int, int], scale: float) -> Image.Image:
    """`text` centred on a rounded plate in an RGBA image of `size`, two lines at most."""
    width, height = size
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    text = " ".join(text.split())
    if not text:
        return canvas
    pad_x, pad_y = round(22 * scale), round(12 * scale)
    face, lines = fit(text, [round(v * scale) for v in SIZES], True, width - 2 * pad_x, 2)
    line_h = round(face.size * 1.25)
    ascent, descent = face.getmetrics()
    text_w = max(face.getlength(line) for line in lines)
    plate_w = min(width, round(text_w) + 2 * pad_x)
    plate_h = min(height, line_h * (len(lines) - 1) + ascent + descent + 2 * pad_y)
    x0, y0 = (width - plate_w) // 2, (height - plate_h) // 2
    fill_rounded(canvas, (x0, y0, x0 + plate_w, y0 + plate_h), 22 * scale, PLATE)
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        draw.text(
            (width / 2, y0 + pad_y + i * line_h), line, font=face, fill=(*WHITE, 255), anchor="mt"
        )
    return canvas
