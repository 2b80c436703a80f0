"""The running order: products in rotation, the greeting and AI disclosure back on schedule."""

import itertools
import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from conftest import NOW, eur

from host.catalog.model import Availability, Product
from host.script.line import Line
from host.script.product_rotation import RotationState
from host.script.running_order import SpokenClock, running_order
from host.script.template_writer import TemplateWriter

SECONDS_PER_LINE = 7.0


def writer() -> TemplateWriter:
    return TemplateWriter(seed=0, clock=lambda: NOW)


def product(pid: str, *, featured: bool = False, stock: bool = True) -> Product:
    return Product(
        id=pid,
        title=f"Product {pid}",
        price=eur("20.00"),
        custom_labels=("featured",) if featured else (),
        availability=Availability.IN_STOCK if stock else Availability.OUT_OF_STOCK,
    )


CATALOG = [product("a", featured=True), product("b"), product("c"), product("d", stock=False)]


class AirClock:
    """Air time as the playout would report it: each line taken adds a fixed duration."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    def timed(
        self, order: Iterator[tuple[Line, Product | None]]
    ) -> Iterator[tuple[float, Line, Product | None]]:
        for line, on_screen in order:
            yield self.t, line, on_screen
            self.t += SECONDS_PER_LINE


def pitched(lines: list[Line]) -> list[str]:
    return [line.product_id for line in lines if line.kind == "intro" and line.product_id]


def test_opening_greets_and_discloses_with_the_first_product_on_screen() -> None:
    order = list(running_order(writer(), CATALOG, "en", pitches=3, seed=1))
    (greet, first), (disclose, _), (intro, pitched_first) = order[:3]
    assert (greet.kind, disclose.kind, intro.kind) == ("greeting", "disclosure", "intro")
    assert first is pitched_first
    lines = [line for line, _ in order]
    assert len(pitched(lines)) == 3
    assert "d" not in pitched(lines)
    assert all(a != b for a, b in itertools.pairwise(pitched(lines)))
    assert [line.kind for line in lines].count("transition") == 2


def test_greeting_and_disclosure_come_back_every_interval_and_not_more_often() -> None:
    air = AirClock()
    interval = 600.0
    order = running_order(writer(), CATALOG, "en", clock=air, show_interval=interval)
    timed = list(itertools.islice(air.timed(order), 2000))  # about 3.9 hours of air
    greetings = [t for t, line, _ in timed if line.kind == "greeting"]
    assert greetings[0] == 0.0
    gaps = [b - a for a, b in itertools.pairwise(greetings)]
    # At most a transition and a whole pitch (9 lines) late: it waits for the pitch to end.
    late = SECONDS_PER_LINE * 9
    assert all(interval <= gap <= interval + late for gap in gaps), gaps
    assert len(greetings) >= timed[-1][0] // (interval + late)
    for i, (_, line, _) in enumerate(timed[:-2]):
        if line.kind == "greeting":
            assert timed[i + 1][1].kind == "disclosure"
            if i:  # between two products: the next product is announced after them
                assert timed[i - 1][1].kind == "call_to_action"
                assert timed[i + 2][1].kind == "transition"


def test_without_a_clock_air_time_is_estimated_from_the_text_said() -> None:
    clock = SpokenClock()
    lines = [line for line, _ in running_order(writer(), CATALOG, "en", pitches=200)]
    starts: list[float] = []
    for line in lines:
        if line.kind == "greeting":
            starts.append(clock())
        clock.said(line)
    assert starts[0] == 0.0
    assert len(starts) >= 2
    assert all(600 <= b - a < 700 for a, b in itertools.pairwise(starts))


def test_no_opening_greets_first_after_the_interval() -> None:
    air = AirClock()
    order = running_order(writer(), CATALOG, "en", opening=False, clock=air, show_interval=300)
    timed = list(itertools.islice(air.timed(order), 300))
    greetings = [t for t, line, _ in timed if line.kind == "greeting"]
    assert timed[0][1].kind == "intro"
    assert 300 <= greetings[0] < 360


def test_show_interval_none_greets_once() -> None:
    air = AirClock()
    order = running_order(writer(), CATALOG, "en", clock=air, show_interval=None)
    kinds = [line.kind for _, line, _ in itertools.islice(air.timed(order), 1000)]
    assert kinds.count("greeting") == kinds.count("disclosure") == 1


def test_a_reloaded_catalog_is_read_before_each_pick() -> None:
    catalog = list(CATALOG)
    order = running_order(writer(), lambda: catalog, "en", seed=2)
    seen: list[str] = []
    for line, on_screen in order:
        if line.kind == "intro" and on_screen is not None:
            seen.append(on_screen.id)
            if len(seen) == 20:
                catalog[0] = replace(catalog[0], availability=Availability.OUT_OF_STOCK)
                catalog.append(product("e"))
            if len(seen) == 60:
                break
    assert "a" in seen[:20] and "e" not in seen[:20]
    assert "a" not in seen[20:] and "e" in seen[20:]


def test_nothing_orderable_fills_the_air_until_stock_comes_back() -> None:
    catalog = [product("x", stock=False)]
    order = running_order(writer(), lambda: catalog, "en")
    kinds = [line.kind for line, _ in itertools.islice(order, 6)]
    assert kinds[:2] == ["greeting", "disclosure"] and set(kinds[2:]) == {"filler"}
    catalog[0] = product("x")
    line, on_screen = next(order)
    assert line.kind == "intro" and on_screen is not None and on_screen.id == "x"
    assert [line.kind for line, _ in running_order(writer(), catalog[:0], "en", pitches=3)] == [
        "greeting",
        "disclosure",
    ]


def test_state_resumes_the_rotation_after_a_restart() -> None:
    def run(pitches: int, state: RotationState | None = None) -> list[str]:
        order = running_order(writer(), CATALOG, "en", pitches=pitches, state=state)
        return pitched([line for line, _ in order])

    straight = run(12)
    state = RotationState()
    head = run(5, state)
    saved = RotationState.from_dict(json.loads(json.dumps(state.to_dict())))
    tail = run(7, saved)
    assert head + tail == straight


def test_bad_arguments_fail_before_air() -> None:
    with pytest.raises(ValueError, match="show_interval"):
        running_order(writer(), CATALOG, "en", show_interval=0)
    with pytest.raises(ValueError, match="pitches"):
        running_order(writer(), CATALOG, "en", pitches=-1)
