"""WooCommerce exports: simple products, and variable products joined to their variations."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from host.catalog import RowProblem, load_catalog, load_catalog_bytes
from host.catalog.model import Availability, Money

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
NAME = "woocommerce_products.csv"


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_simple_variable_and_external_products() -> None:
    load = load_catalog(FIXTURES / NAME, default_currency="EUR")
    assert load.format == "woocommerce_csv"
    honey, _, grinder, jam = load.products
    assert (honey.id, honey.title, honey.brand) == (
        "HONEY-500",
        "Wildflower Honey 500 g",
        "Les Ruchers",
    )
    assert (honey.price, honey.sale_price) == (eur("12.50"), eur("9.90"))
    assert honey.sale_price_effective_date is not None
    assert honey.sale_price_effective_date.start == datetime(2026, 11, 27, tzinfo=UTC)
    assert honey.sale_price_effective_date.end == datetime(2026, 12, 1, tzinfo=UTC)
    assert honey.description == "Raw, unfiltered honey.\nFrom the Cévennes."
    assert honey.product_type == "Pantry > Honey"
    assert honey.image_link == "https://shop.example.com/wp-content/uploads/honey.jpg"
    assert honey.additional_image_links == (
        "https://shop.example.com/wp-content/uploads/honey-2.jpg",
    )
    assert grinder.link == "https://partner.example.com/grinder"
    assert jam.availability is Availability.BACKORDER


def test_variations_join_their_parent_by_id_or_sku() -> None:
    tshirt = load_catalog(FIXTURES / NAME, default_currency="EUR").products[1]
    assert (tshirt.id, tshirt.title, tshirt.description) == (
        "TSHIRT",
        "Logo T-shirt",
        "Heavy cotton.",
    )
    assert [
        (v.id, dict(v.options), v.price, v.sale_price, v.availability) for v in tshirt.variants
    ] == [
        (
            "TSHIRT-BLUE-M",
            {"color": "Blue", "size": "M"},
            eur("20.00"),
            None,
            Availability.IN_STOCK,
        ),
        (
            "TSHIRT-RED-L",
            {"color": "Red", "size": "L"},
            eur("22.00"),
            eur("15.00"),
            Availability.OUT_OF_STOCK,
        ),
    ]
    assert (tshirt.price, tshirt.sale_price) == (eur("20.00"), None)
    assert tshirt.availability is Availability.IN_STOCK


def test_orphans_drafts_and_grouped_products_are_reported() -> None:
    load = load_catalog(FIXTURES / NAME, default_currency="EUR")
    assert load.problems == (
        RowProblem(NAME, 6, "Parent", "parent 'id:999' is not in the file", True),
        RowProblem(NAME, 7, "Published", "product is not published (draft or private)", True),
        RowProblem(
            NAME,
            8,
            "Type",
            "a grouped product has no price of its own; its products load alone",
            True,
        ),
        RowProblem(NAME, 10, "Sale price", "7.50 EUR is not below the price 7.50 EUR", False),
    )


def test_stock_count_when_the_status_column_is_blank() -> None:
    data = (
        b"ID,Type,SKU,Name,Published,In stock?,Stock,Backorders allowed?,Regular price\n"
        b"1,simple,A,A,1,,0,notify,5\n"
        b"2,simple,B,B,1,,0,0,5\n"
        b"3,simple,C,C,1,,12,0,5\n"
    )
    load = load_catalog_bytes(data, "w.csv", default_currency="EUR")
    assert [p.availability for p in load.products] == [
        Availability.BACKORDER,
        Availability.OUT_OF_STOCK,
        Availability.IN_STOCK,
    ]
