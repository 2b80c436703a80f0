"""Delimited files: the separator sniffed, each record knowing the line it starts on."""

from __future__ import annotations

import pytest

from host.catalog.table import header_names, read_table, sniff_delimiter, squash
from host.errors import CatalogError


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("id\ttitle\tprice", "\t"),
        ("id,title,price", ","),
        ("id;title;price", ";"),
        ("id|title|price", "|"),
        ('"Body, HTML";Title;Price', ";"),
        ("id", ","),
    ],
)
def test_the_separator_comes_from_the_header(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line) == delimiter


def test_headers_compare_loosely() -> None:
    assert squash("Body (HTML)") == squash("body html") == "bodyhtml"
    assert squash("Variant Compare-at Price") == squash("Variant Compare At Price")
    assert squash("g:sale_price") == squash("Sale Price") == "saleprice"


def test_rows_know_their_first_line_across_quoted_line_breaks() -> None:
    text = 'Handle,Body\n\na,"<p>one</p>\n<p>two</p>"\nb,plain\n'
    table = read_table(text, "s.csv")
    assert table.header == ("Handle", "Body")
    assert [(row.line, row.cells[0]) for row in table.rows] == [(3, "a"), (5, "b")]
    assert table.rows[0].cells[1] == "<p>one</p>\n<p>two</p>"


def test_find_by_alias_and_label_by_the_files_own_header() -> None:
    table = read_table("Handle,Body HTML,Compare-at price\nx,y,z\n", "s.csv")
    columns = table.find("Body (HTML)", "Body")
    assert columns == (1,)
    assert table.label(columns, "Body (HTML)") == "Body HTML"
    assert table.label(table.find("Vendor"), "Vendor") == "Vendor"
    assert table.rows[0].value(table.find("Variant Compare At Price", "Compare At Price")) == "z"


def test_short_rows_read_as_blank_cells() -> None:
    table = read_table("id;title;price\nx;y\n", "s.csv")
    assert table.rows[0].value(table.find("price")) == ""


def test_header_names_of_the_first_line() -> None:
    assert header_names("\nid\ttitle\n1\t2\n") == ("id", "title")


def test_a_cell_over_the_csv_limit_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match=r"^big\.csv: broken CSV at line 2: "):
        read_table('id,title\n1,"' + "x" * 200_000 + '"\n', "big.csv")
