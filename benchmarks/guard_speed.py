"""How many lines a second the guard checks: every demo pitch, French and English."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from host.catalog.loader import load_catalog
from host.catalog.model import Product
from host.script.guard import PriceGuard
from host.script.line import Line
from host.script.template_writer import TemplateWriter

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
DEMO = Path(__file__).resolve().parent.parent / "demo"
SEEDS = 4
ROUNDS = 5


def pitches() -> list[tuple[Line, Product]]:
    said: list[tuple[Line, Product]] = []
    for lang in ("fr", "en"):
        products = load_catalog(DEMO / f"catalog.{lang}.json").products
        for seed in range(SEEDS):
            writer = TemplateWriter(seed=seed, clock=lambda: AT)
            said += [(line, p) for p in products for line in writer.pitch(p, lang)]
    return said


def main() -> None:
    lines = pitches()
    guard = PriceGuard(lambda: AT)
    refused = 0
    start = time.perf_counter()
    for _ in range(ROUNDS):
        refused += sum(not guard.check(line, product).ok for line, product in lines)
    elapsed = time.perf_counter() - start
    checked = len(lines) * ROUNDS
    print(
        f"{checked} lines in {elapsed:.2f} s: {checked / elapsed:,.0f} lines/s, {refused} refused"
    )


if __name__ == "__main__":
    main()
