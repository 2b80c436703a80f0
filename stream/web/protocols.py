"""What the preview server needs from the show: the on-air state, and the operator's levers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypedDict


class ProductView(TypedDict, total=False):
    id: str
    title: str
    price: str  # as shown: "€39.90"
    sale_price: str | None
    deal: str | None  # "-30 % until Sunday"
    image: str | None  # an https:// or data: URL


class SlotView(TypedDict, total=False):
    name: str
    start: str  # ISO 8601
    end: str


class SinkView(TypedDict, total=False):
    name: str
    state: str
    sent_bytes: int
    dropped_bytes: int
    reconnects: int
    last_error: str


class HealthView(TypedDict, total=False):
    fps: float
    late_p50_ms: float
    late_p99_ms: float
    dropped_frames: int
    air_seconds: float
    sinks: list[SinkView]


class OnAir(TypedDict, total=False):
    """The on-air state the page shows; every key is optional, unknown keys are passed through.

    The server adds `viewers` (int) itself.
    """

    product: ProductView | None  # the card on screen
    caption: str | None  # the line being spoken
    next: list[ProductView]  # the queue, soonest first
    slot: SlotView | None  # the schedule slot, when there is one
    health: HealthView
    products: list[ProductView]  # what the operator may pin
    pinned: str | None
    paused: bool


# Called in the server's event loop about five times a second: make it cheap and
# thread-safe (read a snapshot the playout keeps); return JSON-able values only.
StatusSource = Callable[[], Mapping[str, Any]]


class Controls(Protocol):
    """The operator's levers. Called from a worker thread; raise ValueError to refuse (400)."""

    def skip(self) -> None: ...

    def pin(self, product_id: str | None) -> None: ...  # None: unpin

    def say(self, text: str) -> str | None: ...  # an error message when the text is refused

    def pause(self) -> None: ...

    def resume(self) -> None: ...
