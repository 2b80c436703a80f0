"""Read any supported catalog file into products, the rows it refused, and what it assumed."""

from __future__ import annotations

import re
from pathlib import Path

from host.catalog.assemble import assemble
from host.catalog.decoding import decode_catalog
from host.catalog.detect import detect_format
from host.catalog.gmc_table import read_gmc_table
from host.catalog.gmc_xml import read_gmc_xml
from host.catalog.item_fields import FeedContext
from host.catalog.raw_item import ParsedFeed
from host.catalog.report import CatalogLoad
from host.catalog.shopify_csv import read_shopify
from host.catalog.structured_feed import read_structured
from host.catalog.structured_tree import json_tree, yaml_tree
from host.catalog.table import read_table
from host.catalog.woocommerce_csv import read_woocommerce
from host.errors import CatalogError

_ISO_CODE = re.compile(r"[A-Z]{3}")


def load_catalog(path: str | Path, *, default_currency: str | None = None) -> CatalogLoad:
    """Load a catalog file; CatalogError when it cannot be read at all."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise CatalogError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise CatalogError(f"{path}: is a folder, not a catalog file") from error
    except PermissionError as error:
        raise CatalogError(f"{path}: cannot be read (permission denied)") from error
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read ({error.strerror or error})") from error
    loaded = load_catalog_bytes(
        data, path.name, base_dir=path.parent.absolute(), default_currency=default_currency
    )
    return CatalogLoad(str(path), loaded.format, loaded.products, loaded.problems, loaded.notices)


def load_catalog_bytes(
    data: bytes,
    name: str,
    *,
    base_dir: Path | None = None,
    default_currency: str | None = None,
    base_url: str | None = None,
) -> CatalogLoad:
    """Load a catalog from its bytes; `name` names it in messages; `base_dir` anchors
    relative image paths, or `base_url` for a feed fetched from that URL."""
    currency = _currency(default_currency, name)
    text, decoding_notices = decode_catalog(data, name)
    feed = _read(text, name)
    context = FeedContext(name, base_dir, currency, feed.language, base_url)
    assembly = assemble(feed.items, context)
    problems = sorted([*feed.problems, *assembly.problems], key=lambda p: p.line)
    notices = [*decoding_notices, *feed.notices, *assembly.notices]
    if not assembly.products and not problems:
        notices.append("the file lists no products")
    return CatalogLoad(name, feed.format, tuple(assembly.products), tuple(problems), tuple(notices))


def _read(text: str, name: str) -> ParsedFeed:
    kind = detect_format(text, name)
    if kind == "xml":
        return read_gmc_xml(text, name)
    if kind == "json":
        try:
            return read_structured(json_tree(text, name), name, "json")
        except CatalogError:
            if not name.lower().endswith((".yaml", ".yml")):
                raise
        kind = "yaml"  # YAML's flow style looks like JSON but is not always valid JSON
    if kind == "yaml":
        return read_structured(yaml_tree(text, name), name, "yaml")
    table = read_table(text, name)
    if kind == "shopify_csv":
        return read_shopify(table, name)
    if kind == "woocommerce_csv":
        return read_woocommerce(table, name)
    return read_gmc_table(table, name)


def _currency(code: str | None, name: str) -> str | None:
    if code is None:
        return None
    upper = code.strip().upper()
    if not _ISO_CODE.fullmatch(upper):
        raise CatalogError(f"{name}: currency {code!r} is not an ISO 4217 code like EUR")
    return upper
