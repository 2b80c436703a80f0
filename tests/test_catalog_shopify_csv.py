"""Shopify product exports: rows grouped by Handle, compare-at prices read as sales."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from host.catalog import RowProblem, load_catalog, load_catalog_bytes
from host.catalog.model import Availability, Money

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
HEADER = b"Handle,Title,Option1 Name,Option1 Value,Variant Price,Variant Compare At Price\n"


def money(amount: str, currency: str = "EUR") -> Money:
    return Money(Decimal(amount), currency)


def test_rows_of_a_handle_make_one_product_with_its_variants() -> None:
    load = load_catalog(FIXTURES / "shopify_products.csv", default_currency="EUR")
    assert load.format == "shopify_csv"
    hoodie, candle, beans = load.products
    assert (hoodie.id, hoodie.title, hoodie.brand) == ("cozy-hoodie", "Cozy Hoodie", "Northwind")
    assert hoodie.product_type == "Hoodies"
    assert hoodie.description == (
        "Cozy Hoodie\nBrushed fleece inside, soft & warm.\n80 % organic cotton.\nKangaroo pocket."
    )
    assert [
        (v.id, dict(v.options), v.price, v.sale_price, v.availability) for v in hoodie.variants
    ] == [
        ("HOOD-GRY-S", {"color": "Grey", "size": "S"}, money("49.00"), None, Availability.IN_STOCK),
        (
            "HOOD-GRY-M",
            {"color": "Grey", "size": "M"},
            money("49.00"),
            None,
            Availability.OUT_OF_STOCK,
        ),
        (
            "HOOD-TER-S",
            {"color": "Terracotta", "size": "S"},
            money("49.00"),
            money("39.00"),
            Availability.BACKORDER,
        ),
        (
            "HOOD-TER-M",
            {"color": "Terracotta", "size": "M"},
            money("49.00"),
            money("39.00"),
            Availability.IN_STOCK,
        ),
    ]
    assert hoodie.variants[2].title == "Terracotta / S"
    assert hoodie.variants[2].image_link == "https://cdn.shopify.com/hoodie-terracotta.jpg"
    # The product is quoted at the best deal one can buy: Terracotta, 39 instead of 49.
    assert (hoodie.price, hoodie.sale_price) == (money("49.00"), money("39.00"))
    assert hoodie.image_link == "https://cdn.shopify.com/hoodie-grey.jpg"
    assert hoodie.additional_image_links == (
        "https://cdn.shopify.com/hoodie-terracotta.jpg",
        "https://cdn.shopify.com/hoodie-back.jpg",
    )
    assert hoodie.source == "shopify_products.csv:2"
    assert (candle.variants, candle.price, candle.sale_price) == (
        (),
        money("32.00"),
        money("24.00"),
    )
    assert candle.additional_image_links == ("https://cdn.shopify.com/candle-lit.jpg",)
    assert [v.id for v in beans.variants] == ["BEANS-1K"]
    assert load.notices == ()


def test_drafts_unpublished_and_bad_prices_are_reported() -> None:
    load = load_catalog(FIXTURES / "shopify_products.csv", default_currency="EUR")
    assert load.problems == (
        RowProblem("shopify_products.csv", 13, "Status", "product is draft, not for sale", True),
        RowProblem("shopify_products.csv", 14, "Published", "product is not published", True),
        RowProblem("shopify_products.csv", 15, "Variant Price", "'abc' is not a price", True),
    )


def test_without_a_currency_usd_is_assumed_and_said() -> None:
    load = load_catalog(FIXTURES / "shopify_products.csv")
    assert load.products[1].price == money("32.00", "USD")
    assert load.notices == ("prices had no currency; assumed USD — pass --currency",)


def test_newer_export_headers() -> None:
    load = load_catalog(FIXTURES / "shopify_new_export.csv", default_currency="CAD")
    (mug,) = load.products
    assert (mug.brand, mug.description) == ("Northwind", "Keeps coffee hot for 6 hours.")
    black, white = mug.variants
    assert (black.options, black.price, black.sale_price) == (
        {"color": "Black"},
        money("22.00", "CAD"),
        money("18.00", "CAD"),
    )
    assert black.availability is Availability.IN_STOCK
    assert white.availability is Availability.BACKORDER  # none left, keeps selling
    assert mug.image_link == "https://cdn.example.com/tm-black.jpg"


def test_compare_at_below_the_price_is_no_sale() -> None:
    data = HEADER + b"mug,Mug,Title,Default Title,12.00,10.00\n"
    (mug,) = load_catalog_bytes(data, "s.csv", default_currency="EUR").products
    assert (mug.price, mug.sale_price) == (money("12.00"), None)


def test_a_bad_compare_at_price_is_ignored_alone() -> None:
    data = HEADER + b"mug,Mug,Title,Default Title,12.00,twelve\n"
    load = load_catalog_bytes(data, "s.csv", default_currency="EUR")
    assert load.products[0].price == money("12.00")
    assert [str(p) for p in load.problems] == [
        "s.csv:2: Variant Compare At Price: 'twelve' is not a price (field ignored)"
    ]


def test_a_row_without_handle_is_skipped() -> None:
    load = load_catalog_bytes(HEADER + b",Orphan,,,5.00,\n", "s.csv", default_currency="EUR")
    assert load.products == ()
    assert [str(p) for p in load.problems] == ["s.csv:2: Handle: missing (row skipped)"]
