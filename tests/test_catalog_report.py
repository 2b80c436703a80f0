"""What a user reads after an import: one line per problem, and a summary."""

from __future__ import annotations

from decimal import Decimal

from host.catalog.model import Money, Product, Variant
from host.catalog.report import CatalogLoad, RowProblem


def test_a_problem_reads_as_file_line_field_reason() -> None:
    ignored = RowProblem("catalog.csv", 12, "sale_price", "'12,x EUR' is not a price", False)
    skipped = RowProblem("catalog.csv", 14, "price", "missing", True)
    whole_row = RowProblem("catalog.json", 3, "", "is not a product object", True)
    assert str(ignored) == "catalog.csv:12: sale_price: '12,x EUR' is not a price (field ignored)"
    assert str(skipped) == "catalog.csv:14: price: missing (row skipped)"
    assert str(whole_row) == "catalog.json:3: is not a product object (row skipped)"


def test_summary_counts_and_lists_everything() -> None:
    price = Money(Decimal("19.90"), "USD")
    products = (
        Product("tee", "Tee", price, variants=(Variant("tee-s"), Variant("tee-m"))),
        Product("mug", "Mug", price),
    )
    problems = (
        RowProblem("shop.csv", 5, "Variant Price", "'abc' is not a price", True),
        RowProblem("shop.csv", 9, "Status", "product is draft, not for sale", True),
        RowProblem("shop.csv", 11, "Variant Compare At Price", "'x' is not a price", False),
    )
    notices = ("prices had no currency; assumed USD — pass --currency",)
    load = CatalogLoad("exports/shop.csv", "shopify_csv", products, problems, notices)
    assert load.summary().splitlines() == [
        "exports/shop.csv: Shopify product CSV",
        "2 products, 2 variants",
        "2 rows skipped:",
        "  shop.csv:5: Variant Price: 'abc' is not a price (row skipped)",
        "  shop.csv:9: Status: product is draft, not for sale (row skipped)",
        "1 field ignored:",
        "  shop.csv:11: Variant Compare At Price: 'x' is not a price (field ignored)",
        "Notices:",
        "  prices had no currency; assumed USD — pass --currency",
    ]


def test_a_clean_load_summarises_in_two_lines() -> None:
    product = Product("mug", "Mug", Money(Decimal("9"), "EUR"))
    load = CatalogLoad("feed.xml", "gmc_rss", (product,), (), ())
    assert load.summary() == "feed.xml: Google Merchant Center RSS feed\n1 product, 0 variants"
