"""Catalog bytes to text: UTF-8 (BOM or not), UTF-16/32 with a BOM, else Windows-1252."""

from __future__ import annotations

import codecs
import re

from host.errors import CatalogError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy encodings an XML declaration may name; anything else falls back to Windows-1252.
_XML_DECLARED = re.compile(
    rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']((?:iso-?8859-\d{1,2}|latin-?1|windows-125\d|"""
    rb"""cp125\d|us-ascii|ascii|shift_jis|euc-jp|euc-kr|gb2312|gbk|gb18030|big5|koi8-[ru]))["']""",
    re.IGNORECASE,
)


def decode_catalog(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """The file's text and any notice about how it was decoded; CatalogError if it is no text."""
    text, notices = _decode(data, name)
    if "\x00" in text:
        raise CatalogError(f"{name}: is a binary file, not a catalog")
    if not text.strip():
        raise CatalogError(f"{name}: is empty")
    return text, notices


def _decode(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff"), ()
            except UnicodeDecodeError as error:
                label = encoding.removesuffix("-sig").upper()
                raise CatalogError(
                    f"{name}: starts with a {label} byte-order mark but is not valid {label}"
                ) from error
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise CatalogError(f"{name}: is a binary file, not a catalog")
    declared = _XML_DECLARED.match(data)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii")), ()
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace"), (
        f"{name} is not UTF-8; read it as Windows-1252 (cp1252): save it as UTF-8 "
        "if accents look wrong",
    )
