"""A fake show for tests and demos: an on-air state that moves, and controls that record calls."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from stream.web.server import PreviewServer
from stream.webrtc.sink import WebRtcSink
from stream.webrtc.testing import SyntheticAir, loopback_candidates
from stream.webrtc.viewer import VideoCodec

PRODUCTS: list[dict[str, Any]] = [
    {"id": "serum-vitc", "title": "Vitamin C Glow Serum", "price": "€39.90",
     "sale_price": "€27.90", "deal": "-30 % until Sunday"},
    {"id": "tee", "title": "Organic Cotton Tee", "price": "€19.90", "sale_price": None,
     "deal": None},
    {"id": "mug", "title": "Stoneware Travel Mug", "price": "€24.00", "sale_price": "€19.00",
     "deal": "-20 % today"},
]
CAPTIONS = [
    "Fifteen percent stabilised vitamin C, in a thirty millilitre glass bottle.",
    "It absorbs in seconds and it is fragrance free.",
    "Today it is twenty-seven ninety instead of thirty-nine ninety.",
]


class FakeShow:
    """`status()` for the preview server, plus the `Controls` it steers; thread-safe."""

    def __init__(self, *, rotate_seconds: float = 4.0) -> None:
        self.rotate_seconds = rotate_seconds
        self.calls: list[tuple[str, Any]] = []
        self.paused = False
        self.pinned: str | None = None
        self._skips = 0
        self._lock = threading.Lock()
        self._origin = time.monotonic()
        self.health: dict[str, Any] = {
            "fps": 30.0, "late_p50_ms": 1.5, "late_p99_ms": 6.0, "repeated_frames": 0,
            "sinks": [
                {"name": "webrtc", "state": "connected", "sent_bytes": 0},
                {"name": "rtmp://live.example.com/app", "state": "connected",
                 "sent_bytes": 73_400_320, "reconnects": 1},
                {"name": "recording", "state": "connected", "sent_bytes": 52_428_800},
            ],
        }

    def _index(self) -> int:
        if self.pinned is not None:
            return next(i for i, p in enumerate(PRODUCTS) if p["id"] == self.pinned)
        elapsed = time.monotonic() - self._origin
        return (int(elapsed / self.rotate_seconds) + self._skips) % len(PRODUCTS)

    def status(self) -> dict[str, Any]:
        with self._lock:
            index = self._index()
            line = int((time.monotonic() - self._origin) / 2) % len(CAPTIONS)
            upcoming = [PRODUCTS[(index + k) % len(PRODUCTS)] for k in (1, 2)]
            return {
                "product": PRODUCTS[index],
                "caption": None if self.paused else CAPTIONS[line],
                "next": upcoming,
                "slot": {"name": "Morning skincare", "start": "09:00", "end": "11:00"},
                "health": self.health,
                "products": [{"id": p["id"], "title": p["title"]} for p in PRODUCTS],
                "pinned": self.pinned,
                "paused": self.paused,
            }

    def skip(self) -> None:
        with self._lock:
            self.calls.append(("skip", None))
            self._skips += 1

    def pin(self, product_id: str | None) -> None:
        with self._lock:
            if product_id is not None and all(p["id"] != product_id for p in PRODUCTS):
                raise ValueError(f"no product {product_id!r} in the catalog")
            self.calls.append(("pin", product_id))
            self.pinned = product_id

    def say(self, text: str) -> str | None:
        with self._lock:
            if "free shipping" in text.lower():
                return "refused: the catalog does not say shipping is free"
            self.calls.append(("say", text))
            return None

    def pause(self) -> None:
        with self._lock:
            self.calls.append(("pause", None))
            self.paused = True

    def resume(self) -> None:
        with self._lock:
            self.calls.append(("resume", None))
            self.paused = False


@dataclass(frozen=True)
class PreviewOnAir:
    server: PreviewServer
    sink: WebRtcSink
    air: SyntheticAir
    show: FakeShow

    @property
    def url(self) -> str:
        return self.server.url

    def in_loop(self, coro: Any, timeout: float = 10.0) -> Any:
        """Run a coroutine in the server's loop and wait for its result."""
        return self.server.submit(coro).result(timeout)


@contextlib.contextmanager
def preview_on_air(*, width: int = 240, height: int = 432, fps: int = 15,
                   token: str | None = "test-token", max_viewers: int = 50,
                   connect_timeout: float = 20.0, rotate_seconds: float = 4.0,
                   video_codecs: Sequence[VideoCodec] = ("h264", "vp8"),
                   ) -> Iterator[PreviewOnAir]:
    """A synthetic show on air, its WebRTC sink and the preview server on 127.0.0.1:<free>."""
    with loopback_candidates():
        sink = WebRtcSink()
        show = FakeShow(rotate_seconds=rotate_seconds)
        air = SyntheticAir([sink], width=width, height=height, fps=fps).start()
        server = PreviewServer(sink, show.status, show, port=0, token=token,
                               max_viewers=max_viewers, connect_timeout=connect_timeout,
                               video_codecs=video_codecs)
        try:
            server.start()
            yield PreviewOnAir(server, sink, air, show)
        finally:
            server.stop()
            air.stop()
