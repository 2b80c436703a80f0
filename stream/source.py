"""Where the playout takes its next segment from, without ever waiting for it."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Protocol

from stream.contract import AirSegment

log = logging.getLogger(__name__)

RESTART_DELAY = 1.0  # seconds before a crashed producer is made again, doubling
MAX_RESTART_DELAY = 30.0


class SegmentSource(Protocol):
    def poll(self) -> AirSegment | None: ...  # a ready segment, or None at once

    def ahead(self) -> float: ...  # seconds of air ready and waiting

    def close(self) -> None: ...


class ProducerThread:
    """Builds segments ahead of air in a thread, into a queue bounded by seconds of air.

    `segments` makes the endless iterator of segments; if it ever raises, the crash is
    logged and a fresh one is made after a backoff, while the playout airs its idle
    programme: a crashed producer is restarted, never left dead.
    """

    def __init__(
        self, segments: Callable[[], Iterator[AirSegment]], lookahead: float = 30.0
    ) -> None:
        if lookahead <= 0:
            raise ValueError(f"lookahead {lookahead}: must be positive")
        self._make = segments
        self._lookahead = lookahead
        self._queue: deque[AirSegment] = deque()
        self._urgent: deque[AirSegment] = deque()
        self._seconds = 0.0
        self._epoch = 0  # flushes so far
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self.restarts = 0
        self._thread = threading.Thread(target=self._run, name="hostcast-producer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        delay = RESTART_DELAY
        while not self._stop.is_set():
            try:
                self._produce(self._make())
                return
            except Exception as exc:  # the playout goes on with its idle programme
                self.error = exc
                self.restarts += 1
                log.exception("the segment producer crashed; restarting in %.0f s", delay)
                self._stop.wait(delay)
                delay = min(delay * 2, MAX_RESTART_DELAY)

    def _produce(self, segments: Iterator[AirSegment]) -> None:
        while True:
            epoch = self._epoch
            segment = next(segments, None)
            if segment is None:
                return
            with self._lock:
                while self._seconds >= self._lookahead and not self._stop.is_set():
                    self._lock.wait(0.5)
                if self._stop.is_set():
                    return
                if epoch != self._epoch:
                    continue  # built before a flush: it belongs to what was dropped
                self._queue.append(segment)
                self._seconds += segment.duration

    def poll(self) -> AirSegment | None:
        with self._lock:
            if self._urgent:
                return self._urgent.popleft()
            if not self._queue:
                return None
            segment = self._queue.popleft()
            self._seconds -= segment.duration
            self._lock.notify()
            return segment

    def ahead(self) -> float:
        return max(0.0, self._seconds)

    def upcoming(self) -> list[AirSegment]:
        """The segments waiting, soonest first (a copy)."""
        with self._lock:
            return [*self._urgent, *self._queue]

    def inject(self, segment: AirSegment) -> None:
        """Air `segment` next, before anything queued (an operator's line)."""
        with self._lock:
            self._urgent.append(segment)

    def flush(self) -> None:
        """Drop what is queued (not what is injected): the running order has moved on."""
        with self._lock:
            self._queue.clear()
            self._seconds = 0.0
            self._epoch += 1
            self._lock.notify()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        self._thread.join(timeout=5)


class InlineSource:
    """Builds each segment when asked: for simulated time, where air outruns any thread."""

    def __init__(self, segments: Iterator[AirSegment]) -> None:
        self._segments = segments

    def poll(self) -> AirSegment | None:
        return next(self._segments, None)

    def ahead(self) -> float:
        return 0.0

    def close(self) -> None:
        return None
