"""Renders every template variant against sample products before anything airs."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from host.catalog.model import Availability, Money, Product, SaleWindow, Variant
from host.errors import TemplateError
from host.script.line import Line
from host.script.templates import Variant as TemplateVariant

RenderPair = Callable[[TemplateVariant, Product | None, dict[str, Any], datetime], Line | None]

_NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
_DIGIT = re.compile(r"\d")


def _samples() -> list[Product]:
    """Products with no digit in their text, so any digit spoken comes from a template."""
    eur = "EUR"
    on_sale = Product(
        id="sample-sale",
        title="Sample Serum",
        brand="Sample Brand",
        price=Money(Decimal("39.90"), eur),
        sale_price=Money(Decimal("27.90"), eur),
        sale_price_effective_date=SaleWindow(_NOW - timedelta(days=1), _NOW + timedelta(days=3)),
        description="A light serum. It absorbs fast.",
        product_highlights=("Light texture", "Absorbs fast"),
        product_type="Beauty > Skincare",
        link="https://shop.example/serum",
        variants=(
            Variant("s-navy-m", {"color": "Navy", "size": "M"}),
            Variant("s-white-l", {"color": "White", "size": "L"}),
        ),
    )
    plain = Product(id="sample-plain", title="Sample Mug", price=Money(Decimal("12.50"), eur))
    sold_out = Product(
        id="sample-out",
        title="Sample Candle",
        price=Money(Decimal("19.90"), eur),
        availability=Availability.OUT_OF_STOCK,
    )
    preorder = Product(
        id="sample-pre",
        title="Sample Watch",
        price=Money(Decimal("149"), eur),
        availability=Availability.PREORDER,
    )
    return [on_sale, plain, sold_out, preorder]


def check_variants(
    variants: dict[tuple[str, str], list[TemplateVariant]], render_pair: RenderPair
) -> None:
    """Raise TemplateError, naming file and line, for any variant that fails or invents a number."""
    for (_, kind), group in variants.items():
        for variant in group:
            for product in _samples():
                extra = {"highlight": "Light texture"} if kind == "features" else {}
                if kind == "deal" and not product.sale_active(_NOW):
                    continue
                if kind == "urgency" and product.id != "sample-sale":
                    continue
                line = render_pair(variant, product, extra, _NOW)
                if line is not None and _DIGIT.search(line.text):
                    raise TemplateError(
                        f"{variant.where}: states a number that is not a catalog fact: "
                        f"{line.text!r} (print prices, discounts and dates through their "
                        "variables, never as digits)"
                    )
