"""Stock states as GMC, Shopify and WooCommerce write them, read into `Availability`."""

from __future__ import annotations

import re

from host.catalog.model import Availability

_WORDS: dict[str, Availability] = {
    "instock": Availability.IN_STOCK,
    "available": Availability.IN_STOCK,
    "availablefororder": Availability.IN_STOCK,  # retired GMC value, now read as in stock
    "limitedavailability": Availability.IN_STOCK,
    "1": Availability.IN_STOCK,
    "yes": Availability.IN_STOCK,
    "true": Availability.IN_STOCK,
    "outofstock": Availability.OUT_OF_STOCK,
    "soldout": Availability.OUT_OF_STOCK,
    "discontinued": Availability.OUT_OF_STOCK,
    "0": Availability.OUT_OF_STOCK,
    "no": Availability.OUT_OF_STOCK,
    "false": Availability.OUT_OF_STOCK,
    "preorder": Availability.PREORDER,
    "backorder": Availability.BACKORDER,
    "onbackorder": Availability.BACKORDER,
}
# Ranked for a product whose variants differ: it is as available as its best variant.
RANK = (
    Availability.IN_STOCK,
    Availability.BACKORDER,
    Availability.PREORDER,
    Availability.OUT_OF_STOCK,
)


def parse_availability(text: str) -> Availability:
    """The stock state a value names; ValueError when it names none."""
    word = text.strip().lower()
    if word.startswith(("http://schema.org/", "https://schema.org/")):
        word = word.rsplit("/", 1)[-1]
    key = re.sub(r"[\s_-]+", "", word)
    if key not in _WORDS:
        raise ValueError(f"{text!r} is not an availability")
    return _WORDS[key]


def from_quantity(quantity: int, *, sells_when_out: bool = False) -> Availability:
    """Stock state from a stock count: none left but still selling is a backorder."""
    if quantity > 0:
        return Availability.IN_STOCK
    return Availability.BACKORDER if sells_when_out else Availability.OUT_OF_STOCK


def best(states: list[Availability]) -> Availability:
    """The most available of several states (in stock if any variant is)."""
    return min(states, key=RANK.index) if states else Availability.IN_STOCK
