"""Plain JSON and YAML catalogs on GMC field names."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from host.catalog import RowProblem, load_catalog, load_catalog_bytes
from host.catalog.model import Availability, Money
from host.errors import CatalogError

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"


def money(amount: str, currency: str = "EUR") -> Money:
    return Money(Decimal(amount), currency)


def test_json_object_with_language_currency_and_products() -> None:
    load = load_catalog(FIXTURES / "products.json")
    assert load.format == "json"
    chocolats, miel, _, montre = load.products
    assert (chocolats.price, chocolats.sale_price) == (money("19.90"), money("14.90"))
    assert chocolats.sale_price_effective_date is not None
    assert chocolats.sale_price_effective_date.end == datetime(2026, 12, 1, tzinfo=UTC)
    assert chocolats.description == "Ganaches au chocolat noir 70 %.\nFabriqués à Lyon."
    assert chocolats.image_link == str(FIXTURES / "images" / "chocolates.png")
    assert chocolats.additional_image_links == (
        str(FIXTURES / "images" / "chocolates-box.png"),
        "https://cdn.example.fr/c3.jpg",
    )
    assert chocolats.product_highlights == ("24 ganaches", "Sans huile de palme")
    assert chocolats.custom_labels == ("noel", "", "best-seller")
    assert chocolats.content_language == "fr"
    assert chocolats.source == "products.json:5"
    assert (miel.price, miel.availability) == (money("12.5"), Availability.OUT_OF_STOCK)
    assert (montre.price, montre.content_language) == (money("199", "USD"), "en")


def test_json_variants_with_options() -> None:
    sweat = load_catalog(FIXTURES / "products.json").products[2]
    assert sweat.product_highlights == ("Coton bio",)
    assert [(v.id, dict(v.options), v.price, v.sale_price) for v in sweat.variants] == [
        ("sweat-gris-m", {"color": "Gris", "size": "M"}, money("49"), None),
        (
            "sweat-terre-m",
            {"color": "Terracotta", "size": "M", "fit": "oversize"},
            money("49.00"),
            money("39.00"),
        ),
    ]
    assert sweat.variants[1].image_link == str(FIXTURES / "images" / "hoodie-terracotta.png")
    assert (sweat.price, sweat.sale_price) == (money("49.00"), money("39.00"))


def test_json_problems_point_at_the_element() -> None:
    load = load_catalog(FIXTURES / "products.json")
    assert load.problems == (
        RowProblem("products.json", 35, "price", "missing", True),
        RowProblem("products.json", 38, "title", "missing", True),
        RowProblem("products.json", 42, "", "is not a product object", True),
    )


def test_json_list_with_dollar_prices_and_a_duplicate() -> None:
    load = load_catalog(FIXTURES / "products_list.json")
    assert [(p.id, p.price, p.sale_price) for p in load.products] == [
        ("mug", money("12.00", "USD"), None),
        ("tea", money("8.50", "USD"), None),
    ]
    assert [str(p) for p in load.problems] == [
        "products_list.json:2: sale_price: 15.00 USD is not below the price 12.00 USD "
        "(field ignored)",
        "products_list.json:4: id: duplicate id 'mug' (first on line 2) (row skipped)",
    ]


def test_yaml_catalog() -> None:
    load = load_catalog(FIXTURES / "products.yaml")
    assert load.format == "yaml"
    serum, scarf = load.products
    assert (serum.price, serum.sale_price) == (money("39.90", "GBP"), money("27.90", "GBP"))
    assert serum.description == "A light serum for every day.\nIt absorbs in seconds."
    assert serum.content_language == "en"
    assert [(v.id, v.price, v.availability) for v in scarf.variants] == [
        ("scarf-red", None, None),
        ("scarf-blue", money("30", "GBP"), Availability.OUT_OF_STOCK),
    ]
    assert [str(p) for p in load.problems] == [
        "products.yaml:20: price: '.inf' is not a price (row skipped)",
        "products.yaml:25: condition: 'vintage' is not a condition (new, refurbished, used); "
        "treated as new (field ignored)",
    ]


def test_numbers_take_the_callers_currency_when_the_file_names_none() -> None:
    load = load_catalog_bytes(
        b'[{"id": "a", "title": "A", "price": 5}]', "c.json", default_currency="chf"
    )
    assert load.products[0].price == money("5", "CHF")


def test_a_bad_file_currency_is_reported_once() -> None:
    data = b'{"currency": "euro", "products": [{"id": "a", "title": "A", "price": "5 EUR"}]}'
    load = load_catalog_bytes(data, "c.json")
    assert [str(p) for p in load.problems] == [
        "c.json:1: currency: 'euro' is not an ISO 4217 code like EUR (field ignored)"
    ]


def test_a_field_holding_a_list_is_ignored() -> None:
    data = b'[{"id": "a", "title": "A", "price": "5 EUR", "brand": ["x"]}]'
    load = load_catalog_bytes(data, "c.json")
    assert load.products[0].brand == ""
    assert [str(p) for p in load.problems] == [
        "c.json:1: brand: is a list or object, not text (field ignored)"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"catalog": []}',
            'c.json: has no "products" list (expected a list of products, '
            'or an object with a "products" list)',
        ),
        (b'{"products": {"a": 1}}', 'c.json: line 1: "products" is not a list'),
        (
            b'"hello"',
            "c.json: is not a catalog this tool reads (expected Google Merchant "
            "Center XML or TSV, a Shopify or WooCommerce product CSV, JSON or YAML)",
        ),
    ],
)
def test_a_json_document_that_is_no_catalog(data: bytes, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog_bytes(data, "c.json")
    assert str(caught.value) == message


def test_yaml_flow_style_named_yaml_falls_back_from_json() -> None:
    load = load_catalog_bytes(b"{products: [{id: a, title: A, price: 5 EUR}]}", "c.yaml")
    assert (load.format, load.products[0].price) == ("yaml", money("5"))
