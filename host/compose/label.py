"""The AI-disclosure label: its wording per language and the pill it is drawn on."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from host.compose.fonts import font
from host.compose.paint import PLATE, SUPERSAMPLE, WHITE, fill_rounded
from host.compose.text import ellipsise

LABELS = {
    "en": "AI-generated virtual host",
    "fr": "Avatar virtuel généré par IA",  # "avatar": no gender to guess
}
SPARKLE = (255, 200, 87)


def ai_label(lang: str) -> str:
    """The disclosure label for a language code such as "en", "fr" or "fr-CA"."""
    primary = lang.replace("_", "-").split("-")[0].lower()
    if primary not in LABELS:
        raise ValueError(f"no AI label for language {lang!r}; known: {', '.join(sorted(LABELS))}")
    return LABELS[primary]


def _sparkle(size: int) -> Image.Image:
    """A four-pointed star, the usual sign for "made by AI", as a smooth RGBA icon."""
    s = size * SUPERSAMPLE
    big = Image.new("RGBA", (s, s), (*SPARKLE, 0))
    c, r, waist = s / 2, s / 2, s * 0.13
    points = []
    for i in range(8):
        angle = math.pi / 4 * i - math.pi / 2
        radius = r if i % 2 == 0 else waist
        points.append((c + radius * math.cos(angle), c + radius * math.sin(angle)))
    ImageDraw.Draw(big).polygon(points, fill=(*SPARKLE, 255))
    return big.resize((size, size), Image.Resampling.BOX)


def draw_label(text: str, size: tuple[int, int], scale: float) -> Image.Image:
    """The label as an RGBA image of `size`: a dark pill at the left with a sparkle and `text`."""
    width, height = size
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    face = font(max(8, round(19 * scale)), bold=True)
    pad, icon = round(16 * scale), round(18 * scale)
    gap = round(8 * scale)
    text = ellipsise(text, face, width - 2 * pad - icon - gap)
    pill_w = min(width, round(2 * pad + icon + gap + face.getlength(text)))
    pill_h = height
    fill_rounded(canvas, (0, 0, pill_w, pill_h), pill_h / 2, PLATE)
    canvas.alpha_composite(_sparkle(icon), (pad, (pill_h - icon) // 2))
    draw = ImageDraw.Draw(canvas)
    draw.text((pad + icon + gap, pill_h / 2), text, font=face, fill=(*WHITE, 255), anchor="lm")
    return canvas
