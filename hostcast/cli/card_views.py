"""The preview's product cards as JSON-ready views, made when they change, not at each poll.

The status feed asks about five times a second; a card depends only on the product, the
language and the time (a sale starts or ends, "ends tonight" becomes "ends in 1 h"). So
the views of a catalog are made once and kept until the catalog is replaced, the minute
turns, or a sale window opens or closes, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from host.catalog.model import Product
from host.compose.overlay import ProductCard
from host.segment.cards import card_for


def card_view(card: ProductCard) -> dict[str, Any]:
    deal = " ".join(part for part in (card.discount, card.deal_ends) if part) or None
    return {
        "id": card.product_id,
        "title": card.title,
        "price": card.price,
        "sale_price": card.sale_price,
        "deal": deal,
    }


class CardViews:
    """Every product's card view, and the orderable ones in catalog order, cached."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.builds = 0  # how often the views were made: tests and benchmarks read it
        self._products: Sequence[Product] | None = None
        self._until: datetime | None = None
        self._views: dict[str, dict[str, Any]] = {}
        self._orderable: list[dict[str, Any]] = []

    def _fresh(self, products: Sequence[Product], now: datetime) -> None:
        if self._until is not None and now < self._until and _same(products, self._products):
            return
        self._views = {p.id: card_view(card_for(p, self.lang, now)) for p in products}
        self._orderable = [self._views[p.id] for p in products if p.orderable]
        self._products, self._until = products, _next_change(products, now)
        self.builds += 1

    def view(
        self, products: Sequence[Product], product_id: str | None, now: datetime
    ) -> dict[str, Any] | None:
        """The view of the product `product_id` of `products`; None if there is none."""
        self._fresh(products, now)
        return self._views.get(product_id) if product_id is not None else None

    def orderable(self, products: Sequence[Product], now: datetime) -> list[dict[str, Any]]:
        """The views of the products a viewer can order, in catalog order (do not mutate)."""
        self._fresh(products, now)
        return self._orderable


def _same(products: Sequence[Product], known: Sequence[Product] | None) -> bool:
    """The same products, object for object (a selection re-made each call still is)."""
    if products is known:
        return True
    return (known is not None and len(products) == len(known)
            and all(a is b for a, b in zip(products, known, strict=True)))


def _next_change(products: Sequence[Product], now: datetime) -> datetime:
    """The next minute, or the next sale window edge after `now` if one comes sooner."""
    until = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for product in products:
        window = product.sale_price_effective_date
        if window is None:
            continue
        for edge in (window.start, window.end):
            if edge is not None and now < edge < until:
                until = edge
    return until
