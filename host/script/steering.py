"""The operator's hand on the running order: skip, pin, pause; safe across threads."""

from __future__ import annotations

import threading


class Steering:
    """Requests the running order reads between lines; set from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        self._skip = False
        self._pinned: str | None = None

    def skip(self) -> None:
        with self._lock:
            self._skip = True

    def take_skip(self) -> bool:
        """Whether a skip was asked for since the last call (and clear it)."""
        with self._lock:
            asked, self._skip = self._skip, False
            return asked

    def pin(self, product_id: str | None) -> None:
        with self._lock:
            self._pinned = product_id

    @property
    def pinned(self) -> str | None:
        return self._pinned

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """Block while paused; True once running (False if `timeout` passed first)."""
        return self._running.wait(timeout)
