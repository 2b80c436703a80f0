"""One field at a time: parsed, or reported with the file's line and name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from host.catalog.item_fields import FeedContext, FieldReader
from host.catalog.model import Availability, Money
from host.catalog.raw_item import RawItem
from host.catalog.report import RowProblem


def item(**fields: str) -> RawItem:
    return RawItem(line=4, fields=dict(fields))


def test_bare_prices_take_the_items_then_the_callers_currency() -> None:
    reader = FieldReader(FeedContext("c.json", default_currency="CHF"))
    own = RawItem(line=2, fields={"price": "10"}, currency="EUR")
    assert reader.money(own, "price", required=True) == Money(Decimal("10"), "EUR")
    assert reader.money(item(price="10"), "price", required=True) == Money(Decimal("10"), "CHF")
    assert reader.notices() == []


def test_without_any_currency_usd_is_assumed_and_noticed() -> None:
    reader = FieldReader(FeedContext("c.csv"))
    assert reader.money(item(price="10"), "price", required=True) == Money(Decimal("10"), "USD")
    assert reader.notices() == ["prices had no currency; assumed USD — pass --currency"]


def test_a_bad_required_price_skips_the_row_and_a_bad_sale_price_only_itself() -> None:
    reader = FieldReader(FeedContext("c.csv"))
    row = RawItem(line=4, fields={"price": "abc", "sale_price": "12,x EUR"})
    row.set("sale_price", "12,x EUR", label="sale price")
    assert reader.money(row, "price", required=True) is None
    assert reader.sale_price(row, Money(Decimal("20"), "EUR")) is None
    assert reader.problems == [
        RowProblem("c.csv", 4, "price", "'abc' is not a price", True),
        RowProblem("c.csv", 4, "sale price", "'12,x EUR' is not a price", False),
    ]


def test_zero_is_not_a_price() -> None:
    reader = FieldReader(FeedContext("c.csv"))
    assert reader.money(item(price="0.00 EUR"), "price", required=True) is None
    assert reader.problems[0].reason == "'0.00 EUR' is zero, not a price"


def test_an_unknown_availability_is_reported_and_read_as_in_stock() -> None:
    reader = FieldReader(FeedContext("c.csv"))
    assert reader.availability(item(availability="maybe")) is Availability.IN_STOCK
    assert reader.availability(item()) is None
    assert reader.problems[0].reason.endswith("treated as in_stock")


def test_relative_images_resolve_against_the_catalog_folder(tmp_path: Path) -> None:
    reader = FieldReader(FeedContext("c.csv", base_dir=tmp_path))
    assert reader.image("img/a.png") == str(tmp_path / "img" / "a.png")
    assert reader.image("../b.png") == str(tmp_path.parent / "b.png")
    assert reader.image("https://cdn.example.com/a.png") == "https://cdn.example.com/a.png"
    assert reader.image("//cdn.example.com/a.png") == "//cdn.example.com/a.png"
    assert FieldReader(FeedContext("c.csv")).image("img/a.png") == "img/a.png"
