"""What the preview server needs from the show: the on-air state, and the operator's levers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypedDict, runtime_checkable


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
    repeated_frames: int
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


class ChatEntry(TypedDict, total=False):
    """One viewer message as the page lists it; `reason` is for the operator's eyes only."""

    id: str
    name: str  # as cleaned for the screen
    text: str  # as cleaned for the screen
    source: str  # "page", "api", or a connector's name
    kind: str  # "message", or a platform event: "superchat", "membership", ...
    at: str  # when it arrived, HH:MM:SS on the wall clock
    intent: str  # "price", "stock", "size", "greeting", "off_topic", "abuse", ...
    state: str  # "answering" (built, waiting to air), "answered", "not answered"
    answered: bool
    answer: str | None  # what the host says, as captioned
    latency_ms: float | None  # receipt to the answer's first sample on air
    aired_s: float | None  # when that first sample aired, in seconds of the stream's clock
    reason: str | None  # why it was not answered (operator only)
    withheld: bool  # abusive or an injection attempt: its text is for the operator only


class TooManyMessages(Exception):
    """`Chat.receive` refuses a message over a rate limit: HTTP 429 with Retry-After."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@runtime_checkable
class Chat(Protocol):
    """Viewers' messages in, and what became of them.

    `receive` is called from a worker thread; `chat_log` in the server's event loop about
    five times a second (make it cheap and thread-safe).
    """

    def receive(
        self, name: str, text: str, *, source: str, client: str, received: float,
        kind: str = "message",
    ) -> Mapping[str, Any]: ...  # {"id", "intent", "spoken"}; ValueError("field: why") refuses
    # (400), TooManyMessages refuses over a limit (429)

    def chat_log(self) -> list[ChatEntry]: ...  # the recent messages, oldest first
