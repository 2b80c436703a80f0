"""What templates may say about a product: plain data, and facts that record being said."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from host.catalog.model import Availability, Money, Product
from host.script import spoken
from host.script.templates import clause

SPEECH = "speech"
CAPTION = "caption"


class FactLog:
    """The facts one rendering stated, keyed by name, with their catalog value."""

    def __init__(self) -> None:
        self.stated: dict[str, str] = {}


@dataclass(frozen=True)
class Fact:
    """A catalog value as a template shows it; printing it records that it was stated."""

    name: str
    value: str  # the catalog's value, canonical: "19.90 EUR", "30", an ISO date
    text: str  # spoken words or caption text, by rendering mode
    log: FactLog

    def __str__(self) -> str:
        self.log.stated[self.name] = self.value
        return self.text


def _money(name: str, amount: Money, mode: str, lang: str, log: FactLog) -> Fact:
    text = spoken.say_money(amount, lang) if mode == SPEECH else spoken.show_money(amount, lang)
    return Fact(name, str(amount), text, log)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def _first_sentence(text: str, limit: int = 200) -> str:
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0] if text.strip() else ""
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def product_context(
    product: Product, lang: str, mode: str, now: datetime, log: FactLog
) -> dict[str, Any]:
    """The names a product template can use; money, percentages and dates are facts."""
    options = product.option_values(available_only=True)
    sizes = options.get("size", [])
    colors = [clause(color) for color in options.get("color", [])]
    on_sale = product.sale_active(now)
    variant_prices = {v.price for v in product.variants if v.price is not None}
    context: dict[str, Any] = {
        "title": product.title,
        "brand": product.brand,
        "category": product.product_type.split(">")[-1].strip(),
        "summary": _first_sentence(product.description),
        "highlights": list(product.product_highlights),
        "sizes": sizes,
        "colors": colors,
        "size_list": spoken.join_words(sizes, lang),
        "color_list": spoken.join_words(colors, lang),
        "orderable": product.orderable,
        "preorder": product.availability is Availability.PREORDER,
        "price_varies": len(variant_prices | {product.price}) > 1,
        "on_sale": on_sale,
        "has_link": bool(product.link),
        "price": _money("price", product.price, mode, lang, log),
    }
    if on_sale and product.sale_price is not None:
        discount = product.discount_percent(now) or 0
        saved = Money(product.price.amount - product.sale_price.amount, product.price.currency)
        context["sale_price"] = _money("sale_price", product.sale_price, mode, lang, log)
        context["savings"] = _money("savings", saved, mode, lang, log)
        percent = spoken.say_percent if mode == SPEECH else spoken.show_percent
        context["discount"] = Fact("discount", str(discount), percent(discount, lang), log)
        context["discount_value"] = discount
        window = product.sale_price_effective_date
        if window is not None and window.end is not None and window.end > now:
            until = spoken.say_until if mode == SPEECH else spoken.show_until
            context["until"] = Fact(
                "sale_ends", window.end.isoformat(), until(window.end, now, lang), log
            )
            context["days_left"] = spoken.days_left(window.end, now)
    return context
