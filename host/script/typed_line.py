"""An operator's typed line, checked like a generated one before it may air."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal, InvalidOperation

from host.catalog.model import Product
from host.script.line import Line

MAX_CHARS = 280
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _clean(text: str) -> str:
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return " ".join(kept.split())


def _numbers(text: str) -> set[Decimal]:
    found = set()
    for match in _NUMBER.findall(text):
        try:
            found.add(Decimal(match.replace(",", ".")).normalize())
        except InvalidOperation:
            continue
    return found


def catalog_numbers(product: Product, now: datetime) -> set[Decimal]:
    """Every number a line about `product` may state: its prices, deal and its own text."""
    allowed = {product.price.amount.normalize()}
    if product.sale_active(now) and product.sale_price is not None:
        allowed.add(product.sale_price.amount.normalize())
        allowed.add((product.price.amount - product.sale_price.amount).normalize())
        allowed.add(Decimal(product.discount_percent(now) or 0).normalize())
    for variant in product.variants:
        if variant.price is not None:
            allowed.add(variant.price.amount.normalize())
    text = " ".join([product.title, product.description, *product.product_highlights])
    return allowed | _numbers(text)


def typed_line(text: str, product: Product | None, lang: str, now: datetime) -> Line:
    """The operator's text as a Line; ValueError says why it may not air."""
    clean = _clean(text)
    if not clean:
        raise ValueError("text: nothing to say")
    if len(clean) > MAX_CHARS:
        raise ValueError(f"text: {len(clean)} characters, at most {MAX_CHARS} for one line")
    stated = _numbers(clean)
    allowed = catalog_numbers(product, now) if product is not None else set()
    invented = sorted(str(n) for n in stated - allowed)
    if invented:
        about = f"the catalog of {product.id!r}" if product is not None else "any product on screen"
        raise ValueError(f"text: states {', '.join(invented)}, not found in {about}")
    return Line(
        text=clean,
        caption=clean,
        kind="operator",
        lang=lang,
        product_id=product.id if product is not None else None,
        source="operator",
    )
