"""The product card: prices and deals, the strike-through, the QR code, the placeholder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from host.compose.card import CardArt, draw_card
from host.compose.fonts import font
from host.compose.overlay import ProductCard
from host.compose.paint import MUTED
from host.compose.product_image import placeholder
from host.compose.qr import QUIET_ZONE

REPO = Path(__file__).resolve().parent.parent
SERUM_IMAGE = REPO / "demo" / "images" / "serum.png"
PORTRAIT_CARD = (696, 452)
LANDSCAPE_CARD = (628, 636)

REGULAR = ProductCard(
    product_id="serum",
    title="Sérum éclat à la vitamine C 30 ml",
    price="39,90 €",
    image_path=str(SERUM_IMAGE),
    link="https://shop.example.com/products/vitamin-c-serum",
    brand="Aurelle",
)
ON_SALE = replace(REGULAR, sale_price="27,90 €", discount="-30 %", deal_ends="jusqu'à dimanche")


def _pixels(art: CardArt) -> np.ndarray:
    return np.asarray(art.image)


def _crop(art: CardArt, name: str) -> np.ndarray:
    x0, y0, x1, y1 = art.parts[name]
    return _pixels(art)[y0:y1, x0:x1]


def test_sale_card_differs_from_regular_card() -> None:
    regular, sale = draw_card(REGULAR, PORTRAIT_CARD, 1.0), draw_card(ON_SALE, PORTRAIT_CARD, 1.0)
    assert regular.image.size == sale.image.size == PORTRAIT_CARD
    assert not np.array_equal(_pixels(regular), _pixels(sale))
    assert "old_price" not in regular.parts and "badge" not in regular.parts
    assert {"old_price", "badge", "deal_ends"} <= set(sale.parts)


def test_sale_price_is_drawn_larger_than_the_old_price() -> None:
    art = draw_card(ON_SALE, PORTRAIT_CARD, 1.0)
    price, old = art.parts["price"], art.parts["old_price"]
    assert price[3] - price[1] > 1.5 * (old[3] - old[1])


def _has_strike(art: CardArt) -> bool:
    """Whether one row of the old price's box is text-coloured from its left end to its right."""
    x0, y0, x1, y1 = art.parts["old_price"]
    rgb = _pixels(art)[y0:y1, x0:x1, :3].astype(int)
    close = (np.abs(rgb - np.array(MUTED)).max(axis=-1) <= 12).all(axis=1)
    return bool(close.any())


def test_old_price_is_struck_through_on_both_layouts() -> None:
    for size in (PORTRAIT_CARD, LANDSCAPE_CARD):
        art = draw_card(ON_SALE, size, 1.0)
        assert _has_strike(art), size


def test_regular_price_text_alone_has_no_full_row() -> None:
    # The check above is meaningful: plain price text never fills a whole row of its box.
    canvas = Image.new("RGBA", (300, 80), (255, 255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    draw.text((10, 60), "39,90 €", font=font(26), fill=(*MUTED, 255), anchor="ls")
    x0, y0, x1, y1 = (
        round(v) for v in draw.textbbox((10, 60), "39,90 €", font=font(26), anchor="ls")
    )
    fake = CardArt(image=canvas, parts={"old_price": (x0, y0, x1, y1)})
    assert not _has_strike(fake)


def test_qr_modules_match_segno_for_the_link() -> None:
    for size in (PORTRAIT_CARD, LANDSCAPE_CARD):
        art = draw_card(ON_SALE, size, 1.0)
        expected = np.array(
            list(
                segno.make_qr(ON_SALE.link, error="l", boost_error=True).matrix_iter(
                    scale=1, border=QUIET_ZONE
                )
            ),
            dtype=bool,
        )
        tile = _crop(art, "qr")
        n = expected.shape[0]
        assert tile.shape[0] == tile.shape[1] and tile.shape[0] % n == 0
        module = tile.shape[0] // n
        assert module >= 3  # big enough to scan off a screen
        centres = tile[module // 2 :: module, module // 2 :: module, :3].astype(int)
        dark = centres.mean(axis=-1) < 128
        np.testing.assert_array_equal(dark, expected)


def test_no_qr_code_without_a_link() -> None:
    assert "qr" not in draw_card(replace(REGULAR, link=""), PORTRAIT_CARD, 1.0).parts


def test_missing_or_corrupt_image_draws_the_placeholder(tmp_path: Path) -> None:
    corrupt = tmp_path / "broken.png"
    corrupt.write_bytes(SERUM_IMAGE.read_bytes()[:2000])  # a truncated PNG
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"not an image at all")
    empty = draw_card(replace(REGULAR, image_path=""), PORTRAIT_CARD, 1.0)
    for path in (str(tmp_path / "missing.png"), str(corrupt), str(garbage), str(tmp_path)):
        art = draw_card(replace(REGULAR, image_path=path), PORTRAIT_CARD, 1.0)
        np.testing.assert_array_equal(_crop(art, "picture"), _crop(empty, "picture"))
    real = draw_card(REGULAR, PORTRAIT_CARD, 1.0)
    assert not np.array_equal(_crop(real, "picture"), _crop(empty, "picture"))


def test_placeholder_shows_a_tile_with_the_products_initial() -> None:
    a = np.asarray(placeholder("p1", "Mug", 120))
    b = np.asarray(placeholder("p1", "Bol", 120))
    assert a.shape == (120, 120, 4)
    assert (a[..., 3] == 255).all()
    assert not np.array_equal(a, b)  # the letter differs
    assert np.array_equal(a, np.asarray(placeholder("p1", "Mug", 120)))  # same every time


def test_note_is_drawn_as_a_pill() -> None:
    plain = draw_card(REGULAR, PORTRAIT_CARD, 1.0)
    noted = draw_card(replace(REGULAR, note="Rupture de stock"), PORTRAIT_CARD, 1.0)
    assert "note" in noted.parts and "note" not in plain.parts
    pill = _crop(noted, "note")
    assert not np.array_equal(
        pill,
        np.asarray(plain.image)[
            noted.parts["note"][1] : noted.parts["note"][3],
            noted.parts["note"][0] : noted.parts["note"][2],
        ],
    )


def test_parts_stay_inside_the_card() -> None:
    long = replace(
        ON_SALE,
        title="Montre connectée " * 10,
        brand="Marque " * 10,
        note="Précommande " * 6,
        deal_ends="jusqu'à dimanche " * 6,
    )
    for size in (PORTRAIT_CARD, LANDSCAPE_CARD):
        art = draw_card(long, size, 1.0)
        x0, y0, x1, y1 = art.parts["card"]
        for name, (a, b, c, d) in art.parts.items():
            assert x0 <= a and y0 <= b and c <= x1 and d <= y1, (name, size)


@settings(max_examples=20, deadline=None)
@given(
    title=st.text(max_size=120),
    price=st.text(min_size=1, max_size=20),
    sale=st.none() | st.text(max_size=20),
    note=st.text(max_size=40),
)
def test_any_text_draws_without_error(title: str, price: str, sale: str | None, note: str) -> None:
    card = ProductCard(
        "x",
        title,
        price,
        sale_price=sale,
        discount="-5 %",
        note=note,
        link="https://e.example/" + title[:30].encode().hex(),
    )
    assert draw_card(card, PORTRAIT_CARD, 1.0).image.size == PORTRAIT_CARD
