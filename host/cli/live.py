"""The show on air, steered: the operator's controls and the on-air state for the page."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from host.catalog.model import Product
from host.cli.show import Show
from host.compose.overlay import ProductCard
from host.script.steering import Steering
from host.script.typed_line import typed_line
from host.segment.cards import card_for
from stream.broadcast import Broadcast
from stream.picture import FrameState
from stream.playout import Playout
from stream.source import ProducerThread
from stream.web.status import FrameRate, health_view


def _view(card: ProductCard) -> dict[str, Any]:
    deal = " ".join(part for part in (card.discount, card.deal_ends) if part) or None
    return {
        "id": card.product_id,
        "title": card.title,
        "price": card.price,
        "sale_price": card.sale_price,
        "deal": deal,
    }


class LiveShow:
    """Implements the preview page's controls and status on top of a running show."""

    def __init__(
        self,
        show: Show,
        steering: Steering,
        *,
        products: Callable[[], Sequence[Product]] | None = None,
        slot: Callable[[], str | None] | None = None,
    ) -> None:
        # `products`: what may be pinned now (default: the show's catalog); `slot`: the
        # schedule slot on air, for the page (default: none).
        self.show = show
        self.steering = steering
        self._products = products or (lambda: show.loaded.products)
        self._slot = slot
        self.producer: ProducerThread | None = None
        self.playout: Playout | None = None
        self.broadcast: Broadcast | None = None
        self._last: FrameState | None = None
        self._rate = FrameRate()
        self._lock = threading.Lock()

    def attach(self, producer: ProducerThread, playout: Playout, broadcast: Broadcast) -> None:
        self.producer, self.playout, self.broadcast = producer, playout, broadcast

    def on_frame(self, state: FrameState) -> None:
        self._last = state  # one reference swap per frame: cheap on the playout's thread

    def _product(self, product_id: str | None) -> Product | None:
        return next((p for p in self._products() if p.id == product_id), None)

    # Controls (called from the web server's worker threads)

    def skip(self) -> None:
        self.steering.skip()
        if self.producer is not None:
            self.producer.flush()

    def pin(self, product_id: str | None) -> None:
        if product_id is not None:
            product = self._product(product_id)
            if product is None or not product.orderable:
                raise ValueError(f"product_id: no orderable product {product_id!r}")
        self.steering.pin(product_id)
        if product_id is not None:
            self.steering.skip()  # go to the pinned product now, not after this pitch
        if self.producer is not None:
            self.producer.flush()

    def say(self, text: str) -> str | None:
        on_screen = self.show.picture.overlay.card
        product = self._product(on_screen.product_id) if on_screen else None
        try:
            line = typed_line(text, product, self.show.lang, self.show.clock())
        except ValueError as exc:
            return str(exc)
        with self._lock:  # one voice call at a time from the page
            segment = self.show.builder.build(line, product)
        if self.producer is not None:
            self.producer.inject(segment)
        return None

    def pause(self) -> None:
        self.steering.pause()
        if self.producer is not None:
            self.producer.flush()

    def resume(self) -> None:
        self.steering.resume()

    # Status (called by the web server about five times a second)

    def status(self) -> dict[str, Any]:
        card = self.show.picture.overlay.card
        last = self._last
        upcoming: list[dict[str, Any]] = []
        if self.producer is not None:
            seen: set[str] = {card.product_id} if card else set()
            for segment in self.producer.upcoming():
                product = self._product(segment.product_id)
                if product is not None and product.id not in seen:
                    seen.add(product.id)
                    upcoming.append(_view(card_for(product, self.show.lang, self.show.clock())))
        health: dict[str, Any] = {}
        if self.playout is not None:
            stats = self.playout.stats
            health = dict(
                health_view(
                    fps=self._rate.update(stats.frames),
                    lateness=stats.lateness,
                    dropped_frames=stats.dropped_frames,
                    air_seconds=self.playout.air_time,
                    sinks=self.broadcast.health() if self.broadcast is not None else [],
                )
            )
            health.update(self.show.health())  # which voice and presenter air, and fallbacks
        now = self.show.clock()
        slot = self._slot() if self._slot is not None else None
        return {
            "product": _view(card) if card else None,
            "caption": last.caption if last else None,
            "next": upcoming[:5],
            "slot": {"name": slot} if slot is not None else None,
            "health": health,
            "products": [
                _view(card_for(p, self.show.lang, now))
                for p in self._products()
                if p.orderable
            ],
            "pinned": self.steering.pinned,
            "paused": self.steering.paused,
            "writer": self.show.stats(),
        }
