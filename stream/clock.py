"""The master clock, injected: real for air, simulated for tests that run a day in minutes."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...  # seconds, monotonic

    def sleep_until(self, deadline: float, stop: threading.Event | None = None) -> None: ...


class RealClock:
    """time.monotonic; never sleeps a negative time, wakes early when asked to stop."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float, stop: threading.Event | None = None) -> None:
        delay = deadline - time.monotonic()
        if delay <= 0:
            return
        if stop is not None:
            stop.wait(delay)
        else:
            time.sleep(delay)


class SimulatedClock:
    """Time moves only when the playout sleeps: a day of air costs only the work done in it."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def sleep_until(self, deadline: float, stop: threading.Event | None = None) -> None:
        self._now = max(self._now, deadline)

    def advance(self, seconds: float) -> None:
        """Let time pass outside the playout, as a stall or a slow frame would."""
        self._now += seconds
