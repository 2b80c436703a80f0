"""A seeded rotation through variants that never says the same one twice in a row."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class VariantRotation(Generic[T]):
    """Shuffled cycles over the items; a new cycle never starts with the last item said."""

    def __init__(self, items: Sequence[T], rng: random.Random) -> None:
        if not items:
            raise ValueError("a rotation needs at least one item")
        self._items = list(items)
        self._rng = rng
        self._cycle: list[T] = []
        self._last: T | None = None

    def _refill(self) -> None:
        cycle = list(self._items)
        self._rng.shuffle(cycle)
        if len(cycle) > 1 and cycle[0] is self._last:
            cycle.append(cycle.pop(0))
        self._cycle = cycle

    def order(self) -> list[T]:
        """Every item, in the order to try: this cycle's rest first, the last one said last."""
        if not self._cycle:
            self._refill()
        ahead = [*self._cycle, *(i for i in self._items if not _holds(self._cycle, i))]
        if len(ahead) > 1 and self._last is not None and _holds(ahead, self._last):
            ahead = [i for i in ahead if i is not self._last] + [self._last]
        return ahead

    def took(self, item: T) -> None:
        """Record that `item` was said, so the rotation moves past it."""
        self._cycle = [i for i in self._cycle if i is not item]
        self._last = item


def _holds(items: list[T], item: T) -> bool:
    return any(i is item for i in items)
