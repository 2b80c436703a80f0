"""A small least-recently-used cache of drawn pictures that counts its hits, misses and bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

K = TypeVar("K", bound=Hashable)
Picture = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class CacheStats:
    """How one cache has done: hits, misses, entries held, its bound, and their bytes."""

    hits: int
    misses: int
    entries: int
    max_entries: int
    nbytes: int


class PictureCache(Generic[K]):
    """Read-only pictures by key; past `max_entries` the least recently used is dropped.

    Safe to share between the thread that warms it ahead of air and the one that airs.
    """

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"a cache needs room for at least 1 entry, not {max_entries}")
        self.max_entries = max_entries
        self._entries: OrderedDict[K, Picture] = OrderedDict()
        self._hits = 0
        self._misses = 0
        self._nbytes = 0
        self._lock = threading.Lock()  # drawing happens outside it: only the dict is guarded

    def get(self, key: K, make: Callable[[K], Picture]) -> Picture:
        """The picture for `key`, made (and kept) on a miss."""
        with self._lock:
            picture = self._entries.get(key)
            if picture is not None:
                self._hits += 1
                self._entries.move_to_end(key)
                return picture
            self._misses += 1
        picture = make(key)
        picture.flags.writeable = False  # shared by every frame that hits: never mutate
        with self._lock:
            if key in self._entries:  # the other thread drew it meanwhile: keep one
                self._nbytes -= self._entries.pop(key).nbytes
            self._entries[key] = picture
            self._nbytes += picture.nbytes
            while len(self._entries) > self.max_entries:
                _, dropped = self._entries.popitem(last=False)
                self._nbytes -= dropped.nbytes
        return picture

    def stats(self) -> CacheStats:
        """The counters so far."""
        return CacheStats(
            self._hits, self._misses, len(self._entries), self.max_entries, self._nbytes
        )
