"""Answers waiting for the voice, taken in turn from each source so no platform starves the rest."""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from typing import Generic, TypeVar

T = TypeVar("T")


class FairQueue(Generic[T]):
    """A bounded queue per source, served in turn: the source served longest ago goes first.

    `put` refuses (False) when that source already has `per_source` items waiting, so a
    flood from one platform fills only its own queue. A source is remembered as served
    even once its queue is empty, so one that keeps refilling its queue does not jump
    ahead of a source that has waited. `get` blocks until an item or `close`.
    """

    MAX_REMEMBERED = 1000  # sources whose last turn is kept, the longest ago forgotten first

    def __init__(self, per_source: int) -> None:
        if per_source < 1:
            raise ValueError(f"per_source {per_source!r}: must be at least 1")
        self.per_source = per_source
        self._queues: dict[str, deque[T]] = {}
        self._served: OrderedDict[str, int] = OrderedDict()  # source -> its last turn
        self._turns = 0
        self._ready = threading.Condition()
        self._closed = False

    def put(self, source: str, item: T) -> bool:
        with self._ready:
            waiting = self._queues.setdefault(source, deque())
            if len(waiting) >= self.per_source:
                return False
            waiting.append(item)
            self._ready.notify()
            return True

    def get(self) -> T | None:
        """The next item, from the waiting source served longest ago (or never); None once
        closed."""
        with self._ready:
            while not self._closed and not self._queues:
                self._ready.wait()
            if self._closed:
                return None
            source = min(self._queues, key=lambda name: self._served.get(name, -1))
            waiting = self._queues[source]
            item = waiting.popleft()
            if not waiting:
                del self._queues[source]
            self._turns += 1
            self._served.pop(source, None)
            self._served[source] = self._turns
            while len(self._served) > self.MAX_REMEMBERED:
                self._served.popitem(last=False)
            return item

    def clear(self) -> int:
        """Drop every waiting item; how many there were."""
        with self._ready:
            dropped = sum(len(q) for q in self._queues.values())
            self._queues.clear()
            return dropped

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def __len__(self) -> int:
        with self._ready:
            return sum(len(q) for q in self._queues.values())
