"""The as-run log written as the air goes: one entry per segment, off the playout's thread."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime

from host.daemon.state_store import AsRunEntry, StateStore
from host.errors import StateError
from host.script.product_rotation import RotationState
from host.segment.segment import Segment

log = logging.getLogger(__name__)

QUEUE_ENTRIES = 1000  # hours of lines; past this the disk is stuck and entries are dropped
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
    """

    def __init__(
        self, store: StateStore, on_error: Callable[[StateError], None] | None = None
    ) -> None:
        self.store = store
        self.written = 0
        self.dropped = 0
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
            except StateError as exc:
                log.error("as-run log: %s", exc)
                if self._on_error is not None:
                    self._on_error(exc)

    def close(self, timeout: float = 10.0) -> None:
        """Write every queued entry (within `timeout`), then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(_DONE)
            self._thread.join(timeout)
