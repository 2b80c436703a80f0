"""Fonts and text fitting: real glyphs for French and currency text, wrap, shrink, ellipsis."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from host.compose.fonts import BOLD, FONT_DIR, REGULAR, font
from host.compose.text import ELLIPSIS, ellipsise, fit, wrap

UNASSIGNED = "\u0378"  # no character there: the font draws its .notdef box


def _render(text: str, bold: bool) -> np.ndarray:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((10, 10), text, font=font(40, bold), fill=255)
    return np.asarray(image)


def test_fonts_and_licence_are_bundled() -> None:
    assert REGULAR.is_file() and BOLD.is_file()
    assert "Bitstream" in (FONT_DIR / "LICENSE-DejaVu.txt").read_text()


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("char", list("éèàçœ€£¥«»"))
def test_french_and_currency_characters_have_real_glyphs(char: str, bold: bool) -> None:
    notdef = _render(UNASSIGNED, bold)
    assert notdef.any()  # the .notdef box does draw something: a real glyph must differ from it
    glyph = _render(char, bold)
    assert glyph.any()
    assert not np.array_equal(glyph, notdef), f"{char!r} drew the .notdef box"


def test_font_is_cached_per_size_and_weight() -> None:
    assert font(20) is font(20)
    assert font(20) is not font(20, bold=True)
    with pytest.raises(ValueError):
        font(0)


def test_wrap_keeps_lines_in_width_and_ellipsises_the_last() -> None:
    face = font(24)
    text = "Sérum éclat à la vitamine C pour une peau lumineuse toute la journée"
    lines = wrap(text, face, 200, 2)
    assert len(lines) == 2
    assert all(face.getlength(line) <= 200 for line in lines)
    assert lines[-1].endswith(ELLIPSIS)
    assert wrap("Mug", face, 200, 2) == ["Mug"]


def test_a_word_too_long_for_the_line_is_ellipsised() -> None:
    face = font(24)
    line = ellipsise("Anticonstitutionnellement", face, 120)
    assert line.endswith(ELLIPSIS) and face.getlength(line) <= 120


def test_fit_shrinks_the_font_before_cutting() -> None:
    text = "Le sérum passe à 27,90 € au lieu de 39,90 €"
    face32 = font(32, True)
    width = face32.getlength(text) / 2 + 60  # too narrow for 2 lines at 32, fine a bit smaller
    face, lines = fit(text, [40, 32, 28, 20], True, width, 2)
    assert face.size < 40
    assert not any(line.endswith(ELLIPSIS) for line in lines)
    face, lines = fit(text * 4, [40, 32, 28, 20], True, width, 2)
    assert face.size == 20 and lines[-1].endswith(ELLIPSIS)
