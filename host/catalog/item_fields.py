"""The shared rules for one field of one item: parse it, or say why it cannot be used."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from host.catalog.availability import parse_availability
from host.catalog.html_text import clean_line
from host.catalog.model import Availability, Money, SaleWindow
from host.catalog.money import split_money
from host.catalog.raw_item import RawItem, shown
from host.catalog.report import RowProblem
from host.catalog.sale_window import parse_sale_window

CONDITIONS = ("new", "refurbished", "used")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")


@dataclass(frozen=True)
class FeedContext:
    """What the field rules need to know about the file an item came from."""

    file: str
    base_dir: Path | None = None
    default_currency: str | None = None
    language: str = ""
    base_url: str | None = None  # a feed fetched from a URL: relative links resolve there


class FieldReader:
    """Reads fields of raw items, keeping the problems found and the assumptions made."""

    def __init__(self, context: FeedContext) -> None:
        self.context = context
        self.problems: list[RowProblem] = []
        self.assumed_usd = False
        self.assumed_utc = False

    def problem(
        self, item: RawItem, name: str, reason: str, *, skipped: bool, line: int = 0
    ) -> None:
        self.problems.append(
            RowProblem(
                file=self.context.file,
                line=line or item.line_of(name),
                field=item.label(name),
                reason=reason,
                skipped=skipped,
            )
        )

    def required_text(self, item: RawItem, name: str) -> str | None:
        """A required text field (id, title), or None after reporting the row skipped."""
        raw = item.get(name)
        value = raw if name == "id" else clean_line(raw)
        if not value:
            self.problem(item, name, "missing", skipped=True)
            return None
        return value

    def money(
        self, item: RawItem, name: str, *, required: bool, currency: str | None = None
    ) -> Money | None:
        """A price field; a bare number takes `currency`, the item's, the caller's, else USD."""
        raw = item.get(name)
        if not raw:
            if required:
                self.problem(item, name, "missing", skipped=True)
            return None
        try:
            amount, named = split_money(raw)
            money = Money(amount, named or currency or self._assumed_currency(item))
        except ValueError:
            self.problem(item, name, f"{shown(raw)} is not a price", skipped=required)
            return None
        if not money.amount:
            self.problem(item, name, f"{shown(raw)} is zero, not a price", skipped=required)
            return None
        return money

    def sale_price(self, item: RawItem, price: Money) -> Money | None:
        """The sale price when it is a real discount on `price`; else None, reported."""
        sale = self.money(item, "sale_price", required=False, currency=price.currency)
        if sale is None:
            return None
        if sale.currency != price.currency:
            reason = f"{sale} is not in {price.currency} like the price {price}"
        elif sale.amount >= price.amount:
            reason = f"{sale} is not below the price {price}"
        else:
            return sale
        self.problem(item, "sale_price", reason, skipped=False)
        return None

    def sale_window(self, item: RawItem) -> SaleWindow | None:
        raw = item.get("sale_price_effective_date")
        if not raw:
            return None
        try:
            window, naive = parse_sale_window(raw)
        except ValueError:
            reason = f"{shown(raw)} is not a date range (start/end in ISO 8601)"
            self.problem(item, "sale_price_effective_date", reason, skipped=False)
            return None
        self.assumed_utc = self.assumed_utc or naive
        return window

    def availability(self, item: RawItem) -> Availability | None:
        """The stock state, None when not given; an unknown word is reported, read as in stock."""
        raw = item.get("availability")
        if not raw:
            return None
        try:
            return parse_availability(raw)
        except ValueError:
            reason = (
                f"{shown(raw)} is not an availability (in_stock, out_of_stock, preorder, "
                "backorder); treated as in_stock"
            )
            self.problem(item, "availability", reason, skipped=False)
            return Availability.IN_STOCK

    def condition(self, item: RawItem) -> str:
        raw = item.get("condition")
        if not raw:
            return "new"
        if raw.lower() in CONDITIONS:
            return raw.lower()
        reason = f"{shown(raw)} is not a condition (new, refurbished, used); treated as new"
        self.problem(item, "condition", reason, skipped=False)
        return "new"

    def image(self, raw: str) -> str:
        """A URL as written; a relative path made absolute against the catalog's folder, or
        against its URL for a feed fetched from one."""
        raw = raw.strip()
        if not raw or (_URL.match(raw) and not raw.startswith("//")):
            return raw
        if self.context.base_url is not None:
            return urljoin(self.context.base_url, raw)
        base = self.context.base_dir
        if base is None or raw.startswith("//"):
            return raw
        return os.path.normpath(os.path.join(os.fspath(base), raw))

    def _assumed_currency(self, item: RawItem) -> str:
        currency = item.currency or self.context.default_currency
        if currency is None:
            self.assumed_usd = True
            return "USD"
        return currency

    def notices(self) -> list[str]:
        notices = []
        if self.assumed_usd:
            notices.append("prices had no currency; assumed USD — pass --currency")
        if self.assumed_utc:
            notices.append("sale dates had no UTC offset; read them as UTC")
        return notices
