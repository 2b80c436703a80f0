"""The as-run log written as the air goes: one entry per segment, off the playout's thread."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from host.errors import StateError
from host.script.product_rotation import RotationState
from host.segment.segment import Segment
from hostcast.daemon.state_store import AsRunEntry, StateStore

log = logging.getLogger(__name__)

QUEUE_ENTRIES = 1000  # hours of lines; past this the disk is stuck and entries are dropped
KEEP = timedelta(days=90)  # as-run entries older than this are pruned, about once a day
PRUNE_EVERY = 24 * 3600.0  # seconds between two prunes (the first comes at start)
_DONE = None


def as_run_entry(
    channel: str, segment: Segment, aired_at: datetime, *, slot: str, lang: str
) -> AsRunEntry:
    """The entry for `segment`, with the prices its product's card shows while it airs."""
    card = segment.overlay.card
    shows_product = card is not None and card.product_id == segment.product_id
    return AsRunEntry(
        channel=channel,
        aired_at=aired_at,
        duration=segment.duration,
        kind=segment.kind,
        text=segment.text,
        product_id=segment.product_id,
        source=segment.source,
        price=card.price if card is not None and shows_product else None,
        sale_price=card.sale_price if card is not None and shows_product else None,
        lang=lang,
        slot=slot,
    )


class AsRunLog:
    """Commits each entry with the rotation it resumes from, in a thread of its own.

    `record` never blocks (the playout calls it); a StateError is logged, handed to
    `on_error`, and the air goes on. `close` writes what is queued, then returns.
    Entries older than `keep` are pruned at start and then once a day (None: never), so a
    channel on air for years keeps a bounded log.
    """

    def __init__(
        self,
        store: StateStore,
        on_error: Callable[[StateError], None] | None = None,
        *,
        keep: timedelta | None = KEEP,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.written = 0
        self.dropped = 0
        self.pruned = 0
        self.keep = keep
        self._clock = clock
        self._monotonic = monotonic
        self._pruned_at: float | None = None
        self._on_error = on_error
        self._queue: queue.Queue[tuple[AsRunEntry, RotationState | None] | None] = queue.Queue(
            QUEUE_ENTRIES
        )
        self._thread = threading.Thread(target=self._run, name="hostcast-as-run", daemon=True)
        self._thread.start()

    def record(self, entry: AsRunEntry, rotation: RotationState | None = None) -> None:
        try:
            self._queue.put_nowait((entry, rotation))
        except queue.Full:
            self.dropped += 1
            log.error("as-run log: the state store is stuck; dropped an entry")

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            entry, rotation = item
            try:
                self.store.record_aired(entry, rotation=rotation)
                self.written += 1
                self._prune_when_due()
            except StateError as exc:
                log.error("as-run log: %s", exc)
                if self._on_error is not None:
                    self._on_error(exc)

    def _prune_when_due(self) -> None:
        now = self._monotonic()
        if self.keep is None or (
            self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY
        ):
            return
        self._pruned_at = now
        gone = self.store.prune(self._clock() - self.keep)
        self.pruned += gone
        if gone:
            log.info("as-run log: pruned %d entries older than %d days", gone, self.keep.days)

    def close(self, timeout: float = 10.0) -> None:
        """Write every queued entry (within `timeout`), then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(_DONE)
            self._thread.join(timeout)
