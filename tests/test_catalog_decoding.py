"""Catalog bytes become text, whatever the shop's export tool saved them as."""

from __future__ import annotations

import codecs

import pytest

from host.catalog.decoding import decode_catalog
from host.errors import CatalogError

TEXT = "id,title,price\ncreme,Crème brûlée,4,50 €\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
    ],
    ids=["utf-8", "utf-8 bom", "utf-16", "utf-16-be", "utf-32"],
)
def test_unicode_exports_decode_silently(data: bytes) -> None:
    assert decode_catalog(data, "c.csv") == (TEXT, ())


def test_windows_1252_is_the_fallback_and_says_so() -> None:
    text, notices = decode_catalog(TEXT.encode("cp1252"), "c.csv")
    assert text == TEXT
    assert notices == (
        "c.csv is not UTF-8; read it as Windows-1252 (cp1252): save it as UTF-8 "
        "if accents look wrong",
    )


def test_an_xml_declaration_names_a_legacy_encoding() -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><rss>Crème</rss>'
    assert decode_catalog(xml.encode("latin-1"), "f.xml") == (xml, ())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "c.csv: is empty"),
        (b" \r\n\t\n", "c.csv: is empty"),
        (codecs.BOM_UTF8, "c.csv: is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "c.csv: is a binary file, not a catalog"),
        (b"id\x00title", "c.csv: is a binary file, not a catalog"),
        (
            codecs.BOM_UTF8 + b"\xff\xfe\xfd",
            "c.csv: starts with a UTF-8 byte-order mark but is not valid UTF-8",
        ),
        (
            codecs.BOM_UTF16_LE + b"\x00\xd8",
            "c.csv: starts with a UTF-16 byte-order mark but is not valid UTF-16",
        ),
    ],
)
def test_no_text_is_a_catalog_error(data: bytes, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        decode_catalog(data, "c.csv")
    assert str(caught.value) == message
