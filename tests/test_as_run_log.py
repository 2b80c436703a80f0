"""The as-run log on air: written off the playout's thread, and pruned so it stays bounded."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hostcast.daemon.as_run import PRUNE_EVERY, AsRunLog
from hostcast.daemon.state_store import AsRunEntry, StateStore

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def entry(aired_at: datetime, text: str) -> AsRunEntry:
    return AsRunEntry(channel="beauty", aired_at=aired_at, duration=2.0, kind="intro", text=text)


def written(log: AsRunLog, count: int) -> None:
    deadline = time.monotonic() + 10
    while log.written < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert log.written == count


def test_old_entries_are_pruned_at_start_then_once_a_day(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.sqlite")
    store.record_aired(entry(NOW - timedelta(days=200), "long ago"))
    store.record_aired(entry(NOW - timedelta(days=10), "last week"))
    wall, ticks = [NOW], [0.0]
    log = AsRunLog(
        store, keep=timedelta(days=90), clock=lambda: wall[0], monotonic=lambda: ticks[0]
    )
    log.record(entry(NOW, "now"))
    written(log, 1)  # written (and pruned) on its own thread, before the clocks move
    wall[0], ticks[0] = NOW + timedelta(days=85), PRUNE_EVERY / 2  # not a day since: kept
    log.record(entry(wall[0], "later"))
    log.close()
    assert [e.text for e in store.as_run("beauty")] == ["last week", "now", "later"]
    assert log.pruned == 1 and log.written == 2

    wall[0], ticks[0] = NOW + timedelta(days=85), PRUNE_EVERY * 2  # a day on: last week goes
    again = AsRunLog(
        store, keep=timedelta(days=90), clock=lambda: wall[0], monotonic=lambda: ticks[0]
    )
    again.record(entry(wall[0], "still on air"))
    again.close()
    assert [e.text for e in store.as_run("beauty")] == ["now", "later", "still on air"]
    store.close()


def test_keep_none_never_prunes(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.sqlite")
    store.record_aired(entry(NOW - timedelta(days=900), "years ago"))
    log = AsRunLog(store, keep=None, clock=lambda: NOW)
    log.record(entry(NOW, "now"))
    log.close()
    assert len(store.as_run("beauty")) == 2 and log.pruned == 0
    store.close()
