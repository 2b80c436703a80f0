"""Stock words from GMC, Shopify and WooCommerce read into one availability."""

from __future__ import annotations

import pytest

from host.catalog.availability import best, from_quantity, parse_availability
from host.catalog.model import Availability

IN, OUT = Availability.IN_STOCK, Availability.OUT_OF_STOCK


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in_stock", IN),
        ("in stock", IN),
        ("InStock", IN),
        ("https://schema.org/InStock", IN),
        ("available for order", IN),
        ("1", IN),
        ("yes", IN),
        ("out_of_stock", OUT),
        ("Out of stock", OUT),
        ("0", OUT),
        ("no", OUT),
        ("preorder", Availability.PREORDER),
        ("pre-order", Availability.PREORDER),
        ("backorder", Availability.BACKORDER),
        ("onbackorder", Availability.BACKORDER),
    ],
)
def test_stock_words(text: str, expected: Availability) -> None:
    assert parse_availability(text) is expected


def test_an_unknown_word_is_refused() -> None:
    with pytest.raises(ValueError, match="'maybe' is not an availability"):
        parse_availability("maybe")


def test_stock_counts_and_selling_when_out() -> None:
    assert from_quantity(3) is IN
    assert from_quantity(0) is OUT
    assert from_quantity(-2) is OUT
    assert from_quantity(0, sells_when_out=True) is Availability.BACKORDER


def test_a_product_is_as_available_as_its_best_variant() -> None:
    assert best([OUT, Availability.PREORDER, IN]) is IN
    assert best([OUT, Availability.BACKORDER]) is Availability.BACKORDER
    assert best([OUT, OUT]) is OUT
