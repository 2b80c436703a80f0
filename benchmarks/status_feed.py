"""What a status poll costs in product cards, with a 1,000-product catalog.

The preview's status feed polls about five times a second. This prints the CPU per poll
of the cached card views (hostcast.cli.card_views) against making every card afresh, as
the feed did before, over a minute of polls.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from host.catalog.model import Availability, Money, Product
from host.segment.cards import card_for
from hostcast.cli.card_views import CardViews, card_view

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
PRODUCTS = 1000
POLLS = 300  # a minute at five a second


def catalog() -> tuple[Product, ...]:
    return tuple(
        Product(id=f"p{i}", title=f"Product {i}", price=Money(Decimal("19.90"), "EUR"),
                availability=Availability.IN_STOCK)
        for i in range(PRODUCTS)
    )


def per_poll(poll: object) -> float:
    started = time.process_time()
    for n in range(POLLS):
        poll(AT + timedelta(seconds=n / 5))  # type: ignore[operator]
    return (time.process_time() - started) / POLLS


def main() -> None:
    products = catalog()
    cards = CardViews("en")
    cached = per_poll(lambda now: cards.orderable(products, now))
    fresh = per_poll(lambda now: [card_view(card_for(p, "en", now)) for p in products])
    print(f"{PRODUCTS} products, {POLLS} polls: cached {cached * 1000:.3f} ms per poll "
          f"({cards.builds} build), every card afresh {fresh * 1000:.1f} ms per poll")


if __name__ == "__main__":
    main()
