"""How often the platforms' viewers may reach the host: per viewer, per platform, all together."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from stream.web.rate_limit import TokenBuckets, take_all

# Hostcast's own doors, limited where they come in: the page by its server, the operator's
# API by its token holder.
UNGATED = frozenset({"page", "api"})
COUNTERS = ("received", "dropped", "answered", "not_answered")
MAX_SOURCES = 100  # sources tallied apart; the rest are counted together under "other"


@dataclass(frozen=True)
class GateLimits:
    """Rates in messages a second, with bursts. A platform's share is below the whole, so one
    platform's flood leaves room for the others' viewers."""

    viewer: tuple[float, float] = (1 / 3, 3)  # one viewer on one platform
    platform: tuple[float, float] = (1.0, 5)  # one platform (or webhook source)
    overall: tuple[float, float] = (2.0, 10)  # every platform together


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))


class ChatGate:
    """Admits or refuses each platform message by token buckets, and counts what became of them."""

    def __init__(self, limits: GateLimits | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        limits = limits or GateLimits()
        self.limits = limits
        self._viewer = TokenBuckets(*limits.viewer, clock=clock)
        self._platform = TokenBuckets(*limits.platform, max_keys=1000, clock=clock)
        self._overall = TokenBuckets(*limits.overall, max_keys=1, clock=clock)
        self._lock = threading.Lock()
        self._tallies: dict[str, _Tally] = {}

    def admit(self, source: str, client: str, now: float | None = None) -> float:
        """0.0 when the message may go on (counted received), else the seconds to wait (dropped).

        A refused message spends no token anywhere: a platform over its own share cannot
        eat into what is left for the others.
        """
        self.count(source, "received")
        if source in UNGATED:
            return 0.0
        wait = take_all([(self._viewer, f"{source}:{client}"), (self._platform, source),
                         (self._overall, "all")], now)
        if wait > 0:
            self.count(source, "dropped")
        return wait

    def count(self, source: str, counter: str) -> None:
        with self._lock:
            if source not in self._tallies and len(self._tallies) >= MAX_SOURCES:
                source = "other"
            tally = self._tallies.get(source)
            if tally is None:
                tally = self._tallies[source] = _Tally()
            tally.counts[counter] += 1

    def tallies(self) -> dict[str, dict[str, int]]:
        """Per source: received, dropped (over a limit), answered (aired), not_answered."""
        with self._lock:
            return {source: dict(t.counts) for source, t in self._tallies.items()}
