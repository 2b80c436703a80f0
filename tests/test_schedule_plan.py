"""The plan of each channel, and what airs at each instant of a simulated clock."""

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import REPO

from host.catalog.model import Product
from hostcast.schedule import DEFAULT_SLOT, load_config
from hostcast.schedule.plan import PlanEntry, airing, channel_plan, plan
from hostcast.schedule.slots import Timetable, WeeklyWindow

PARIS = ZoneInfo("Europe/Paris")
EXAMPLE = load_config(REPO / "examples" / "hostcast.toml", now=datetime(2026, 3, 1, tzinfo=UTC))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def products_of(path: Path) -> tuple[Product, ...]:
    return EXAMPLE.catalogs[path].products


def test_gaps_are_the_default_programme_and_the_range_clips_the_slots() -> None:
    table = Timetable({"morning": WeeklyWindow(frozenset(range(5)), 8 * 60, 12 * 60, PARIS)})
    entries = channel_plan("c", table, utc("2026-03-30 08:00"), utc("2026-03-31 08:00"))
    assert entries == [
        PlanEntry("c", "morning", utc("2026-03-30 08:00"), utc("2026-03-30 10:00")),
        PlanEntry("c", DEFAULT_SLOT, utc("2026-03-30 10:00"), utc("2026-03-31 06:00")),
        PlanEntry("c", "morning", utc("2026-03-31 06:00"), utc("2026-03-31 08:00")),
    ]


def test_back_to_back_airings_of_one_slot_merge() -> None:
    daily = Timetable({"always": WeeklyWindow(frozenset(range(7)), 6 * 60, 6 * 60, PARIS)})
    entries = channel_plan("c", daily, utc("2026-03-27 00:00"), utc("2026-03-31 00:00"))
    assert [(e.slot, e.start, e.end) for e in entries] == [
        ("always", utc("2026-03-27 00:00"), utc("2026-03-31 00:00"))
    ]
    idle = channel_plan("c", Timetable({}), utc("2026-03-27 00:00"), utc("2026-03-27 01:00"))
    assert [e.slot for e in idle] == [DEFAULT_SLOT]


def test_the_example_plan_covers_every_hour_of_every_channel_across_dst() -> None:
    start = utc("2026-03-27 12:00")
    entries = plan(EXAMPLE, start, 72)
    for channel in EXAMPLE.channels:
        mine = [e for e in entries if e.channel == channel.name]
        assert mine[0].start == start and mine[-1].end == start + timedelta(hours=72)
        for before, after in itertools.pairwise(mine):
            assert before.end == after.start and before.slot != after.slot
    beauty = [(e.slot, e.start, e.end) for e in entries if e.channel == "beauty"]
    # Saturday 22:00 CET to Sunday 02:00, which the clock skips: it ends at 03:00 CEST.
    assert ("night-tech", utc("2026-03-28 21:00"), utc("2026-03-29 01:00")) in beauty
    assert ("weekend-sale", utc("2026-03-29 08:00"), utc("2026-03-29 16:00")) in beauty


def test_a_simulated_clock_airs_each_slots_products_inside_it_and_only_there() -> None:
    beauty = EXAMPLE.channel("beauty")
    night_tech = {"earbuds-pro", "watch-active"}
    start = utc("2026-10-23 00:00")  # Friday, across the fall-back night
    seen: set[str] = set()
    for step in range(4 * 24 * 6):
        at = start + timedelta(minutes=10 * step)
        on = airing(beauty, products_of, at)
        seen.add(on.slot)
        local = at.astimezone(PARIS)
        ids = {p.id for p in on.products}
        if on.slot == "night-tech":
            assert ids == night_tech
            assert local.hour >= 22 or local.hour < 2, local
        elif on.slot == "weekend-sale":
            assert local.weekday() >= 5 and 10 <= local.hour < 18, local
            assert all(p.current_price(at) < p.price for p in on.products if p.orderable)
            window = on.products[0].sale_price_effective_date
            assert window is not None and window.contains(at) and window.end == on.until
        elif on.slot == "morning-glow":
            assert local.weekday() < 5 and 8 <= local.hour < 12, local
            candle = next(p for p in on.products if p.id == "candle-lavender")
            assert candle.sale_active(at) and not candle.sale_active(on.until or at)
        elif on.slot == DEFAULT_SLOT:
            assert len(on.products) == 10 and on.programme == beauty.programme
            assert ids != night_tech
    assert seen == {"night-tech", "weekend-sale", "morning-glow", "small-prices", DEFAULT_SLOT}
