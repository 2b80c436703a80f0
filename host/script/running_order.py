"""The order of lines on air: greeting and disclosure at a set interval, products in rotation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime

from host.catalog.model import Product
from host.script.line import Line
from host.script.product_rotation import ProductRotation, RotationState
from host.script.steering import Steering
from host.script.template_writer import utc_now
from host.script.writer import ScriptWriter

SHOW_INTERVAL = 600.0  # seconds of air between two greetings with the AI disclosure
CHARS_PER_SECOND = 15.0  # a presenter's speaking pace, roughly, in English and French

Catalog = Sequence[Product] | Callable[[], Sequence[Product]]


class SpokenClock:
    """Air time estimated from the text said so far, for when no playout clock is at hand."""

    def __init__(self, chars_per_second: float = CHARS_PER_SECOND) -> None:
        if chars_per_second <= 0:
            raise ValueError(f"chars_per_second must be positive, got {chars_per_second}")
        self.chars_per_second = chars_per_second
        self.chars = 0

    def said(self, line: Line) -> None:
        self.chars += len(line.text)

    def __call__(self) -> float:
        return self.chars / self.chars_per_second


def running_order(
    writer: ScriptWriter,
    products: Catalog,
    lang: str,
    *,
    opening: bool = True,
    pitches: int | None = None,
    clock: Callable[[], float] | None = None,
    seed: int = 0,
    show_interval: float | None = SHOW_INTERVAL,
    now: Callable[[], datetime] = utc_now,
    state: RotationState | None = None,
    steering: Steering | None = None,
) -> Iterator[tuple[Line, Product | None]]:
    """Each line with the product on screen while it airs; endless when `pitches` is None.

    `products` is the catalog, or a function returning it as it is now (read before every
    pick, so a reloaded catalog and a product that sold out are taken into account).
    `clock` gives the air time in seconds at which the next line will start (the end of
    what the playout has queued); without it, air time is estimated from the text said.
    Greeting and disclosure open the show (unless `opening` is false) and come back between
    two products once `show_interval` seconds of air have passed since they last started;
    None: never again. `now` judges sales; `state` resumes a saved rotation and is kept
    up to date as products are picked; a product whose entry changes or leaves the catalog
    mid-pitch says no more of that pitch. `steering` lets an operator skip the product on
    screen, pin one, or pause the rotation (the order then blocks until resumed).
    """
    if show_interval is not None and show_interval <= 0:
        raise ValueError(f"show_interval must be positive seconds, got {show_interval}")
    if pitches is not None and pitches < 0:
        raise ValueError(f"pitches must not be negative, got {pitches}")
    catalog = products if callable(products) else lambda: products
    rotation = ProductRotation(seed=seed, state=state)
    return _lines(
        writer, catalog, lang, rotation, opening, pitches, clock, show_interval, now,
        steering or Steering(),
    )


def _lines(
    writer: ScriptWriter,
    catalog: Callable[[], Sequence[Product]],
    lang: str,
    rotation: ProductRotation,
    opening: bool,
    pitches: int | None,
    clock: Callable[[], float] | None,
    show_interval: float | None,
    now: Callable[[], datetime],
    steering: Steering,
) -> Iterator[tuple[Line, Product | None]]:
    spoken = SpokenClock()
    air = clock or spoken

    def on_air(
        lines: Iterable[Line], product: Product | None
    ) -> Iterator[tuple[Line, Product | None]]:
        for line in lines:
            steering.wait_while_paused()
            if product is not None and steering.take_skip():
                return  # the operator moved on: the rest of this product is not said
            if product is not None and product not in catalog():
                return  # its entry changed or left the catalog: no stale price is said
            spoken.said(line)
            yield line, product

    def welcome(product: Product | None) -> Iterator[tuple[Line, Product | None]]:
        for kind in ("greeting", "disclosure"):
            yield from on_air(writer.lines(None, kind, lang), product)

    shown_at: float | None = None
    on_screen: Product | None = None
    done = 0
    while pitches is None or done < pitches:
        steering.wait_while_paused()
        product = _pinned(catalog(), steering.pinned) or rotation.pick(catalog(), now())
        if shown_at is None:
            shown_at = air()
            if opening:
                yield from welcome(product)
        elif show_interval is not None and air() - shown_at >= show_interval:
            shown_at = air()
            yield from welcome(on_screen)
        if product is None:
            # Nothing orderable: a finite order ends; on air, fill and look again, since a
            # reloaded catalog may bring stock back.
            filler = writer.lines(None, "filler", lang) if pitches is None else []
            if not filler:
                return
            on_screen = None
            yield from on_air(filler, None)
            continue
        if done:
            yield from on_air(writer.lines(product, "transition", lang), product)
        yield from on_air(writer.pitch(product, lang), product)
        on_screen = product
        done += 1


def _pinned(products: Sequence[Product], product_id: str | None) -> Product | None:
    if product_id is None:
        return None
    return next((p for p in products if p.id == product_id and p.orderable), None)
