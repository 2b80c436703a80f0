"""The preview's card views: made when the catalog or the time changes them, not per poll."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, eur

from host.catalog.model import Availability, Product, SaleWindow
from hostcast.cli.card_views import CardViews


def catalog(n: int, *, sale_ends_in: timedelta | None = None) -> tuple[Product, ...]:
    window = None if sale_ends_in is None else SaleWindow(None, NOW + sale_ends_in)
    return tuple(
        Product(
            id=f"p{i}",
            title=f"Product {i}",
            price=eur("20.00"),
            sale_price=eur("15.00") if i == 0 and window else None,
            sale_price_effective_date=window if i == 0 else None,
            availability=Availability.OUT_OF_STOCK if i % 10 == 9 else Availability.IN_STOCK,
        )
        for i in range(n)
    )


def test_polls_reuse_the_views_until_the_minute_turns() -> None:
    products, cards = catalog(20), CardViews("en")
    first = cards.orderable(products, NOW.replace(second=5))
    assert [v["id"] for v in first] == [f"p{i}" for i in range(20) if i % 10 != 9]
    assert first[0]["price"] == "€20.00"
    for second in range(6, 60):
        assert cards.orderable(products, NOW.replace(second=second)) is first
    assert cards.view(products, "p3", NOW.replace(second=30))["title"] == "Product 3"
    assert cards.view(products, "nope", NOW.replace(second=30)) is None
    assert cards.builds == 1
    cards.orderable(products, NOW.replace(second=0) + timedelta(minutes=1))
    assert cards.builds == 2


def test_a_new_catalog_or_a_sale_ending_makes_them_again() -> None:
    now = NOW.replace(second=0)
    products, cards = catalog(3, sale_ends_in=timedelta(seconds=20)), CardViews("en")
    assert cards.orderable(products, now)[0]["sale_price"] == "€15.00"
    assert cards.orderable(tuple(products), now + timedelta(seconds=1)) is not None
    assert cards.builds == 1  # the same products, in a new tuple: still the same views
    assert cards.orderable(products, now + timedelta(seconds=20))[0]["sale_price"] is None
    assert cards.builds == 2  # the sale ended within the minute
    replaced = catalog(3)
    assert cards.orderable(replaced, now + timedelta(seconds=21))[0]["id"] == "p0"
    assert cards.builds == 3


def test_a_thousand_products_are_made_into_views_once_for_many_polls() -> None:
    products, cards = catalog(1000), CardViews("en")
    for poll in range(300):  # a minute of polls, five a second
        cards.orderable(products, NOW + timedelta(seconds=poll / 5))
        cards.view(products, "p500", NOW + timedelta(seconds=poll / 5))
    assert cards.builds == 1  # the cost per poll: benchmarks/status_feed.py prints it
