"""Fitting text into a width: word wrap, ellipsis, and shrinking the font a little."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageFont

from host.compose.fonts import font

ELLIPSIS = "…"


def width(text: str, face: ImageFont.FreeTypeFont) -> float:
    """How many pixels wide `text` is in `face`."""
    return face.getlength(text)


def ellipsise(text: str, face: ImageFont.FreeTypeFont, max_width: float) -> str:
    """`text` cut at the end with an ellipsis so it fits in `max_width` (unchanged if it fits)."""
    if width(text, face) <= max_width:
        return text
    cut = len(text)
    while cut > 0 and width(text[:cut].rstrip() + ELLIPSIS, face) > max_width:
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS if cut else ELLIPSIS


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> list[str]:
    """`text` word-wrapped to `max_width`; past `max_lines` the last line ends with an ellipsis."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if width(candidate, face) <= max_width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    # A single word wider than the line is ellipsised rather than split mid-word.
    lines = [ellipsise(line, face, max_width) for line in lines]
    if len(lines) > max_lines:
        # What does not fit joins the last line, which is then too wide and gets the ellipsis.
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], ellipsise(rest, face, max_width)]
    return lines


def fits(text: str, face: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> bool:
    """Whether `text` wraps into `max_lines` lines of `max_width` without an ellipsis."""
    lines = wrap(text, face, max_width, max_lines=len(text.split()) or 1)
    return len(lines) <= max_lines and not any(line.endswith(ELLIPSIS) for line in lines)


def fit(
    text: str, sizes: Sequence[int], bold: bool, max_width: float, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest of `sizes` whose wrap fits in `max_lines`; else the smallest, ellipsised."""
    for size in sizes:
        face = font(size, bold)
        if fits(text, face, max_width, max_lines):
            return face, wrap(text, face, max_width, max_lines)
    face = font(sizes[-1], bold)
    return face, wrap(text, face, max_width, max_lines)
