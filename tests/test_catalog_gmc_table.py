"""Google Merchant Center text feeds in any separator and encoding a spreadsheet saves."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from host.catalog import RowProblem, load_catalog, load_catalog_bytes
from host.catalog.model import Availability, Money

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"


def money(amount: str, currency: str) -> Money:
    return Money(Decimal(amount), currency)


def test_tsv_feed() -> None:
    load = load_catalog(FIXTURES / "gmc_feed.tsv")
    assert load.format == "gmc_tsv"
    earbuds, watch = load.products
    assert (earbuds.price, earbuds.sale_price) == (money("79.99", "USD"), money("59.99", "USD"))
    assert earbuds.sale_price_effective_date is not None
    assert earbuds.sale_price_effective_date.start == datetime(2026, 11, 27, tzinfo=UTC)
    assert earbuds.description == "Clear sound.\n24 h battery."
    assert earbuds.additional_image_links == (
        "https://shop.example.com/img/e2.jpg",
        "https://shop.example.com/img/e3.jpg",
    )
    assert earbuds.brand == "Sonique"
    assert watch.price == money("1299.00", "USD")
    assert watch.availability is Availability.PREORDER
    assert load.problems == (
        RowProblem("gmc_feed.tsv", 4, "title", "missing", True),
        RowProblem("gmc_feed.tsv", 5, "price", "missing", True),
        RowProblem("gmc_feed.tsv", 6, "price", "'-5 USD' is not a price", True),
    )


def test_semicolons_and_decimal_commas() -> None:
    load = load_catalog(FIXTURES / "gmc_semicolon.csv")
    assert load.format == "gmc_csv"
    assert [(p.id, p.price, p.sale_price) for p in load.products] == [
        ("chocolates", money("19.90", "EUR"), money("14.90", "EUR")),
        ("honey", money("19.90", "EUR"), None),
        ("jam", money("1299.00", "EUR"), None),
        ("tea", money("1299.00", "EUR"), None),
    ]
    assert load.products[1].availability is Availability.OUT_OF_STOCK
    assert load.problems == ()


def test_utf8_bom_does_not_hide_the_id_column() -> None:
    load = load_catalog(FIXTURES / "utf8_bom.csv")
    assert [(p.id, p.price, p.sale_price) for p in load.products] == [
        ("box", money("29.00", "EUR"), money("24.50", "EUR")),
        ("bag", money("12", "EUR"), None),
    ]
    assert load.notices == ()


def test_utf16_feed() -> None:
    load = load_catalog(FIXTURES / "utf16_feed.tsv")
    assert [(p.title, p.price) for p in load.products] == [("Matcha Zen", money("1200", "JPY"))]


def test_windows_1252_feed_loads_with_a_notice() -> None:
    load = load_catalog(FIXTURES / "windows_1252.csv")
    assert [(p.title, p.price) for p in load.products] == [
        ("Crème brûlée au café", money("4.50", "EUR")),
        ("Thé vert « Sencha »", money("12.00", "EUR")),
    ]
    assert load.notices == (
        "windows_1252.csv is not UTF-8; read it as Windows-1252 (cp1252): save it as UTF-8 "
        "if accents look wrong",
    )


def test_gmc_prefixed_and_spaced_headers() -> None:
    data = b"g:id|g:title|g:price|Sale Price|g:item_group_id|Color\na|Tee A|10 EUR|8 EUR|t|Red\n"
    load = load_catalog_bytes(data, "feed.txt")
    (product,) = load.products
    assert (product.id, product.sale_price) == ("t", money("8", "EUR"))
    assert product.variants[0].options == {"color": "Red"}


def test_problem_fields_use_the_files_header() -> None:
    load = load_catalog_bytes(b"id,title,price,Sale Price\na,A,10 EUR,12 EUR\n", "c.csv")
    assert [str(p) for p in load.problems] == [
        "c.csv:2: Sale Price: 12.00 EUR is not below the price 10.00 EUR (field ignored)"
    ]


def test_a_bare_sale_price_is_in_the_prices_currency() -> None:
    load = load_catalog_bytes(b"id\ttitle\tprice\tsale_price\na\tA\t10 GBP\t8\n", "c.tsv")
    assert load.products[0].sale_price == money("8", "GBP")
    assert load.notices == ()
