"""Token buckets by key: how often one client, one page or everyone together may post."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class TokenBuckets:
    """One token bucket per key: `rate` tokens a second, holding at most `burst`; thread-safe.

    At most `max_keys` buckets are kept; the least recently used is forgotten first, and a
    forgotten bucket comes back full, so memory stays bounded however many keys a flood
    invents (limit those keys with a coarser bucket as well, such as the client address).
    """

    def __init__(self, rate: float, burst: float, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not rate > 0:
            raise ValueError(f"rate: expected tokens per second > 0, got {rate!r}")
        if not burst >= 1:
            raise ValueError(f"burst: expected at least 1 token, got {burst!r}")
        if max_keys < 1:
            raise ValueError(f"max_keys: expected at least 1, got {max_keys!r}")
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        return bucket

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` has a token (0.0: it has one now); spends nothing."""
        now = self.clock() if now is None else now
        with self.lock:
            bucket = self._bucket(key, now)
            return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def spend(self, key: str, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        with self.lock:
            bucket = self._bucket(key, now)
            bucket.tokens = max(bucket.tokens - 1, 0.0)

    def take(self, key: str, now: float | None = None) -> float:
        """Spend a token of `key` and return 0.0, or return the seconds until one is due."""
        return take_all([(self, key)], now)


def take_all(limits: Sequence[tuple[TokenBuckets, str]], now: float | None = None) -> float:
    """Spend one token in every bucket if each has one (0.0), else the longest wait, spending none.

    A refused request costs nothing, so a flood that is refused does not push an honest
    request of the same client further back than its own rate.
    """
    if not limits:
        return 0.0
    now = limits[0][0].clock() if now is None else now
    wait = max(buckets.wait(key, now) for buckets, key in limits)
    if wait > 0:
        return wait
    for buckets, key in limits:
        buckets.spend(key, now)
    return 0.0
