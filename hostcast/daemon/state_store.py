"""The daemon's state in SQLite: the as-run log, rotations, counters, the last good config.

Durability: WAL journal with `synchronous=FULL`. WAL with NORMAL already keeps every
commit through a `kill -9` (the commit is in the WAL file once `COMMIT` returns; only the
fsync is deferred), but loses the last commits on a power cut or kernel crash. FULL
fsyncs the WAL at each commit, so a reboot loses nothing either; at one commit per aired
line (seconds apart) the fsync costs nothing that matters.

Threads: one connection shared behind one lock. SQLite serialises writers anyway, each
channel writes a few rows a minute, and a single connection means `close()` really
closes everything (per-thread connections would outlive the playout threads that made
them). Other processes (a status command) may read at the same time: WAL lets readers
in while a write is going, and `busy_timeout` waits out another process's write.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from host.errors import StateError
from host.script.product_rotation import RotationState

BUSY_TIMEOUT_MS = 5000
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, UTC: text order is time order

# MIGRATIONS[n] takes a database from user_version n to n + 1; append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE as_run (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            aired_at TEXT NOT NULL,
            duration REAL NOT NULL,
            kind TEXT NOT NULL,
            product_id TEXT,
            text TEXT NOT NULL,
            source TEXT NOT NULL,
            price TEXT,
            sale_price TEXT,
            lang TEXT NOT NULL,
            slot TEXT NOT NULL
        )""",
        "CREATE INDEX as_run_channel_time ON as_run (channel, aired_at)",
        "CREATE INDEX as_run_time ON as_run (aired_at)",
        """CREATE TABLE rotation (
            channel TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE counter (
            channel TEXT NOT NULL,
            name TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (channel, name)
        )""",
    ),
    (
        # The text of the last configuration that validated, by config file: what a channel
        # airs when it starts while its file is broken.
        """CREATE TABLE good_config (
            path TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    "channel, aired_at, duration, kind, product_id, text, source, price, sale_price, lang, slot"
)
_INSERT = f"INSERT INTO as_run ({_COLUMNS}) VALUES ({', '.join('?' * len(_COLUMNS.split(',')))})"


@dataclass(frozen=True)
class AsRunEntry:
    """One line as it aired: when, where, what was said, by which writer, at which price."""

    channel: str
    aired_at: datetime  # timezone-aware; stored in UTC
    duration: float  # seconds
    kind: str  # the line's kind: intro, price, cta, filler...
    text: str
    product_id: str | None = None
    source: str = ""  # the writer that wrote it: template, llm...
    price: str | None = None  # as shown on screen
    sale_price: str | None = None
    lang: str = ""
    slot: str = ""  # the schedule slot on air

    def __post_init__(self) -> None:
        if not self.channel:
            raise ValueError("as-run entry: channel must not be empty")
        if self.aired_at.tzinfo is None or self.aired_at.utcoffset() is None:
            raise ValueError(f"as-run entry: aired_at {self.aired_at} has no time zone")
        if not self.duration >= 0:
            raise ValueError(f"as-run entry: duration {self.duration} must be >= 0 seconds")


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone")
    return moment.astimezone(UTC).strftime(_STAMP)


def _entry(row: Sequence[Any]) -> AsRunEntry:
    channel, aired_at, duration, kind, product_id, text, source, price, sale, lang, slot = row
    return AsRunEntry(
        channel=channel,
        aired_at=datetime.strptime(aired_at, _STAMP).replace(tzinfo=UTC),
        duration=duration,
        kind=kind,
        text=text,
        product_id=product_id,
        source=source,
        price=price,
        sale_price=sale,
        lang=lang,
        slot=slot,
    )


class StateStore:
    """The daemon's state file; every method is safe to call from any thread."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> StateStore:
        """Open or create the store at `path` (and its folders), migrating it to this version."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StateError(f"{path}: cannot create the state folder: {err}") from err
        if path.is_dir():
            raise StateError(f"{path}: is a folder, expected a state database file")
        try:
            # Autocommit (isolation_level=None): transactions are ours, BEGIN IMMEDIATE.
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise StateError(f"{path}: cannot open the state database: {err}") from err
        try:
            cls._prepare(db, path)
        except sqlite3.DatabaseError as err:
            db.close()
            raise StateError(
                f"{path}: not a Hostcast state database, or damaged ({err}); "
                "move it aside to start with fresh state"
            ) from err
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    @staticmethod
    def _prepare(db: sqlite3.Connection, path: Path) -> None:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading the version reads the header: a file that is not SQLite fails here.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{path}: state database version {version} was written by a newer Hostcast "
                f"(this one reads up to {SCHEMA_VERSION})"
            )
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StateError(
                f"{path}: the file system refuses SQLite's WAL journal (got {mode!r}); "
                "put the state on a local disk"
            )
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        if version == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for step in MIGRATIONS[version:]:
                for statement in step:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    @contextmanager
    def _connection(self, write: bool) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; a write runs in one transaction, all or nothing."""
        with self._lock:
            db = self._db
            if db is None:
                raise StateError(f"{self.path}: the state store is closed")
            try:
                if not write:
                    yield db
                    return
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    # SQLite already rolled back on some errors (disk full); do not mask them.
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error as err:
                raise StateError(f"{self.path}: state database error: {err}") from err

    def record_aired(self, entry: AsRunEntry, *, rotation: RotationState | None = None) -> None:
        """Log a line as aired; with `rotation`, save the channel's rotation in the same commit."""
        values = (
            entry.channel,
            _stamp(entry.aired_at),
            float(entry.duration),
            entry.kind,
            entry.product_id,
            entry.text,
            entry.source,
            entry.price,
            entry.sale_price,
            entry.lang,
            entry.slot,
        )
        with self._connection(write=True) as db:
            db.execute(_INSERT, values)
            if rotation is not None:
                self._put_rotation(db, entry.channel, rotation, entry.aired_at)

    def as_run(
        self, channel: str, since: datetime | None = None, limit: int | None = None
    ) -> list[AsRunEntry]:
        """What aired on `channel` (from `since` on), oldest first; `limit` keeps the latest."""
        if limit is not None and limit < 0:
            raise ValueError(f"as-run limit {limit} must be >= 0")
        query = f"SELECT {_COLUMNS} FROM as_run WHERE channel = ?"
        params: list[Any] = [channel]
        if since is not None:
            query += " AND aired_at >= ?"
            params.append(_stamp(since))
        query += " ORDER BY aired_at DESC, id DESC"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        with self._connection(write=False) as db:
            rows = db.execute(query, params).fetchall()
        return [_entry(row) for row in reversed(rows)]

    def last_aired(self, channel: str) -> AsRunEntry | None:
        """The line that aired last on `channel`, or None before its first."""
        latest = self.as_run(channel, limit=1)
        return latest[0] if latest else None

    def prune(self, older_than: datetime) -> int:
        """Drop as-run entries (every channel) that aired before `older_than`; how many went."""
        with self._connection(write=True) as db:
            cursor = db.execute("DELETE FROM as_run WHERE aired_at < ?", (_stamp(older_than),))
        return cursor.rowcount

    def save_rotation(self, channel: str, state: RotationState, at: datetime | None = None) -> None:
        """Keep where `channel`'s rotation stands (as of `at`, default now), for the next start."""
        updated = at if at is not None else datetime.now(UTC)
        with self._connection(write=True) as db:
            self._put_rotation(db, channel, state, updated)

    @staticmethod
    def _put_rotation(
        db: sqlite3.Connection, channel: str, state: RotationState, at: datetime
    ) -> None:
        db.execute(
            "INSERT INTO rotation (channel, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (channel) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (channel, json.dumps(state.to_dict(), sort_keys=True), _stamp(at)),
        )

    def load_rotation(self, channel: str) -> RotationState | None:
        """Where `channel`'s rotation stood when last saved; None if it never was."""
        with self._connection(write=False) as db:
            row = db.execute("SELECT state FROM rotation WHERE channel = ?", (channel,)).fetchone()
        if row is None:
            return None
        try:
            return RotationState.from_dict(json.loads(row[0]))
        except ValueError as err:  # json.JSONDecodeError is a ValueError too
            raise StateError(f"{self.path}: channel {channel!r}: {err}") from err

    def add_counter(self, channel: str, name: str, n: int = 1) -> None:
        """Add `n` (>= 0) to `channel`'s counter `name`, which starts at 0."""
        if n < 0:
            raise ValueError(f"counter {name!r}: cannot add {n}, counters only go up")
        with self._connection(write=True) as db:
            db.execute(
                "INSERT INTO counter (channel, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT (channel, name) DO UPDATE SET value = value + excluded.value",
                (channel, name, n),
            )

    def counters(self, channel: str) -> dict[str, int]:
        """Every counter of `channel`, by name."""
        with self._connection(write=False) as db:
            rows = db.execute(
                "SELECT name, value FROM counter WHERE channel = ? ORDER BY name", (channel,)
            ).fetchall()
        return {name: value for name, value in rows}

    def save_good_config(self, path: Path, text: str, at: datetime | None = None) -> None:
        """Keep `text` as the last configuration at `path` that validated (as of `at`)."""
        saved = at if at is not None else datetime.now(UTC)
        with self._connection(write=True) as db:
            db.execute(
                "INSERT INTO good_config (path, text, saved_at) VALUES (?, ?, ?) "
                "ON CONFLICT (path) DO UPDATE SET text = excluded.text, "
                "saved_at = excluded.saved_at",
                (str(Path(path).absolute()), text, _stamp(saved)),
            )

    def good_config(self, path: Path) -> str | None:
        """The text last saved by `save_good_config` for `path`; None if none was."""
        with self._connection(write=False) as db:
            row = db.execute(
                "SELECT text FROM good_config WHERE path = ?", (str(Path(path).absolute()),)
            ).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close the database; later calls raise StateError. Closing twice is harmless."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
