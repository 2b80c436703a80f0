"""Exponential backoff with jitter, for reconnecting and retrying sinks."""

from __future__ import annotations

import random


class Backoff:
    """Delays that double from `initial` up to `maximum`, each jittered by up to ±`jitter`."""

    def __init__(
        self,
        initial: float = 0.5,
        maximum: float = 10.0,
        *,
        jitter: float = 0.2,
        rng: random.Random | None = None,
    ) -> None:
        if not 0 < initial <= maximum:
            raise ValueError(f"backoff {initial}..{maximum} s: need 0 < initial <= maximum")
        if not 0 <= jitter < 1:
            raise ValueError(f"backoff jitter {jitter}: must be in [0, 1)")
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
        self._rng = rng or random.Random()
        self._next = initial

    def next_delay(self) -> float:
        """The delay before the next attempt; each call doubles the one after."""
        base = self._next
        self._next = min(self.maximum, self._next * 2)
        # Jitter spreads many sinks' retries so they do not hit one ingest in step.
        return base * (1 + self._rng.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        """Start again from `initial`, after a connection proved stable."""
        self._next = self.initial
