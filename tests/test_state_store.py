"""The daemon's state store: what aired, where each rotation stands, and a kill -9 in between."""

from __future__ import annotations

import os
import selectors
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import NOW

from host.errors import HostcastError
from host.script.product_rotation import RotationState
from hostcast.daemon.state_store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    AsRunEntry,
    StateError,
    StateStore,
)


def entry(n: int, channel: str = "main", at: datetime = NOW) -> AsRunEntry:
    return AsRunEntry(
        channel=channel,
        aired_at=at + timedelta(seconds=n),
        duration=4.25,
        kind="price",
        text=f"line {n}",
        product_id=f"p{n % 3}",
        source="template",
        price="39,90 €",
        sale_price="27,90 €",
        lang="fr",
        slot="evening",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    opened = StateStore.open(tmp_path / "state" / "hostcast.db")
    yield opened
    opened.close()


def test_open_creates_folders_and_a_versioned_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "var" / "lib" / "hostcast" / "state.db"
    StateStore.open(path).close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
    # Opening again keeps what is there.
    with StateStore.open(path) as again:
        again.record_aired(entry(1))
    with StateStore.open(path) as third:
        assert [e.text for e in third.as_run("main")] == ["line 1"]


def test_as_run_round_trip_keeps_every_field_in_utc(store: StateStore) -> None:
    paris = timezone(timedelta(hours=1))
    aired = AsRunEntry(
        channel="main",
        aired_at=datetime(2026, 11, 18, 16, 0, 0, 250_000, tzinfo=paris),
        duration=3.5,
        kind="cta",
        text='Tap the link — "now"',
        product_id="serum-vitc",
        source="llm",
        price="39,90 €",
        sale_price=None,
        lang="fr",
        slot="evening",
    )
    store.record_aired(aired)
    (back,) = store.as_run("main")
    assert back == aired
    assert back.aired_at.tzinfo == UTC
    assert back.aired_at == datetime(2026, 11, 18, 15, 0, 0, 250_000, tzinfo=UTC)


def test_as_run_filters_by_channel_and_since_and_keeps_the_latest(store: StateStore) -> None:
    for n in range(10):
        store.record_aired(entry(n, "main"))
        store.record_aired(entry(n, "outlet"))
    texts = [e.text for e in store.as_run("main")]
    assert texts == [f"line {n}" for n in range(10)]
    since = [e.text for e in store.as_run("main", since=NOW + timedelta(seconds=7))]
    assert since == ["line 7", "line 8", "line 9"]
    assert [e.text for e in store.as_run("main", limit=2)] == ["line 8", "line 9"]
    assert store.as_run("main", limit=0) == []
    assert store.as_run("nobody") == []
    last = store.last_aired("outlet")
    assert last is not None and last.text == "line 9" and last.channel == "outlet"
    assert store.last_aired("nobody") is None


def test_prune_drops_only_older_entries(store: StateStore) -> None:
    for n in range(6):
        store.record_aired(entry(n, "main"))
        store.record_aired(entry(n, "outlet"))
    assert store.prune(NOW + timedelta(seconds=4)) == 8
    assert [e.text for e in store.as_run("main")] == ["line 4", "line 5"]
    assert [e.text for e in store.as_run("outlet")] == ["line 4", "line 5"]


def test_rotation_round_trip_and_same_commit_as_the_entry(store: StateStore) -> None:
    assert store.load_rotation("main") is None
    state = RotationState(credit={"a": 2, "b": -2}, last_id="a", counts={"a": 3, "b": 1}, picks=4)
    store.save_rotation("main", state)
    assert store.load_rotation("main") == state
    later = RotationState(credit={"a": -1, "b": 1}, last_id="b", counts={"a": 3, "b": 2}, picks=5)
    store.record_aired(entry(1), rotation=later)
    assert store.load_rotation("main") == later
    assert store.load_rotation("outlet") is None


def test_a_failed_write_leaves_neither_the_entry_nor_the_rotation(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = RotationState(last_id="a", counts={"a": 1}, picks=1)
    store.save_rotation("main", before)

    def broken(self: RotationState) -> dict[str, object]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(RotationState, "to_dict", broken)
    with pytest.raises(RuntimeError):
        store.record_aired(entry(1), rotation=RotationState(last_id="b", picks=2))
    monkeypatch.undo()
    assert store.as_run("main") == []
    assert store.load_rotation("main") == before


def test_counters_add_up_per_channel(store: StateStore) -> None:
    store.add_counter("main", "segments_aired")
    store.add_counter("main", "segments_aired", 4)
    store.add_counter("main", "guard_refusals", 2)
    store.add_counter("outlet", "segments_aired")
    assert store.counters("main") == {"guard_refusals": 2, "segments_aired": 5}
    assert store.counters("outlet") == {"segments_aired": 1}
    assert store.counters("nobody") == {}
    with pytest.raises(ValueError, match="only go up"):
        store.add_counter("main", "segments_aired", -1)


def test_threads_writing_at_once_lose_nothing(store: StateStore) -> None:
    threads_n, each = 6, 60
    errors: list[BaseException] = []

    def channel(index: int) -> None:
        try:
            name = f"ch{index}"
            for n in range(each):
                state = RotationState(last_id=f"p{n}", picks=n + 1)
                store.record_aired(entry(n, name), rotation=state)
                store.add_counter("all", "aired")
                store.as_run(name, limit=1)  # readers interleave with writers
        except BaseException as err:  # reported to the test thread below
            errors.append(err)

    threads = [threading.Thread(target=channel, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    for index in range(threads_n):
        aired = store.as_run(f"ch{index}")
        assert [e.text for e in aired] == [f"line {n}" for n in range(each)]
        rotation = store.load_rotation(f"ch{index}")
        assert rotation is not None and rotation.picks == each
    assert store.counters("all") == {"aired": threads_n * each}


def test_a_file_that_is_not_sqlite_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is a recording, not a database\n" * 200)
    with pytest.raises(HostcastError, match=r"state\.db: not a Hostcast state database"):
        StateStore.open(path)
    # The file is left as it was, for the user to move aside.
    assert path.read_bytes().startswith(b"this is a recording")


def test_a_damaged_database_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.record_aired(entry(1))
    data = bytearray(path.read_bytes())
    data[:16] = b"garbage garbage!"  # the SQLite header magic
    path.write_bytes(bytes(data))
    with pytest.raises(StateError, match=str(path)):
        StateStore.open(path)


def test_a_folder_or_newer_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "state.db"
    folder.mkdir()
    with pytest.raises(StateError, match="is a folder"):
        StateStore.open(folder)
    newer = tmp_path / "newer.db"
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="newer Hostcast"):
        StateStore.open(newer)


def test_a_version_1_database_upgrades_keeping_what_aired(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # What the first release wrote: its one migration, version 1, a line and a rotation.
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute(
        "INSERT INTO as_run (channel, aired_at, duration, kind, product_id, text, source, "
        "price, sale_price, lang, slot) VALUES ('main', '2026-11-18T15:00:01.000000Z', 4.25, "
        "'price', 'p1', 'line 1', 'template', NULL, NULL, 'fr', 'evening')"
    )
    db.execute(
        "INSERT INTO rotation (channel, state, updated_at) "
        "VALUES ('main', '{\"last_id\": \"a\", \"picks\": 1}', '2026-11-18T15:00:01.000000Z')"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with StateStore.open(path) as store:
        assert [e.text for e in store.as_run("main")] == ["line 1"]
        rotation = store.load_rotation("main")
        assert rotation is not None and rotation.last_id == "a"
        assert store.good_config(tmp_path / "hostcast.toml") is None
        store.save_good_config(tmp_path / "hostcast.toml", "[[channel]]\n")
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    finally:
        db.close()
    with StateStore.open(path) as store:
        assert store.good_config(tmp_path / "hostcast.toml") == "[[channel]]\n"


def test_the_last_good_config_is_kept_per_file(store: StateStore, tmp_path: Path) -> None:
    one, two = tmp_path / "one.toml", tmp_path / "two.toml"
    store.save_good_config(one, "first")
    store.save_good_config(one, "second")
    store.save_good_config(two, "other")
    assert store.good_config(one) == "second" and store.good_config(two) == "other"
    assert store.good_config(tmp_path / "three.toml") is None


def test_a_broken_rotation_row_names_the_channel(store: StateStore) -> None:
    db = sqlite3.connect(store.path)
    db.execute(
        "INSERT INTO rotation (channel, state, updated_at) VALUES ('main', '{\"picks\": -3}', '')"
    )
    db.commit()
    db.close()
    with pytest.raises(StateError, match=r"channel 'main': rotation state: picks"):
        store.load_rotation("main")


def test_closed_store_refuses_work(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.db")
    store.close()
    store.close()
    with pytest.raises(StateError, match="closed"):
        store.record_aired(entry(1))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        AsRunEntry(channel="main", aired_at=datetime(2026, 1, 1), duration=1, kind="x", text="")


# The child records lines as fast as it can, each with its rotation in the same commit,
# and prints a line's number only once record_aired returned (committed).
CHILD = """
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from hostcast.daemon.state_store import AsRunEntry, StateStore
from host.script.product_rotation import RotationState

store = StateStore.open(sys.argv[1])
state = store.load_rotation("main") or RotationState()
start = datetime(2026, 11, 18, tzinfo=UTC)
for _ in range(200_000):
    n = state.picks
    state.picks += 1
    state.last_id = f"p{n % 5}"
    state.counts[state.last_id] = state.counts.get(state.last_id, 0) + 1
    store.record_aired(
        AsRunEntry(channel="main", aired_at=start + timedelta(seconds=n), duration=1.0,
                   kind="pitch", text=f"line {n}", product_id=state.last_id),
        rotation=state,
    )
    print(n, flush=True)
"""


def run_and_kill(path: Path, lines_before_kill: int) -> list[int]:
    """Start the child, kill -9 it after it reported that many commits; every number reported."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    reported: list[int] = []
    buffer = b""
    deadline = time.monotonic() + 30
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(child.stdout, selectors.EVENT_READ)
            while len(reported) < lines_before_kill and time.monotonic() < deadline:
                if not selector.select(timeout=1):
                    continue
                chunk = os.read(child.stdout.fileno(), 65536)
                if not chunk:
                    break
                buffer += chunk
                *done, buffer = buffer.split(b"\n")
                reported += [int(n) for n in done]
    finally:
        child.kill()  # SIGKILL: no atexit, no close(), mid-transaction more often than not
        rest, errors = child.communicate(timeout=30)
    assert child.returncode == -9, errors.decode()
    # Lines printed before the kill were committed too.
    reported += [int(n) for n in (buffer + rest).split(b"\n")[:-1]]
    assert len(reported) >= lines_before_kill, errors.decode()
    return reported


def test_kill_9_loses_no_committed_entry_and_the_rotation_resumes(tmp_path: Path) -> None:
    path = tmp_path / "state" / "hostcast.db"
    first = run_and_kill(path, 150)
    second = run_and_kill(path, 150)
    # The second run resumed the rotation where the first stopped: no number twice.
    assert second[0] > first[-1]
    with StateStore.open(path) as store:
        aired = store.as_run("main")
        numbers = [int(e.text.split()[1]) for e in aired]
        assert set(first + second) <= set(numbers)
        # Entry and rotation commit together: the rotation counts exactly the entries.
        assert numbers == list(range(len(numbers)))
        rotation = store.load_rotation("main")
        assert rotation is not None and rotation.picks == len(numbers)
        assert rotation.last_id == aired[-1].product_id
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()
