"""Which importer a catalog needs, told from its content (the file name only breaks ties)."""

from __future__ import annotations

import re

from host.catalog.table import header_names, squash
from host.errors import CatalogError

_YAML_START = re.compile(r"(---|-\s|-$|[\w\"' .-]+:(\s|$))")
_WOOCOMMERCE = {"regularprice", "instock", "attribute1name", "parent"}
_GMC = {"title", "price", "link", "availability", "imagelink", "description"}


def detect_format(text: str, name: str) -> str:
    """One of "xml", "json", "shopify_csv", "woocommerce_csv", "gmc_table", "yaml"."""
    start = text.lstrip()
    if start.startswith("<"):
        return "xml"
    if start.startswith(("[", "{")):
        return "json"
    columns = {squash(h) for h in header_names(text)}
    if "handle" in columns:
        return "shopify_csv"
    if "sku" in columns and "name" in columns and columns & _WOOCOMMERCE:
        return "woocommerce_csv"
    if "id" in columns and columns & _GMC:
        return "gmc_table"
    if name.lower().endswith((".yaml", ".yml")) or _YAML_START.match(_first_content(text)):
        return "yaml"
    raise CatalogError(
        f"{name}: is not a catalog this tool reads (expected Google Merchant Center XML or "
        "TSV, a Shopify or WooCommerce product CSV, JSON or YAML)"
    )


def _first_content(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""
