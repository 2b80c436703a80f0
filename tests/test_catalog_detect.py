"""Formats are told from content, so a misnamed export still loads."""

from __future__ import annotations

import pytest

from host.catalog.detect import detect_format
from host.errors import CatalogError


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('<?xml version="1.0"?>\n<rss/>', "xml"),
        ("  <feed/>", "xml"),
        ('[{"id": 1}]', "json"),
        ('{"products": []}', "json"),
        ("Handle,Title,Body (HTML),Variant Price\n", "shopify_csv"),
        ("ID,Type,SKU,Name,Published,Regular price\n", "woocommerce_csv"),
        ("id\ttitle\tprice\n", "gmc_table"),
        ("g:id;g:title;g:price\n", "gmc_table"),
        ("- id: a\n  title: b\n", "yaml"),
        ("# catalog\nproducts:\n  - id: a\n", "yaml"),
    ],
)
def test_content_decides(text: str, kind: str) -> None:
    assert detect_format(text, "export.txt") == kind


def test_a_yaml_name_breaks_the_tie() -> None:
    assert detect_format("just words", "catalog.yml") == "yaml"


def test_unknown_content_is_a_catalog_error_naming_the_file() -> None:
    with pytest.raises(CatalogError, match=r"^notes\.txt: is not a catalog this tool reads"):
        detect_format("Dear customer,\nthank you for your order.", "notes.txt")
