"""load_catalog: every file either loads or fails with one CatalogError naming it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from host.catalog import CatalogLoad, load_catalog, load_catalog_bytes
from host.errors import CatalogError

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("name", "kind", "products"),
    [
        ("gmc_feed.xml", "gmc_rss", 3),
        ("gmc_atom.xml", "gmc_atom", 2),
        ("gmc_feed.tsv", "gmc_tsv", 2),
        ("gmc_semicolon.csv", "gmc_csv", 4),
        ("shopify_products.csv", "shopify_csv", 3),
        ("woocommerce_products.csv", "woocommerce_csv", 4),
        ("products.json", "json", 4),
        ("products_list.json", "json", 2),
        ("products.yaml", "yaml", 2),
    ],
)
def test_every_fixture_format_loads(name: str, kind: str, products: int) -> None:
    load = load_catalog(FIXTURES / name)
    assert (load.format, len(load.products)) == (kind, products)
    assert load.path == str(FIXTURES / name)


def test_the_format_comes_from_content_not_the_name(tmp_path: Path) -> None:
    misnamed = tmp_path / "export.txt"
    misnamed.write_bytes((FIXTURES / "shopify_products.csv").read_bytes())
    assert load_catalog(misnamed).format == "shopify_csv"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty.csv: is empty"),
        ("not_a_catalog.png", "not_a_catalog.png: is a binary file, not a catalog"),
        ("broken_feed.xml", "broken_feed.xml: broken XML at line 8, column 7: mismatched tag"),
    ],
)
def test_unreadable_files_raise_one_catalog_error_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(FIXTURES / name)
    assert str(caught.value) == message


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "nope.csv")
    assert str(caught.value) == f"{tmp_path / 'nope.csv'}: no such file"
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a catalog file"


def test_a_bad_default_currency_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(FIXTURES / "shopify_products.csv", default_currency="euros")
    assert str(caught.value) == (
        "shopify_products.csv: currency 'euros' is not an ISO 4217 code like EUR"
    )


def test_a_header_alone_loads_nothing_and_says_so() -> None:
    load = load_catalog_bytes(b"id,title,price\n", "c.csv")
    assert (load.products, load.problems) == ((), ())
    assert load.notices == ("the file lists no products",)


def test_summary_of_a_real_file() -> None:
    summary = load_catalog(FIXTURES / "shopify_products.csv").summary()
    assert summary.splitlines()[1:] == [
        "3 products, 5 variants",
        "3 rows skipped:",
        "  shopify_products.csv:13: Status: product is draft, not for sale (row skipped)",
        "  shopify_products.csv:14: Published: product is not published (row skipped)",
        "  shopify_products.csv:15: Variant Price: 'abc' is not a price (row skipped)",
        "Notices:",
        "  prices had no currency; assumed USD — pass --currency",
    ]


# Whatever bytes arrive, the loader answers with a CatalogLoad or a CatalogError.


def load_or_refuse(data: bytes, name: str) -> None:
    try:
        load = load_catalog_bytes(data, name, base_dir=Path("/catalogs"))
    except CatalogError as error:
        assert str(error).startswith(name) and "\n" not in str(error)
    else:
        assert isinstance(load, CatalogLoad)
        load.summary()


NAMES = st.sampled_from(["c.csv", "c.tsv", "c.json", "c.yaml", "c.xml", "c"])


@FUZZ
@given(st.binary(max_size=400), NAMES)
def test_any_bytes(data: bytes, name: str) -> None:
    load_or_refuse(data, name)


@FUZZ
@given(st.text(max_size=200), NAMES)
def test_any_text(text: str, name: str) -> None:
    load_or_refuse(text.encode("utf-8", "surrogatepass"), name)


HEADERS = [
    *("id", "title", "price", "sale price", "availability", "item_group_id", "color"),
    *("sale_price_effective_date", "additional_image_link", "Handle", "Title", "Body (HTML)"),
    *("Variant Price", "Variant Compare At Price", "Option1 Name", "Option1 Value"),
    *("Variant SKU", "Image Src", "Variant Inventory Qty", "Status", "Published", "ID"),
    *("Type", "SKU", "Name", "Regular price", "Sale price", "Parent", "Attribute 1 name"),
    *("Attribute 1 value(s)", "In stock?", "Stock", "Date sale price starts", "Images"),
]
CELLS = st.one_of(
    st.sampled_from(
        [
            *("", "19.90 EUR", "19,90", "1.299,00 €", "-1", "0", "in stock", "variable"),
            *("variation", "simple", "grouped", "id:1", "1", "2026-11-20/2026-11-21", "Title"),
            *("Default Title", "draft", "FALSE", "<p>a</p><li>b", "a\nb", "9" * 25, "TEE"),
        ]
    ),
    st.text(max_size=8),
)


@FUZZ
@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    st.lists(st.lists(CELLS, max_size=9), max_size=6),
    st.sampled_from([",", "\t", ";", "|"]),
)
def test_csv_ish_text_with_real_headers(header: list[str], rows: list[list[str]], sep: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(header)
    writer.writerows(rows)
    load_or_refuse(out.getvalue().encode(), "c.csv")


TAGS = [
    *("channel", "item", "entry", "g:id", "g:title", "title", "g:price", "g:sale_price"),
    *("g:item_group_id", "link", "g:additional_image_link", "language", "g:shipping"),
]
XML_TEXT = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["19.90 EUR", "&amp;", "<![CDATA[<b>x</b>]]>", "<!DOCTYPE x>", "&e;", "<"]),
)
XML = st.recursive(
    XML_TEXT,
    lambda inner: st.builds(
        lambda tag, body: f"<{tag}>{''.join(body)}</{tag}>",
        st.sampled_from(TAGS),
        st.lists(inner, max_size=4),
    ),
    max_leaves=20,
)


@FUZZ
@given(XML, st.sampled_from(["rss", "feed", "html"]))
def test_xml_ish_text(body: str, root: str) -> None:
    xml = f'<{root} xmlns:g="http://base.google.com/ns/1.0">{body}</{root}>'
    load_or_refuse(xml.encode(), "f.xml")


KEYS = st.sampled_from(
    [
        *("id", "title", "price", "sale_price", "variants", "products", "items", "currency"),
        *("language", "availability", "options", "additional_image_link", "color", "brand"),
    ]
)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


@FUZZ
@given(VALUES)
def test_json_and_yaml_documents(value: object) -> None:
    load_or_refuse(json.dumps(value).encode(), "c.json")
    load_or_refuse(yaml.safe_dump(value).encode(), "c.yaml")
