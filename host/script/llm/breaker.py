"""Stop asking a model that keeps failing, so the templates fill in at once while it is down."""

from __future__ import annotations

import time
from collections.abc import Callable


class Breaker:
    """Opens after `failures` failures in a row; stays open for a cool-down that doubles.

    While open, `allows()` is false and the writer goes straight to its templates. When the
    cool-down ends one request goes through: a success closes the breaker, a failure opens
    it again for twice as long (up to `max_cooldown`).
    """

    def __init__(
        self,
        failures: int = 3,
        cooldown: float = 30.0,
        max_cooldown: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or cooldown <= 0 or max_cooldown < cooldown:
            raise ValueError("breaker: failures >= 1 and 0 < cooldown <= max_cooldown")
        self.failures = failures
        self.cooldown = cooldown
        self.max_cooldown = max_cooldown
        self._clock = clock
        self._in_a_row = 0
        self._open_until: float | None = None
        self._next_cooldown = cooldown
        self.opened = 0  # times it opened, for metrics

    @property
    def is_open(self) -> bool:
        return self._open_until is not None and self._clock() < self._open_until

    def allows(self) -> bool:
        return not self.is_open

    def succeeded(self) -> None:
        self._in_a_row = 0
        self._open_until = None
        self._next_cooldown = self.cooldown

    def failed(self) -> None:
        if self.is_open:
            return  # a request sent before it opened: already counted in
        self._in_a_row += 1
        half_open = self._open_until is not None  # the one try after a cool-down failed
        if half_open or self._in_a_row >= self.failures:
            self._open_until = self._clock() + self._next_cooldown
            self._next_cooldown = min(self._next_cooldown * 2, self.max_cooldown)
            self.opened += 1
