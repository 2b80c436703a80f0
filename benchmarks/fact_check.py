"""An independent check of what aired: every figure a caption states, against the catalog.

Written for the model-writer evaluation and kept apart from the guard
(`host/script/guard.py`) on purpose: it shares none of its code, so a mistake in one is
not repeated in the other. It finds every amount of money, percentage, date, weekday and
bare number in a line's caption (the form with the figures) and returns those the
product's catalog entry does not back at the time the line aired.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from host.catalog.model import Product

MONTHS = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}
WEEKDAYS = {
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
TONIGHT = {"en": ("tonight",), "fr": ("ce soir",)}  # "today" says when to buy, not an end
TOMORROW = {"en": ("tomorrow",), "fr": ("demain",)}
_SYMBOL = r"[€$£]"
_CODE = r"(?:EUR|USD|GBP|euros?|dollars?|pounds?)\b"
_AMOUNT = r"\d[\d.,\u00a0\u202f ]*\d|\d"


@dataclass(frozen=True)
class Claim:
    """One false figure a line states: its kind, its text, and why it is false."""

    kind: str  # money, percent, date, weekday, number
    text: str
    why: str


def false_claims(caption: str, product: Product | None, at: datetime, lang: str) -> list[Claim]:
    """The figures in `caption` that `product`'s catalog entry does not back at `at`."""
    facts = _Facts(product, at, lang)
    text = caption.replace("\u00a0", " ").replace("\u202f", " ")
    found: list[Claim] = []
    spans: list[tuple[int, int]] = []

    def check(kind: str, said: str, why: str) -> None:
        if why:
            found.append(Claim(kind, said, why))

    def take(match: re.Match[str]) -> bool:
        if any(a < match.end() and match.start() < b for a, b in spans):
            return False
        spans.append(match.span())
        return True

    for pattern in (rf"({_SYMBOL})\s?({_AMOUNT})", rf"({_AMOUNT})\s?({_SYMBOL}|{_CODE})"):
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if take(match):
                raw = match.group(2) if match.group(1) in "€$£" else match.group(1)
                check("money", match.group(0), facts.money(raw))
    for match in re.finditer(r"(\d+(?:[.,]\d+)?)\s?%", text):
        if take(match):
            check("percent", match.group(0), facts.percent(match.group(1)))
    months = "|".join(MONTHS[lang])
    for pattern in (rf"\b(\d{{1,2}})(?:er)?\s+({months})\b",
                    rf"\b({months})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"):
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if take(match):
                day, month = match.groups() if match.group(1).isdigit() else match.groups()[::-1]
                check("date", match.group(0),
                      facts.day(int(day), MONTHS[lang].index(month.lower()) + 1))
    for match in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        if take(match):
            check("date", match.group(0), facts.day(int(match.group(3)), int(match.group(2))))
    for word in (*WEEKDAYS[lang], *TONIGHT[lang], *TOMORROW[lang]):
        for match in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
            if take(match):
                check("weekday", match.group(0), facts.relative(word))
    for match in re.finditer(r"\d+(?:[.,]\d+)?", text):
        if take(match):
            check("number", match.group(0), facts.number(match.group(0)))
    return found


class _Facts:
    """What the catalog says of one product at one time; each check gives why a figure is
    false, or "" when the catalog backs it."""

    def __init__(self, product: Product | None, at: datetime, lang: str) -> None:
        self.product = product
        self.lang = lang
        self.at = at
        texts = [] if product is None else [
            product.title, product.description, product.brand, product.product_type,
            *product.product_highlights,
            *(v for variant in product.variants
              for v in (variant.title, *variant.options.values())),
        ]
        self.words = " ".join(texts).replace("\u00a0", " ").replace("\u202f", " ")
        self.numbers = {_plain(n) for n in re.findall(r"\d+(?:[.,]\d+)?", self.words)}
        self.on_sale = product is not None and product.sale_active(at)
        self.last_day: date | None = None
        if self.on_sale and product is not None and product.sale_price_effective_date:
            end = product.sale_price_effective_date.end
            if end is not None:
                self.last_day = (end - timedelta(microseconds=1)).date()

    def money(self, raw: str) -> str:
        amount = _amount(raw)
        product = self.product
        if amount is None or product is None:
            return "an amount with no product to back it"
        allowed = {product.price.amount}
        allowed |= {v.price.amount for v in product.variants if v.price is not None}
        if self.on_sale and product.sale_price is not None:
            allowed |= {product.sale_price.amount, product.price.amount - product.sale_price.amount}
            allowed |= {v.sale_price.amount for v in product.variants if v.sale_price is not None}
        if amount in allowed or _plain(raw) in self.numbers:
            return ""
        return (f"{amount} is not a price of {product.id} now "
                f"(allowed: {', '.join(str(a) for a in sorted(allowed))})")

    def percent(self, raw: str) -> str:
        value = float(raw.replace(",", "."))
        product = self.product
        if product is not None and _plain(raw) in self.numbers:
            return ""  # "100 % cotton": the catalog's own words
        if product is not None and self.on_sale and product.sale_price is not None:
            off = float((product.price.amount - product.sale_price.amount) * 100
                        / product.price.amount)
            if math.floor(off) <= value <= off + 1e-9:
                return ""
            return f"the discount is {off:.2f} %, not {raw} %"
        return "a percentage the catalog does not state"

    def day(self, day: int, month: int) -> str:
        last = self.last_day
        if last is not None and (last.day, last.month) == (day, month):
            return ""
        return f"the sale's last day is {last}" if last else "a date with no sale end to back it"

    def relative(self, word: str) -> str:
        last = self.last_day
        today = self.at.date()
        if word in TONIGHT[self.lang]:
            ok = last == today
        elif word in TOMORROW[self.lang]:
            ok = last == today + timedelta(days=1)
        else:
            ok = (last is not None and WEEKDAYS[self.lang][last.weekday()] == word
                  and 0 <= (last - today).days < 7)
            if not ok and word in self.words.lower():
                ok = True  # the catalog's own words ("delivered on Monday")
        return "" if ok else f"the sale's last day is {last}"

    def number(self, text: str) -> str:
        return "" if _plain(text) in self.numbers else "a figure the catalog does not state"


def _plain(number: str) -> str:
    """A number as written, with a decimal comma or point made one form."""
    return number.replace(",", ".").strip()


def _amount(raw: str) -> Decimal | None:
    """An amount as a shop writes it: 27,90 / 27.90 / 1 299,00 / 1,299.00 / 1.299,00."""
    digits = re.sub(r"[ \u00a0\u202f]", "", raw)
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0 and len(digits) - decimal_at - 1 != 2:
        decimal_at = -1  # "1,299" or "1.299": thousands, not cents
    whole = digits if decimal_at < 0 else digits[:decimal_at]
    cents = "" if decimal_at < 0 else digits[decimal_at + 1:]
    whole = whole.replace(".", "").replace(",", "")
    try:
        return Decimal(f"{whole}.{cents or '00'}")
    except InvalidOperation:
        return None
