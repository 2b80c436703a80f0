"""What each channel airs over the next hours: its slots, and the default programme between them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from host.catalog.model import Product
from hostcast.schedule.config import DEFAULT_SLOT, Channel, HostcastConfig, Programme
from hostcast.schedule.slots import Timetable


@dataclass(frozen=True)
class PlanEntry:
    """One stretch of a channel's air: a slot's name, or "default", from `start` to `end`."""

    channel: str
    slot: str
    start: datetime
    end: datetime


def channel_plan(
    channel: str, timetable: Timetable, start: datetime, end: datetime
) -> list[PlanEntry]:
    """The channel's air from `start` to `end`, gaps filled by the default programme.

    Back-to-back airings of one slot (a daily slot from 08:00 to 08:00) read as one entry.
    """
    entries: list[PlanEntry] = []
    cursor = start
    for airing in timetable.occurrences(start, end):
        if airing.start > cursor:
            entries.append(PlanEntry(channel, DEFAULT_SLOT, cursor, airing.start))
        begin, finish = max(airing.start, start), min(airing.end, end)
        entries.append(PlanEntry(channel, airing.name, begin, finish))
        cursor = finish
    if cursor < end:
        entries.append(PlanEntry(channel, DEFAULT_SLOT, cursor, end))
    return _merged(entries)


def plan(config: HostcastConfig, start: datetime, hours: float) -> list[PlanEntry]:
    """Every channel's plan for `hours` from `start`, channel after channel."""
    end = start + timedelta(hours=hours)
    return [
        entry
        for channel in config.channels
        for entry in channel_plan(channel.name, channel.timetable(), start, end)
    ]


@dataclass(frozen=True)
class Airing:
    """What a channel airs at an instant, and until when (None: no slot ever changes it)."""

    slot: str  # a slot's name, or "default"
    programme: Programme
    products: tuple[Product, ...]  # the slot's products, its deal applied for this airing
    until: datetime | None


def airing(
    channel: Channel, catalog: Callable[[Path], Sequence[Product]], at: datetime
) -> Airing:
    """What `channel` airs at `at`; `catalog` gives a catalog file's products as they are now."""
    timetable = channel.timetable()
    until = timetable.next_change(at)
    on = timetable.active(at)
    if on is None:
        programme = channel.programme
        return Airing(DEFAULT_SLOT, programme, tuple(catalog(programme.catalog)), until)
    slot = channel.slot(on.name)
    products = slot.lineup.products(catalog(slot.programme.catalog), on.start, on.end)
    return Airing(slot.name, slot.programme, products, until)


def _merged(entries: list[PlanEntry]) -> list[PlanEntry]:
    merged: list[PlanEntry] = []
    for entry in entries:
        last = merged[-1] if merged else None
        if last is not None and last.slot == entry.slot and last.end == entry.start:
            merged[-1] = PlanEntry(last.channel, last.slot, last.start, entry.end)
        else:
            merged.append(entry)
    return merged
