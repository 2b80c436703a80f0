"""Weekly windows on a local wall clock, resolved to instants that stay right across DST changes.

The rule: a window's start and end are local wall-clock times in its time zone. A time the
clock skips (spring forward) moves forward to the first instant that exists, the end of the
gap; a time the clock shows twice (fall back) means its first occurrence. A window that ends
at or before its start runs past midnight and belongs to the day it starts. A window whose
whole span falls inside a skipped hour does not air that night.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {
    "daily": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekend": frozenset({5, 6}),
}
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class WeeklyWindow:
    """Some weekdays (0 is Monday), from `start` to `end` minutes past local midnight."""

    days: frozenset[int]
    start: int  # 0..1439
    end: int  # 0..1440; at or before `start`: the window ends the next day
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError(f"days must be weekday numbers 0-6, got {sorted(self.days)}")
        if not 0 <= self.start < DAY_MINUTES or not 0 <= self.end <= DAY_MINUTES:
            raise ValueError(f"start {self.start} or end {self.end} is not a minute of the day")

    @property
    def minutes(self) -> int:
        """Wall-clock length: a full day when the end equals the start."""
        end = self.end if self.end > self.start else self.end + DAY_MINUTES
        return end - self.start

    def on(self, day: date) -> tuple[datetime, datetime] | None:
        """The window that starts on local date `day`, in UTC; None if it does not air then."""
        if day.weekday() not in self.days:
            return None
        start = local_instant(day, self.start, self.zone)
        end = local_instant(day, self.start + self.minutes, self.zone)
        return (start, end) if end > start else None

    def weekly_spans(self) -> list[tuple[int, int]]:
        """Wall-clock spans in minutes from Monday 00:00; one past Sunday night wraps to Monday."""
        spans: list[tuple[int, int]] = []
        for day in sorted(self.days):
            begin = day * DAY_MINUTES + self.start
            finish = begin + self.minutes
            if finish <= WEEK_MINUTES:
                spans.append((begin, finish))
            else:
                spans.extend([(begin, WEEK_MINUTES), (0, finish - WEEK_MINUTES)])
        return spans

    def describe(self) -> str:
        """`mon,tue 22:00-02:00` as a person wrote it."""
        names = ",".join(DAY_NAMES[d] for d in sorted(self.days))
        return f"{names} {clock_text(self.start)}-{clock_text(self.end)}"


def local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of the wall-clock time `minute` minutes past midnight of `day` in `zone`."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)  # fold 0: the first occurrence
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # The clock skips `wall`: find the instant the gap ends. fold=1 reads the wall time with
    # the offset after the change, which lands before the gap; fold=0 lands after it.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    after = first
    for _ in range(40):  # halves a gap of hours to one second in far fewer steps
        if after - before <= _SECOND:
            break
        middle = before + ((after - before) // _SECOND // 2) * _SECOND
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            after = middle
        else:
            before = middle
    return after


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def week_text(minute: int) -> str:
    """`sun 23:30` for a minute of the week counted from Monday 00:00."""
    day, rest = divmod(minute % WEEK_MINUTES, DAY_MINUTES)
    return f"{DAY_NAMES[day]} {clock_text(rest)}"


def wall_overlap(a: WeeklyWindow, b: WeeklyWindow) -> tuple[int, int] | None:
    """The first stretch of the week (minutes from Monday 00:00) both windows cover, if any."""
    found: tuple[int, int] | None = None
    for a_start, a_end in a.weekly_spans():
        for b_start, b_end in b.weekly_spans():
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end and (found is None or start < found[0]):
                found = (start, end)
    return found


@dataclass(frozen=True)
class Occurrence:
    """One airing of a named window: from `start` to `end` (exclusive), aware UTC instants."""

    name: str
    start: datetime
    end: datetime

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


class Timetable:
    """A channel's named weekly windows: which one is on at an instant, and when that changes."""

    def __init__(self, windows: Mapping[str, WeeklyWindow]) -> None:
        self.windows = dict(windows)

    def occurrences(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Every airing that overlaps [start, end), sorted by start."""
        _aware(start)
        _aware(end)
        found = [
            Occurrence(name, *span)
            for name, window in self.windows.items()
            for span in _spans(window, start, end)
            if span[1] > start and span[0] < end
        ]
        return sorted(found, key=lambda o: (o.start, o.name))

    def active(self, at: datetime) -> Occurrence | None:
        """The airing on at `at`; None when the default programme is on."""
        on = [o for o in self.occurrences(at, at + _SECOND) if o.contains(at)]
        return on[0] if on else None

    def next_change(self, at: datetime) -> datetime | None:
        """The first instant after `at` when an airing starts or ends; None if none ever does."""
        changes = [
            edge
            for o in self.occurrences(at, at + timedelta(days=8))
            for edge in (o.start, o.end)
            if edge > at
        ]
        return min(changes, default=None)


def first_overlap(
    a: WeeklyWindow, b: WeeklyWindow, start: datetime, end: datetime
) -> tuple[datetime, datetime] | None:
    """The first stretch of [start, end) both windows air in, for windows in different zones."""
    a_spans = sorted(_spans(a, start, end))
    b_spans = sorted(_spans(b, start, end))
    i = j = 0
    for _ in range(len(a_spans) + len(b_spans)):  # each step moves one list forward
        if i >= len(a_spans) or j >= len(b_spans):
            break
        (a_start, a_end), (b_start, b_end) = a_spans[i], b_spans[j]
        if max(a_start, b_start) < min(a_end, b_end):
            return max(a_start, b_start), min(a_end, b_end)
        if a_end <= b_end:
            i += 1
        else:
            j += 1
    return None


def _spans(
    window: WeeklyWindow, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    # An airing lasts at most a day and an hour, so one that reaches `start` began the local
    # day before at the earliest.
    first = start.astimezone(window.zone).date() - timedelta(days=1)
    last = end.astimezone(window.zone).date()
    for offset in range((last - first).days + 1):
        span = window.on(first + timedelta(days=offset))
        if span is not None:
            yield span


def _aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at.isoformat()}: a schedule instant must carry a time zone")
