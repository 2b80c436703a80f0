"""GMC's sale_price_effective_date ("start/end" in ISO 8601) read into a `SaleWindow`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from host.catalog.model import SaleWindow

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_sale_window(text: str) -> tuple[SaleWindow, bool]:
    """The window, and whether a bound had no UTC offset and was read as UTC.

    A date without a time starts at midnight, and as an end it covers the whole day
    (the window ends at the next midnight, exclusive). Either side may be empty.
    """
    parts = text.split("/")
    if len(parts) != 2:
        raise ValueError("expected start/end")
    start, start_naive = _bound(parts[0], end=False)
    end, end_naive = _bound(parts[1], end=True)
    if start is None and end is None:
        raise ValueError("has neither a start nor an end")
    return SaleWindow(start, end), start_naive or end_naive


def _bound(text: str, *, end: bool) -> tuple[datetime | None, bool]:
    text = text.strip()
    if not text:
        return None, False
    try:
        if _DATE_ONLY.fullmatch(text):
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime(day.year, day.month, day.day, tzinfo=UTC), True
        moment = datetime.fromisoformat(text)
    except OverflowError as error:
        raise ValueError("is out of range") from error
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC), True
    return moment, False
