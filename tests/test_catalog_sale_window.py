"""GMC sale dates ("start/end") read into an aware, end-exclusive window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from host.catalog.sale_window import parse_sale_window

CET = timezone(timedelta(hours=1))


def test_gmc_range_with_offsets() -> None:
    window, naive = parse_sale_window("2026-11-20T00:00+01:00/2026-11-29T23:59+01:00")
    assert window.start == datetime(2026, 11, 20, 0, 0, tzinfo=CET)
    assert window.end == datetime(2026, 11, 29, 23, 59, tzinfo=CET)
    assert not naive


def test_seconds_and_zulu() -> None:
    window, naive = parse_sale_window("2026-11-20T08:30:15Z/2026-11-21T08:30:15Z")
    assert window.start == datetime(2026, 11, 20, 8, 30, 15, tzinfo=UTC)
    assert not naive


def test_dates_only_cover_whole_days_in_utc() -> None:
    window, naive = parse_sale_window("2026-11-27/2026-11-30")
    assert window.start == datetime(2026, 11, 27, tzinfo=UTC)
    assert window.end == datetime(2026, 12, 1, tzinfo=UTC)  # all of the 30th, exclusive
    assert window.contains(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    assert not window.contains(datetime(2026, 12, 1, tzinfo=UTC))
    assert naive


def test_no_offset_is_read_as_utc_and_flagged() -> None:
    window, naive = parse_sale_window("2026-11-27 00:00:00/2026-11-30 23:59:59")
    assert window.start == datetime(2026, 11, 27, tzinfo=UTC)
    assert naive


def test_an_open_side() -> None:
    window, _ = parse_sale_window("/2026-11-30T00:00Z")
    assert window.start is None
    assert window.end == datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27",
        "soon/later",
        "/",
        "2026-11-30/2026-11-27",
        "2026-13-01/2026-13-02",
        "9999-12-31/9999-12-31",
    ],
)
def test_what_is_not_a_range(text: str) -> None:
    with pytest.raises(ValueError):
        parse_sale_window(text)
