"""The shared rules every importer ends in: required fields, duplicates, groups, variants."""

from __future__ import annotations

from decimal import Decimal

from host.catalog.assemble import assemble
from host.catalog.item_fields import FeedContext
from host.catalog.model import Availability, Money
from host.catalog.raw_item import RawItem
from host.catalog.report import RowProblem

CONTEXT = FeedContext("feed.tsv", default_currency="EUR", language="fr")


def raw(line: int, **fields: str) -> RawItem:
    return RawItem(line=line, fields=dict(fields))


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_required_fields_skip_the_row_and_the_rest_loads() -> None:
    result = assemble(
        [
            raw(2, id="a", title="Apple", price="1.20"),
            raw(3, id="b", price="2"),
            raw(4, title="Nameless", price="2"),
            raw(5, id="c", title="Cherry"),
            raw(6, id="d", title="Date", price="soon"),
        ],
        CONTEXT,
    )
    assert [p.id for p in result.products] == ["a"]
    assert result.products[0].price == eur("1.20")
    assert result.products[0].source == "feed.tsv:2"
    assert result.products[0].content_language == "fr"
    assert result.problems == [
        RowProblem("feed.tsv", 3, "title", "missing", True),
        RowProblem("feed.tsv", 4, "id", "missing", True),
        RowProblem("feed.tsv", 5, "price", "missing", True),
        RowProblem("feed.tsv", 6, "price", "'soon' is not a price", True),
    ]


def test_a_duplicate_id_points_at_the_first_line() -> None:
    result = assemble(
        [raw(2, id="a", title="A", price="1"), raw(9, id="a", title="A again", price="2")],
        CONTEXT,
    )
    assert [p.title for p in result.products] == ["A"]
    assert result.problems == [
        RowProblem("feed.tsv", 9, "id", "duplicate id 'a' (first on line 2)", True)
    ]


def test_a_broken_row_does_not_claim_its_id() -> None:
    result = assemble(
        [raw(2, id="a", title="A", price="x"), raw(3, id="a", title="A", price="2")], CONTEXT
    )
    assert [p.price for p in result.products] == [eur("2")]


def test_optional_fields_are_ignored_alone() -> None:
    result = assemble(
        [
            raw(
                2,
                id="a",
                title="A",
                price="10 EUR",
                sale_price="12 EUR",
                sale_price_effective_date="next week",
                condition="mint",
            )
        ],
        CONTEXT,
    )
    (product,) = result.products
    assert product.sale_price is None and product.sale_price_effective_date is None
    assert product.condition == "new"
    assert {(p.line, p.field, p.skipped) for p in result.problems} == {
        (2, "sale_price", False),
        (2, "sale_price_effective_date", False),
        (2, "condition", False),
    }


def test_items_sharing_an_item_group_id_become_one_product() -> None:
    result = assemble(
        [
            raw(
                2,
                id="tee-m",
                title="Tee - Navy / M",
                price="19.90",
                item_group_id="tee",
                color="Navy",
                size="M",
                availability="out_of_stock",
            ),
            raw(3, id="mug", title="Mug", price="9"),
            raw(
                4,
                id="tee-l",
                title="Tee - White / L",
                price="17.90",
                item_group_id="tee",
                color="White",
                size="L",
                availability="out_of_stock",
            ),
            raw(
                5,
                id="tee-xl",
                title="Tee - Red / XL",
                price="21.90",
                sale_price="18.90",
                item_group_id="tee",
                color="Red",
                size="XL",
            ),
        ],
        CONTEXT,
    )
    tee, mug = result.products
    assert (tee.id, tee.title, tee.item_group_id, mug.id) == ("tee", "Tee", "tee", "mug")
    assert [v.id for v in tee.variants] == ["tee-m", "tee-l", "tee-xl"]
    assert tee.option_values() == {"color": ["Navy", "White", "Red"], "size": ["M", "L", "XL"]}
    # Priced from the variant a viewer can buy now, not from a sold-out cheaper one.
    assert (tee.price, tee.sale_price) == (eur("21.90"), eur("18.90"))
    assert tee.availability is Availability.IN_STOCK
    assert tee.source == "feed.tsv:2"


def test_a_group_of_sold_out_items_is_sold_out() -> None:
    result = assemble(
        [
            raw(2, id="a", title="A", price="5", item_group_id="g", availability="out of stock"),
            raw(3, id="b", title="B", price="4", item_group_id="g", availability="out of stock"),
        ],
        CONTEXT,
    )
    (product,) = result.products
    assert product.availability is Availability.OUT_OF_STOCK
    assert product.price == eur("4")


def test_nested_variants_follow_or_set_the_price() -> None:
    with_price = raw(2, id="scarf", title="Scarf", price="35")
    with_price.variants = [raw(3, id="scarf-red", color="Red"), raw(4, id="scarf-blue", price="30")]
    without = raw(5, id="hoodie", title="Hoodie")
    without.variants = [raw(6, id="h-s", price="49"), raw(7, id="h-m")]
    result = assemble([with_price, without], CONTEXT)
    scarf, hoodie = result.products
    assert scarf.price == eur("35")
    assert [(v.id, v.price) for v in scarf.variants] == [
        ("scarf-red", None),
        ("scarf-blue", eur("30")),
    ]
    assert hoodie.price == eur("49")
    assert [v.id for v in hoodie.variants] == ["h-s"]
    assert result.problems == [RowProblem("feed.tsv", 7, "price", "missing", True)]


def test_a_variant_in_another_currency_is_refused() -> None:
    product = raw(2, id="p", title="P")
    product.variants = [raw(3, id="p1", price="10 EUR"), raw(4, id="p2", price="9 USD")]
    result = assemble([product], CONTEXT)
    assert [v.id for v in result.products[0].variants] == ["p1"]
    assert result.problems[0].reason == "9.00 USD is not in EUR like the rest of the product"


def test_no_priced_variant_means_no_product() -> None:
    product = raw(2, id="p", title="P")
    product.variants = [raw(3, id="p1", price="free")]
    result = assemble([product], CONTEXT)
    assert result.products == []
    assert [(p.line, p.field) for p in result.problems] == [(2, "price"), (3, "price")]


def test_list_fields_and_custom_labels() -> None:
    item = raw(
        2,
        id="a",
        title="A",
        price="1",
        custom_label_0="sale",
        custom_label_2="gift",
        description="<p>Hi <b>there</b></p>",
    )
    item.lists = {"product_highlight": ["Soft", " "], "additional_image_link": ["https://x/1.jpg"]}
    (product,) = assemble([item], CONTEXT).products
    assert product.product_highlights == ("Soft",)
    assert product.additional_image_links == ("https://x/1.jpg",)
    assert product.custom_labels == ("sale", "", "gift")
    assert product.description == "Hi there"
