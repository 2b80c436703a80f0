"""Where the playout takes its next segment from, without ever waiting for it."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from typing import Protocol

from host.segment.segment import Segment

log = logging.getLogger(__name__)


class SegmentSource(Protocol):
    def poll(self) -> Segment | None: ...  # a ready segment, or None at once

    def ahead(self) -> float: ...  # seconds of air ready and waiting

    def close(self) -> None: ...


class ProducerThread:
    """Builds segments ahead of air in a thread, into a queue bounded by seconds of air."""

    def __init__(self, segments: Iterator[Segment], lookahead: float = 30.0) -> None:
        if lookahead <= 0:
            raise ValueError(f"lookahead {lookahead}: must be positive")
        self._segments = segments
        self._lookahead = lookahead
        self._queue: queue.SimpleQueue[Segment] = queue.SimpleQueue()
        self._seconds = 0.0
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="hostcast-producer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for segment in self._segments:
                with self._lock:
                    while self._seconds >= self._lookahead and not self._stop.is_set():
                        self._lock.wait(0.5)
                    if self._stop.is_set():
                        return
                    self._queue.put(segment)
                    self._seconds += segment.duration
        except BaseException as exc:  # the playout goes on with its idle programme
            self.error = exc
            log.exception("the segment producer stopped")

    def poll(self) -> Segment | None:
        try:
            segment = self._queue.get_nowait()
        except queue.Empty:
            return None
        with self._lock:
            self._seconds -= segment.duration
            self._lock.notify()
        return segment

    def ahead(self) -> float:
        return max(0.0, self._seconds)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        self._thread.join(timeout=5)


class InlineSource:
    """Builds each segment when asked: for simulated time, where air outruns any thread."""

    def __init__(self, segments: Iterator[Segment]) -> None:
        self._segments = segments

    def poll(self) -> Segment | None:
        return next(self._segments, None)

    def ahead(self) -> float:
        return 0.0

    def close(self) -> None:
        return None
