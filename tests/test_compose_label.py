"""The AI-disclosure label and the caption plate."""

from __future__ import annotations

import numpy as np
import pytest

from host.compose.caption import draw_caption
from host.compose.label import ai_label, draw_label


def test_ai_label_in_english_and_french() -> None:
    assert ai_label("en") == "AI-generated virtual host"
    assert ai_label("fr") == "Avatar virtuel généré par IA"
    assert ai_label("fr-CA") == ai_label("fr_FR") == ai_label("FR")


def test_ai_label_for_an_unknown_language_says_which_exist() -> None:
    with pytest.raises(ValueError, match="en, fr"):
        ai_label("de")


def _drawn_width(rgba: np.ndarray) -> int:
    return int(np.nonzero(rgba[..., 3].max(axis=0))[0].max()) + 1


def test_label_pill_is_opaque_enough_to_read_and_hugs_its_text() -> None:
    short = np.asarray(draw_label("AI", (680, 52), 1.0))
    long = np.asarray(draw_label(ai_label("fr"), (680, 52), 1.0))
    assert short.shape == (52, 680, 4)
    assert _drawn_width(short) < _drawn_width(long) < 680
    assert (long[..., :3] == 255).all(axis=-1).sum() > 200  # white text on the plate


def test_caption_is_white_text_on_a_dark_plate_centred() -> None:
    art = np.asarray(draw_caption("Bonjour à tous !", (680, 116), 1.0))
    cols = np.nonzero(art[..., 3].max(axis=0))[0]
    assert abs((cols.min() + cols.max()) / 2 - 340) <= 2  # centred
    assert ((art[..., :3] == 255).all(axis=-1) & (art[..., 3] > 200)).sum() > 100


def test_empty_caption_draws_nothing() -> None:
    assert not np.asarray(draw_caption("   ", (680, 116), 1.0))[..., 3].any()


def test_long_caption_stays_in_its_box_on_two_lines() -> None:
    long = "Le sérum éclat à la vitamine C passe à 27,90 € " * 8
    art = np.asarray(draw_caption(long, (680, 116), 1.0))
    rows = np.nonzero(art[..., 3].max(axis=1))[0]
    assert rows.min() > 0 and rows.max() < 115  # the plate fits, margins left
