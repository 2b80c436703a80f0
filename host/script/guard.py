"""The guardrail every line passes before air: numbers, dates and claims against the catalog."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from host.catalog.model import Money, Product
from host.script import spoken
from host.script.audit import AuditLog
from host.script.claims import CATALOG_MAY_STATE, DEFAULT_DENY_LIST, DenyList, fold
from host.script.line import Line
from host.script.prose import WORD, is_common_word, prose_reasons
from host.script.stated import (
    DEADLINES,
    FREE,
    MONEY,
    NEXT_DAY_DEADLINES,
    PERCENT,
    SAME_DAY_DEADLINES,
    dates_named,
    figures,
    leftover_numbers,
    phrases_pattern,
    remove,
)


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


MAX_CHARS = 400


@dataclass(frozen=True)
class Verdict:
    """Whether a line may air, and every reason it may not."""

    ok: bool
    reasons: tuple[str, ...] = ()


@dataclass
class _Allowed:
    """What a line about one product may state at one instant."""

    money: set[tuple[Decimal, str]] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)
    numbers: set[Decimal] = field(default_factory=set)
    phrases: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    deadlines: set[str] = field(default_factory=set)
    catalog_text: str = ""
    free: bool = False


def _catalog_text(product: Product) -> str:
    variants = [v.title for v in product.variants] + [
        value for v in product.variants for value in v.options.values()
    ]
    return fold(
        " ".join([product.title, product.description, *product.product_highlights, *variants])
    )


@lru_cache(maxsize=4096)
def _money_forms(m: Money) -> tuple[str, ...]:
    return tuple(
        fold(form(m, lang))
        for lang in spoken.SUPPORTED_LANGS
        for form in (spoken.say_money, spoken.show_money)
    )


@lru_cache(maxsize=4096)
def _number_forms(n: Decimal, percent: bool) -> tuple[str, ...]:
    forms = [fold(spoken.say_number(n, lang)) for lang in spoken.SUPPORTED_LANGS]
    if percent and n == n.to_integral_value():
        for lang in spoken.SUPPORTED_LANGS:
            forms += [
                fold(spoken.say_percent(int(n), lang)),
                fold(spoken.show_percent(int(n), lang)),
            ]
    return tuple(forms)


def _add_money(allowed: _Allowed, m: Money) -> None:
    allowed.money.add((m.amount.normalize(), m.currency))
    allowed.numbers.add(m.amount.normalize())
    allowed.phrases.update(_money_forms(m))


def _add_number(allowed: _Allowed, n: Decimal, percent: bool) -> None:
    allowed.numbers.add(n.normalize())
    if percent:
        allowed.percents.add(n.normalize())
    allowed.phrases.update(_number_forms(n, percent))


def _add_sale_end(allowed: _Allowed, end: datetime, now: datetime) -> None:
    last = (end - timedelta(microseconds=1)).astimezone(end.tzinfo)
    days = spoken.days_left(end, now)
    for lang in spoken.SUPPORTED_LANGS:
        allowed.phrases.add(fold(spoken.say_until(end, now, lang)))
        allowed.phrases.add(fold(spoken.show_until(end, now, lang)))
        locale = "fr_FR" if lang == "fr" else "en_US"
        for pattern in ("EEEE", "MMMM"):
            allowed.words.add(fold(format_date(last.date(), pattern, locale=locale)))
    for n in (last.day, end.hour, end.minute, days):
        _add_number(allowed, Decimal(n), percent=False)
    if days == 0:
        allowed.deadlines |= SAME_DAY_DEADLINES
    elif days == 1:
        allowed.deadlines |= NEXT_DAY_DEADLINES


def allowed_for(product: Product, now: datetime) -> _Allowed:
    """Every figure, word and deadline a line about `product` may state at `now`."""
    allowed = _Allowed(catalog_text=_catalog_text(product))
    _add_money(allowed, product.price)
    allowed.free = product.price.amount == 0
    if product.sale_active(now) and product.sale_price is not None:
        _add_money(allowed, product.sale_price)
        _add_money(
            allowed, Money(product.price.amount - product.sale_price.amount, product.price.currency)
        )
        _add_number(allowed, Decimal(product.discount_percent(now) or 0), percent=True)
        window = product.sale_price_effective_date
        if window is not None and window.end is not None and window.end > now:
            _add_sale_end(allowed, window.end, now)
    for variant in product.variants:
        for m in (variant.price, variant.sale_price if product.sale_active(now) else None):
            if m is not None:
                _add_money(allowed, m)
                allowed.free |= m.amount == 0
    said, _ = figures(allowed.catalog_text)
    for figure in said:
        for value in figure.values:
            if figure.kind == MONEY:
                allowed.money |= {(value, code) for code in figure.currencies}
            _add_number(allowed, value, percent=figure.kind == PERCENT)
    allowed.words |= set(WORD.findall(allowed.catalog_text))
    return allowed


def _number_reasons(text: str, allowed: _Allowed) -> list[str]:
    """Why the numbers, prices and dates `text` states are not the catalog's."""
    rest = phrases_pattern(tuple(sorted(allowed.phrases))).sub(" ", fold(text))
    reasons = [
        f"names the day or month {word!r}, not the sale's end"
        for word in dates_named(rest)
        if word not in allowed.words
    ]
    said, rest = figures(rest)
    for figure in said:
        if figure.kind == MONEY:
            ok = any(
                (value, code) in allowed.money or (not figure.currencies and value == amount)
                for value in figure.values
                for amount, code in allowed.money
                if not figure.currencies or code in figure.currencies
            )
        elif figure.kind == PERCENT:
            ok = bool(figure.values & allowed.percents)
        else:
            ok = bool(figure.values & allowed.numbers)
        if not ok:
            reasons.append(f"states {figure.kind} {figure.said!r}, not in the catalog")
    for words in leftover_numbers(rest):
        if any(word not in allowed.words for word in words.split()):
            reasons.append(f"states the number or price {words!r}, not in the catalog")
    for deadline in DEADLINES:
        if deadline not in allowed.deadlines and remove(rest, deadline) != rest:
            reasons.append(f"states the deadline {deadline!r}, not the sale's end")
    for match in FREE.finditer(rest):
        if not allowed.free and not _catalog_compound(rest, match, allowed.catalog_text):
            reasons.append(f"states a price: {match.group(0)!r}, the catalog price is not zero")
    return reasons


def _catalog_compound(text: str, match: re.Match[str], catalog_text: str) -> bool:
    """Whether "free" is part of a compound the catalog itself uses: "fragrance free"."""
    before = WORD.findall(text[: match.start()])
    if not before or is_common_word(before[-1]):
        return False  # "everything is free" is a price claim, whoever wrote it
    word = match.group(0)
    return any(f"{before[-1]}{sep}{word}" in catalog_text for sep in (" ", "-"))


def _dedupe(reasons: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(reasons))


def origin(line: Line) -> str:
    """Who wrote `line`, as the guard counts it: template, model, operator or answer."""
    if line.kind in ("operator", "answer"):
        return line.kind
    return "model" if line.source.startswith("llm:") else "template"


class PriceGuard:
    """Refuses a line whose numbers, dates or claims the catalog does not back."""

    def __init__(
        self,
        now: Callable[[], datetime],
        deny: DenyList | None = None,
        audit: Path | None = None,
    ) -> None:
        self._now = now
        self._deny = deny or DEFAULT_DENY_LIST
        self.audit = AuditLog(audit) if audit is not None else None
        # One guard checks every line of a show, from the producer, the page and the chat
        # threads: what it checked and refused, by who wrote the line, under one lock.
        self._lock = threading.Lock()
        self.checked: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()

    def counts(self) -> dict[str, dict[str, int]]:
        """Lines checked and refused so far, by origin: template, model, operator, answer."""
        with self._lock:
            return {"checked": dict(self.checked), "refused": dict(self.refused)}

    @property
    def refused_total(self) -> int:
        with self._lock:
            return sum(self.refused.values())

    def check(self, line: Line, product: Product | None) -> Verdict:
        """The verdict on `line` about `product` (None: a line about no product)."""
        with self._lock:
            self.checked[origin(line)] += 1
        now = self._now()
        try:
            lang = spoken.check_lang(line.lang)
        except ValueError as err:
            return self._refused(line, product, line.lang, now, [str(err)])
        allowed = allowed_for(product, now) if product is not None else _Allowed()
        reasons: list[str] = []
        for name, said in (("text", line.text), ("caption", line.caption)):
            if len(said) > MAX_CHARS:
                reasons.append(f"{name}: {len(said)} characters, at most {MAX_CHARS}")
            reasons += [f"{name}: {why}" for why in _number_reasons(said, allowed)]
            for claim, matched in self._deny.hits(said):
                if (
                    claim.category in CATALOG_MAY_STATE
                    and remove(allowed.catalog_text, matched) != allowed.catalog_text
                ):
                    continue
                shown = matched if "{n}" in claim.phrase else claim.phrase
                reasons.append(f"{name}: {claim.category} claim {shown!r} is not allowed")
            reasons += [f"{name}: {why}" for why in prose_reasons(said, lang)]
        if reasons:
            return self._refused(line, product, lang, now, reasons)
        return Verdict(True)

    def _refused(
        self, line: Line, product: Product | None, lang: str, now: datetime, reasons: list[str]
    ) -> Verdict:
        verdict = Verdict(False, _dedupe(reasons))
        with self._lock:
            self.refused[origin(line)] += 1
        if self.audit is not None:
            about = product.id if product is not None else line.product_id
            self.audit.refused(replace(line, lang=lang), about, now, verdict.reasons)
        return verdict
