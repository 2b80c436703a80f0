"""Which product comes up next on air: a seeded, weighted rotation that skips sold-out items."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from host.catalog.model import Product

FEATURED_LABEL = "featured"


def is_featured(product: Product) -> bool:
    """Whether the catalog marks the product "featured" in a custom label (any case)."""
    return any(label.strip().casefold() == FEATURED_LABEL for label in product.custom_labels)


def weight(product: Product, now: datetime) -> int:
    """How many turns the product gets per turn of a plain product."""
    # Plain 1; featured or on sale 2; featured and on sale 3 (each adds one turn).
    return 1 + is_featured(product) + product.sale_active(now)


@dataclass
class RotationState:
    """Where the rotation stands; `to_dict()` round-trips through JSON to resume after a restart.

    `credit` is each product's place in the smooth weighted round-robin, `last_id` the
    product picked last, `counts` how many turns each product has had, `picks` the total.
    """

    credit: dict[str, int] = field(default_factory=dict)
    last_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    picks: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "credit": dict(self.credit),
            "last_id": self.last_id,
            "counts": dict(self.counts),
            "picks": self.picks,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RotationState:
        """The state `to_dict()` wrote; a ValueError names the field that is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"rotation state: expected an object, got {type(data).__name__}")
        last_id = data.get("last_id")
        if last_id is not None and not isinstance(last_id, str):
            raise ValueError(f"rotation state: last_id must be a product id, got {last_id!r}")
        picks = data.get("picks", 0)
        if not _is_int(picks) or picks < 0:
            raise ValueError(f"rotation state: picks must be a whole number >= 0, got {picks!r}")
        return cls(
            credit=_int_map(data.get("credit", {}), "credit"),
            last_id=last_id,
            counts=_int_map(data.get("counts", {}), "counts"),
            picks=picks,
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_map(value: object, name: str) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise ValueError(f"rotation state: {name} must map product ids to numbers")
    for key, number in value.items():
        if not isinstance(key, str) or not _is_int(number):
            raise ValueError(f"rotation state: {name}[{key!r}] must be a whole number")
    return dict(value)


class ProductRotation:
    """Smooth weighted round-robin over the orderable products, never one twice in a row.

    Each pick, every orderable product earns its weight in credit; the richest one (ties
    broken by a seeded order) airs and pays back the total. A product of weight w among
    orderable products weighing W in all gets w turns in every W, spread out (fewer when
    w > W/2, since no product airs twice in a row). While the catalog holds still, every
    orderable product comes up at least once in any W picks in a row (K = W, at most three
    times the number of orderable products).
    """

    def __init__(self, *, seed: int = 0, state: RotationState | None = None) -> None:
        self.seed = seed
        self.state = state if state is not None else RotationState()

    def _rank(self, product_id: str) -> float:
        # A str seed hashes with SHA-512: the same order in every process.
        return random.Random(f"{self.seed}:{product_id}").random()

    def pick(self, products: Sequence[Product], now: datetime) -> Product | None:
        """The next product to pitch among `products` as they are now; None if none is orderable."""
        state = self.state
        present: dict[str, Product] = {}
        for product in products:
            present.setdefault(product.id, product)
        # Products gone from the catalog leave the state, so it stays as big as the catalog.
        for book in (state.credit, state.counts):
            for gone in [pid for pid in book if pid not in present]:
                del book[gone]
        on_air = [p for p in present.values() if p.orderable]
        if not on_air:
            return None
        weights = {p.id: weight(p, now) for p in on_air}
        total = sum(weights.values())
        credit = state.credit
        # Re-centre after products came and went, so credits stay small; ranks do not move.
        offset = sum(credit.get(pid, 0) for pid in weights) // len(weights)
        for pid, w in weights.items():
            credit[pid] = credit.get(pid, 0) - offset + w
        ranked = sorted(weights, key=lambda pid: (-credit[pid], self._rank(pid)))
        chosen = ranked[0]
        if chosen == state.last_id and len(ranked) > 1:
            chosen = ranked[1]
        credit[chosen] -= total
        state.last_id = chosen
        state.counts[chosen] = state.counts.get(chosen, 0) + 1
        state.picks += 1
        return present[chosen]
