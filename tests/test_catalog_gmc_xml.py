"""Google Merchant Center XML feeds: RSS items, Atom entries, refused DTDs, broken XML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from host.catalog import RowProblem, load_catalog, load_catalog_bytes
from host.catalog.gmc_xml import read_gmc_xml
from host.catalog.model import Availability, Money
from host.errors import CatalogError

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_rss_feed_products_prices_and_details() -> None:
    load = load_catalog(FIXTURES / "gmc_feed.xml")
    assert load.format == "gmc_rss"
    serum, _, mug = load.products
    assert (serum.id, serum.title, serum.brand) == ("serum-vitc", "Vitamin C Glow Serum", "Aurore")
    assert serum.price == eur("39.90")  # not the shipping block's 4.90
    assert serum.sale_price == eur("27.90")
    cet = timezone(timedelta(hours=1))
    assert serum.sale_price_effective_date is not None
    assert serum.sale_price_effective_date.start == datetime(2026, 11, 20, tzinfo=cet)
    assert serum.sale_price_effective_date.end == datetime(2026, 11, 29, 23, 59, tzinfo=cet)
    assert serum.discount_percent(datetime(2026, 11, 25, tzinfo=UTC)) == 30
    assert serum.description == "A light serum for every day.\nAbsorbs in seconds.\nFragrance free."
    assert serum.product_highlights == ("15 % stabilised vitamin C", "30 ml glass bottle")
    assert serum.product_type == "Beauty > Skincare"
    assert serum.custom_labels == ("black-friday",)
    assert serum.image_link == "https://shop.example.com/img/serum.jpg"
    assert serum.additional_image_links == (
        "https://shop.example.com/img/serum-2.jpg",
        str(FIXTURES / "images" / "serum-box.jpg"),
    )
    assert serum.link == "https://shop.example.com/products/serum"
    assert serum.content_language == "fr"  # from the channel's <language>
    assert serum.source == "gmc_feed.xml:8"
    assert mug.price == eur("12.00") and mug.sale_price is None


def test_an_item_group_becomes_one_product_with_three_variants() -> None:
    tee = load_catalog(FIXTURES / "gmc_feed.xml").products[1]
    assert (tee.id, tee.title, tee.item_group_id) == ("tee", "Organic Cotton Tee", "tee")
    assert [(v.id, v.price, v.sale_price, v.availability) for v in tee.variants] == [
        ("tee-navy-m", eur("19.90"), None, Availability.IN_STOCK),
        ("tee-white-l", eur("17.90"), eur("14.90"), Availability.OUT_OF_STOCK),
        ("tee-red-xl", eur("21.90"), None, Availability.PREORDER),
    ]
    assert tee.variants[2].options == {"color": "Red", "size": "XL", "material": "Cotton"}
    assert tee.variants[0].image_link == "https://shop.example.com/img/tee-navy.jpg"
    # White L is cheaper but sold out: the host quotes what a viewer can buy.
    assert (tee.price, tee.sale_price) == (eur("19.90"), None)
    assert tee.availability is Availability.IN_STOCK
    assert tee.description == "Soft organic cotton."


def test_rss_feed_problems_name_the_line_of_the_field() -> None:
    load = load_catalog(FIXTURES / "gmc_feed.xml")
    assert load.problems == (
        RowProblem(
            "gmc_feed.xml",
            69,
            "sale_price",
            "9.00 USD is not in EUR like the price 12.00 EUR",
            False,
        ),
        RowProblem(
            "gmc_feed.xml",
            70,
            "availability",
            "'maybe' is not an availability (in_stock, out_of_stock, preorder, backorder); "
            "treated as in_stock",
            False,
        ),
        RowProblem("gmc_feed.xml", 75, "price", "'12,x EUR' is not a price", True),
        RowProblem("gmc_feed.xml", 78, "id", "duplicate id 'serum-vitc' (first on line 9)", True),
    )


def test_atom_feed() -> None:
    load = load_catalog(FIXTURES / "gmc_atom.xml")
    assert load.format == "gmc_atom"
    honey, coffee = load.products
    assert honey.price == Money(Decimal("5"), "GBP")
    assert honey.link == "https://shop.example.com/products/honey"
    assert honey.description == "Raw & unfiltered honey from the Cévennes."
    assert coffee.link == "https://shop.example.com/products/coffee"
    assert coffee.sale_price_effective_date is not None
    assert coffee.sale_price_effective_date.end == datetime(2026, 12, 1, tzinfo=UTC)
    assert load.notices == ("sale dates had no UTC offset; read them as UTC",)


def test_a_gmc_value_wins_over_the_plain_rss_one() -> None:
    xml = (
        '<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item>'
        "<title>Plain</title><g:title>Merchant</g:title><g:id>a</g:id><g:price>1 EUR</g:price>"
        "</item></channel></rss>"
    )
    assert read_gmc_xml(xml, "f.xml").items[0].get("title") == "Merchant"


def test_broken_xml_names_file_line_and_column() -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(FIXTURES / "broken_feed.xml")
    assert str(caught.value) == "broken_feed.xml: broken XML at line 8, column 7: mismatched tag"


def test_entity_declarations_are_refused() -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(FIXTURES / "entities_feed.xml")
    assert str(caught.value) == (
        "entities_feed.xml: line 2: DOCTYPE and entity declarations are refused "
        "(they can expand without limit or read other files)"
    )


def test_an_external_dtd_is_refused_before_anything_is_read() -> None:
    xml = b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss/>'
    with pytest.raises(CatalogError, match="DOCTYPE and entity declarations are refused"):
        load_catalog_bytes(xml, "f.xml")


def test_other_xml_is_not_a_feed() -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog_bytes(b"<html><body/></html>", "page.xml")
    assert (
        str(caught.value) == "page.xml: XML root is <html>, not a Merchant Center <rss> or <feed>"
    )
