"""Weekly slots on the Paris wall clock: the right slot at each instant, across both DST changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hostcast.schedule.slots import (
    Timetable,
    WeeklyWindow,
    first_overlap,
    local_instant,
    wall_overlap,
)

PARIS = ZoneInfo("Europe/Paris")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def window(days: set[int], start: str, end: str, zone: ZoneInfo = PARIS) -> WeeklyWindow:
    return WeeklyWindow(frozenset(days), hm(start), hm(end), zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Spring forward: Sunday 29 March 2026, 02:00 CET -> 03:00 CEST (01:00 UTC).
# Fall back: Sunday 25 October 2026, 03:00 CEST -> 02:00 CET (01:00 UTC).
TIMETABLE = Timetable(
    {
        "night": window(set(range(7)), "01:30", "03:30"),
        "morning": window({MON, TUE, WED, THU, FRI}, "08:00", "12:00"),
        "late": window({SAT}, "22:00", "01:00"),  # Saturday night into Sunday
        "sunday-late": window({SUN}, "23:00", "01:00"),  # Sunday night into Monday
    }
)

EXPECTED = [
    # Friday 27 March, CET (UTC+1)
    ("2026-03-27 06:59", None),
    ("2026-03-27 07:00", "morning"),
    ("2026-03-27 10:59", "morning"),
    ("2026-03-27 11:00", None),
    # Saturday night into Sunday: late, then the night slot on the short night
    ("2026-03-28 20:59", None),
    ("2026-03-28 21:00", "late"),
    ("2026-03-28 23:59", "late"),
    ("2026-03-29 00:00", None),  # 01:00 CET: late has ended
    ("2026-03-29 00:29", None),
    ("2026-03-29 00:30", "night"),  # 01:30 CET
    ("2026-03-29 00:59", "night"),  # 01:59 CET, the last minute before the gap
    ("2026-03-29 01:00", "night"),  # 03:00 CEST
    ("2026-03-29 01:29", "night"),  # 03:29 CEST
    ("2026-03-29 01:30", None),  # 03:30 CEST: the night slot lasted one hour
    # Sunday night into Monday, CEST (UTC+2)
    ("2026-03-29 20:59", None),
    ("2026-03-29 21:00", "sunday-late"),  # Sunday 23:00 CEST
    ("2026-03-29 22:59", "sunday-late"),
    ("2026-03-29 23:00", None),  # Monday 01:00 CEST
    ("2026-03-29 23:30", "night"),  # Monday 01:30 CEST
    ("2026-03-30 06:00", "morning"),  # Monday 08:00 CEST
    ("2026-03-30 09:59", "morning"),
    ("2026-03-30 10:00", None),
    # The long night of 25 October
    ("2026-10-24 19:59", None),
    ("2026-10-24 20:00", "late"),  # Saturday 22:00 CEST
    ("2026-10-24 22:59", "late"),
    ("2026-10-24 23:00", None),  # Sunday 01:00 CEST
    ("2026-10-24 23:30", "night"),  # 01:30 CEST
    ("2026-10-25 00:30", "night"),  # 02:30 CEST, first time round
    ("2026-10-25 01:00", "night"),  # 02:00 CET, the clock went back
    ("2026-10-25 01:30", "night"),  # 02:30 CET, second time round
    ("2026-10-25 02:29", "night"),  # 03:29 CET
    ("2026-10-25 02:30", None),  # 03:30 CET: the night slot lasted three hours
    ("2026-10-25 21:59", None),
    ("2026-10-25 22:00", "sunday-late"),  # Sunday 23:00 CET
    ("2026-10-25 23:59", "sunday-late"),
    ("2026-10-26 00:00", None),  # Monday 01:00 CET
    ("2026-10-26 07:00", "morning"),  # Monday 08:00 CET
]


@pytest.mark.parametrize(("instant", "slot"), EXPECTED)
def test_the_active_slot_follows_the_paris_wall_clock(instant: str, slot: str | None) -> None:
    on = TIMETABLE.active(utc(instant))
    assert (on.name if on else None) == slot


def test_a_simulated_clock_sees_each_slot_change_exactly_at_next_change() -> None:
    """Every 5 minutes over both DST weeks, nothing changes before `next_change` says."""
    for first in (utc("2026-03-27 00:00"), utc("2026-10-23 00:00")):
        at = first
        for _ in range(4 * 24 * 12):
            now_on = TIMETABLE.active(at)
            change = TIMETABLE.next_change(at)
            assert change is not None and change > at
            if change - at > timedelta(minutes=1):
                later = TIMETABLE.active(change - timedelta(minutes=1))
                assert later == now_on, (at, change)
            after = TIMETABLE.active(change)
            assert after != now_on, (at, change)
            at += timedelta(minutes=5)


def test_slot_lengths_on_the_two_dst_nights() -> None:
    night = window(set(range(7)), "01:30", "03:30")
    spring = night.on(date(2026, 3, 29))
    fall = night.on(date(2026, 10, 25))
    ordinary = night.on(date(2026, 3, 28))
    assert spring and fall and ordinary
    assert spring[1] - spring[0] == timedelta(hours=1)
    assert fall[1] - fall[0] == timedelta(hours=3)
    assert ordinary[1] - ordinary[0] == timedelta(hours=2)


def test_a_skipped_time_moves_forward_and_a_repeated_one_is_its_first_occurrence() -> None:
    assert local_instant(date(2026, 3, 29), hm("02:30"), PARIS) == utc("2026-03-29 01:00")
    assert local_instant(date(2026, 3, 29), hm("03:00"), PARIS) == utc("2026-03-29 01:00")
    assert local_instant(date(2026, 3, 29), hm("01:59"), PARIS) == utc("2026-03-29 00:59")
    assert local_instant(date(2026, 10, 25), hm("02:30"), PARIS) == utc("2026-10-25 00:30")
    assert local_instant(date(2026, 10, 25), hm("03:00"), PARIS) == utc("2026-10-25 02:00")
    # Lord Howe Island moves its clock by half an hour: the gap ends at 02:30 local.
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    moved = local_instant(date(2026, 10, 4), hm("02:10"), lord_howe)
    assert moved.astimezone(lord_howe).strftime("%H:%M") == "02:30"


def test_a_slot_inside_the_skipped_hour_does_not_air_that_night() -> None:
    table = Timetable({"gap": window({SUN}, "02:15", "02:45")})
    assert table.occurrences(utc("2026-03-28 12:00"), utc("2026-03-29 12:00")) == []
    assert table.active(utc("2026-03-29 01:00")) is None
    next_week = table.occurrences(utc("2026-04-04 12:00"), utc("2026-04-05 12:00"))
    assert [(o.start, o.end) for o in next_week] == [
        (utc("2026-04-05 00:15"), utc("2026-04-05 00:45"))
    ]


def test_a_slot_starting_in_the_repeated_hour_airs_once_the_first_time_round() -> None:
    table = Timetable({"twice": window({SUN}, "02:30", "02:45")})
    assert table.active(utc("2026-10-25 00:35")) is not None  # 02:35 CEST
    assert table.active(utc("2026-10-25 01:35")) is None  # 02:35 CET
    airings = table.occurrences(utc("2026-10-24 00:00"), utc("2026-10-26 00:00"))
    assert len(airings) == 1


def test_a_whole_day_slot_and_the_next_change() -> None:
    table = Timetable({"all-day": window({MON}, "00:00", "00:00")})
    on = table.active(utc("2026-03-30 12:00"))
    assert on is not None and on.start == utc("2026-03-29 22:00")
    assert on.end == utc("2026-03-30 22:00")
    assert table.next_change(utc("2026-03-30 12:00")) == utc("2026-03-30 22:00")
    assert table.next_change(utc("2026-03-31 00:00")) == utc("2026-04-05 22:00")
    assert Timetable({}).next_change(utc("2026-03-30 12:00")) is None


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        TIMETABLE.active(datetime(2026, 3, 29, 1, 0))


def test_wall_overlap_wraps_from_sunday_night_into_monday() -> None:
    sunday = window({SUN}, "23:00", "02:00")
    monday = window({MON}, "01:00", "03:00")
    assert wall_overlap(sunday, monday) == (hm("01:00"), hm("02:00"))
    assert wall_overlap(monday, window({MON}, "03:00", "04:00")) is None
    weekdays = window({MON, TUE, WED, THU, FRI}, "08:00", "12:00")
    assert wall_overlap(weekdays, window({WED}, "11:30", "13:00")) == (
        2 * 1440 + hm("11:30"),
        2 * 1440 + hm("12:00"),
    )


def test_overlap_of_slots_in_two_zones_is_found_in_instants() -> None:
    paris = window({MON}, "10:00", "11:00")
    new_york = window({MON}, "05:00", "06:00", ZoneInfo("America/New_York"))
    start = utc("2026-03-02 00:00")
    both = first_overlap(paris, new_york, start, start + timedelta(days=60))
    # Paris is 6 hours ahead of New York, 5 in the weeks between the two clock changes.
    assert both == (utc("2026-03-09 09:00"), utc("2026-03-09 10:00"))
    assert first_overlap(paris, new_york, start, start + timedelta(days=6)) is None
