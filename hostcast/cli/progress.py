"""A one-line progress bar on standard error."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """Redraws in place on a terminal; prints every tenth otherwise, so logs stay short."""

    def __init__(self, label: str, total_seconds: float, width: int = 30) -> None:
        self._label = label
        self._total = total_seconds
        self._width = width
        self._started = time.monotonic()
        self._tty = sys.stderr.isatty()
        self._last_tenth = -1

    def __call__(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        elapsed = time.monotonic() - self._started
        speed = fraction * self._total / elapsed if elapsed > 0 else 0.0
        filled = round(fraction * self._width)
        bar = "#" * filled + "." * (self._width - filled)
        text = (
            f"{self._label} [{bar}] {fraction * self._total:6.1f}/{self._total:.1f} s"
            f"  {speed:4.1f}x real time"
        )
        if self._tty:
            end = "\n" if fraction >= 1.0 else ""
            print(f"\r{text}", end=end, file=sys.stderr, flush=True)
        elif int(fraction * 10) > self._last_tenth:
            self._last_tenth = int(fraction * 10)
            print(text, file=sys.stderr, flush=True)
