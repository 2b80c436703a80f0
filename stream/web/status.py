"""Helpers for a `StatusSource`: the health part of the on-air state from the stream's counters."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable

from stream.lateness import LatenessHistogram
from stream.packets import SinkHealth
from stream.web.protocols import HealthView, SinkView


class FrameRate:
    """Frames per second over the last few seconds, from a running frame count; thread-safe."""

    def __init__(self, window: float = 3.0) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def update(self, frames: int, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._samples.append((now, frames))
            while len(self._samples) > 2 and now - self._samples[0][0] > self.window:
                self._samples.popleft()
            (t0, f0), (t1, f1) = self._samples[0], self._samples[-1]
        return (f1 - f0) / (t1 - t0) if t1 > t0 else 0.0


def sink_views(sinks: Iterable[SinkHealth]) -> list[SinkView]:
    return [
        SinkView(name=h.name, state=h.state, sent_bytes=h.sent_bytes,
                 dropped_bytes=h.dropped_bytes, reconnects=h.reconnects,
                 last_error=h.last_error)
        for h in sinks
    ]


def health_view(*, fps: float, lateness: LatenessHistogram, repeated_frames: int,
                air_seconds: float, sinks: Iterable[SinkHealth]) -> HealthView:
    """The `health` entry of the on-air state, as the page shows it."""
    return HealthView(
        fps=round(fps, 1),
        late_p50_ms=round(lateness.percentile(50) * 1000, 1),
        late_p99_ms=round(lateness.percentile(99) * 1000, 1),
        repeated_frames=repeated_frames,
        air_seconds=round(air_seconds, 1),
        sinks=sink_views(sinks),
    )
