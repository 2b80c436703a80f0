"""The model's answer turned into lines, with the catalog facts each line states."""

from __future__ import annotations

import json
import re
from datetime import datetime

from host.catalog.model import Money, Product
from host.errors import HostcastError
from host.script import spoken
from host.script.line import Line
from host.script.writer import PRODUCT_KINDS

# Some models wrap JSON in a markdown fence despite being told not to.
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
MAX_LINES = 6


class ParseError(HostcastError):
    """The model answered something other than {"lines": [non-empty strings]}."""


def _forms(value: str, said: str, shown: str) -> tuple[str, tuple[str, ...]]:
    return value, tuple(form for form in (said, shown) if form)


Forms = dict[str, tuple[str, tuple[str, ...]]]


def fact_forms(product: Product, lang: str, now: datetime) -> Forms:
    """Each price fact's catalog value and the spoken and shown forms that state it."""

    def money(m: Money) -> tuple[str, tuple[str, ...]]:
        return _forms(str(m), spoken.say_money(m, lang), spoken.show_money(m, lang))

    forms = {"price": money(product.price)}
    if product.sale_active(now) and product.sale_price is not None:
        forms["sale_price"] = money(product.sale_price)
        saved = Money(product.price.amount - product.sale_price.amount, product.price.currency)
        forms["savings"] = money(saved)
        discount = product.discount_percent(now) or 0
        forms["discount"] = _forms(
            str(discount), spoken.say_percent(discount, lang), spoken.show_percent(discount, lang)
        )
    return forms


def _normal(text: str) -> str:
    """Lower case with every kind of space as one plain space, so "19,90\u00a0€" matches."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").lower().split())


def stated_facts(text: str, product: Product, lang: str, now: datetime) -> dict[str, str]:
    """The price facts whose spoken or shown form appears in `text`, with catalog values."""
    said = _normal(text)
    return {
        name: value
        for name, (value, forms) in fact_forms(product, lang, now).items()
        if any(_normal(form) in said for form in forms)
    }


# Bullets, numbering and quotes a model puts around plain-text lines.
_DECORATION = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s+")
_QUOTES = "\"'\u201c\u201d\u00ab\u00bb "


def _plain_texts(answer: str) -> list[str]:
    """The lines of a plain-text answer (small local models rarely keep to JSON).

    Bullets, numbering and quotes are stripped; a line ending in ':' is the model talking
    about its answer ("Here are the lines:"), not something to say, and is dropped.
    """
    texts: list[str] = []
    for raw in answer.splitlines():
        text = _DECORATION.sub("", raw.strip()).strip(_QUOTES)
        if text and not text.endswith(":"):
            texts.append(" ".join(text.split()))
    return texts


def answer_texts(answer: str) -> list[str]:
    """The lines of a {"lines": [...]} answer, or of a plain-text one; ParseError otherwise.

    An answer that starts like JSON must be valid JSON of that shape: a broken one is an
    error, never read out as text.
    """
    fenced = _FENCE.match(answer)
    body = fenced.group(1) if fenced else answer.strip()
    if not body.startswith(("{", "[")):
        texts = _plain_texts(body)
        if not texts:
            raise ParseError(f"model answer has no line to say: {answer[:80]!r}")
        return texts[:MAX_LINES]
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"model answer is not JSON ({exc.msg} at char {exc.pos}): {answer[:80]!r}"
        ) from exc
    lines = data.get("lines") if isinstance(data, dict) else None
    if not isinstance(lines, list) or not lines:
        raise ParseError(f'model answer has no "lines" list: {answer[:80]!r}')
    texts = []
    for i, item in enumerate(lines[:MAX_LINES]):
        if not isinstance(item, str) or not item.strip():
            raise ParseError(f"model answer line {i} is not a non-empty string: {item!r}")
        texts.append(" ".join(item.split()))
    return texts


def parse_lines(
    answer: str,
    product: Product | None,
    kind: str,
    lang: str,
    *,
    now: datetime,
    source: str,
) -> list[Line]:
    """The model's answer as lines: spoken text, the same caption, and the facts stated."""
    about = product if kind in PRODUCT_KINDS else None
    return [
        Line(
            text=text,
            caption=text,
            kind=kind,
            lang=lang,
            product_id=about.id if about is not None else None,
            facts=stated_facts(text, product, lang, now) if product is not None else {},
            source=source,
        )
        for text in answer_texts(answer)
    ]
