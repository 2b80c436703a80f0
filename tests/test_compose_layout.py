"""The frame layout: even boxes inside the frame that never overlap."""

from __future__ import annotations

import itertools

import pytest

from host.compose.layout import Box, layout_for


@pytest.mark.parametrize("size", [(720, 1280), (1280, 720), (1080, 1920), (360, 640), (1920, 1080)])
def test_boxes_are_even_inside_and_apart(size: tuple[int, int]) -> None:
    layout = layout_for(*size)
    boxes = layout.boxes()
    assert set(boxes) == {"label_box", "presenter_box", "caption_box", "card_box"}
    for box in boxes.values():
        assert all(v % 2 == 0 for v in (box.x, box.y, box.w, box.h)), box
        assert box.inside(*size), box
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not a.overlaps(b), (a, b)


def test_portrait_stacks_label_presenter_caption_card_top_to_bottom() -> None:
    layout = layout_for(720, 1280)
    order = [layout.label_box, layout.presenter_box, layout.caption_box, layout.card_box]
    assert [b.y for b in order] == sorted(b.y for b in order)
    assert layout.card_box.y >= 1280 * 0.6  # the card sits in the bottom third or so
    assert layout.presenter_box.h >= 500  # the presenter is large


def test_landscape_puts_presenter_left_and_card_right() -> None:
    layout = layout_for(1280, 720)
    assert layout.presenter_box.right <= layout.card_box.x
    assert layout.caption_box.y >= layout.presenter_box.bottom
    assert layout.caption_box.right <= layout.card_box.x
    assert layout.label_box.bottom <= layout.presenter_box.y


def test_scaled_layout_grows_with_the_frame() -> None:
    small, big = layout_for(720, 1280), layout_for(1080, 1920)
    assert big.scale == pytest.approx(1.5)
    assert big.presenter_box.h == pytest.approx(small.presenter_box.h * 1.5, abs=2)


@pytest.mark.parametrize("size", [(1000, 1000), (640, 480), (721, 1280), (0, 0)])
def test_unsupported_size_names_the_supported_ones(size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match=r"\d+x\d+"):
        layout_for(*size)
    if size == (1000, 1000):
        with pytest.raises(ValueError, match=r"720x1280.*1280x720"):
            layout_for(*size)


def test_box_rejects_odd_edges() -> None:
    with pytest.raises(ValueError, match="even"):
        Box(1, 0, 10, 10)
    assert Box(0, 0, 10, 10).overlaps(Box(8, 8, 4, 4))
    assert not Box(0, 0, 10, 10).overlaps(Box(10, 0, 4, 4))
