"""Frames rendered on a thread into a bounded queue ahead of air, pulled without waiting."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Frame = npt.NDArray[np.uint8]


class RenderAhead:
    """Frames made by a thread into a queue of bounded size ahead of air; the playout pulls them."""

    def __init__(self, frames: Iterable[Frame], count: int, size: int) -> None:
        if size < 1:
            raise ValueError(f"render-ahead buffer size must be at least 1, got {size}")
        self.count = count
        self.size = size
        self.rendered = 0  # frames the producer finished
        self.missed = 0  # pulls that found their frame not ready: behind real time
        self.skipped = 0  # frames rendered too late and dropped unseen
        self.peak = 0  # the most frames the buffer ever held
        self.error: Exception | None = None
        self._busy = 0.0  # producer seconds spent rendering, not waiting for room
        # None after the last frame: the producer is done, so a waiting puller need not wait.
        self._queue: queue.Queue[tuple[int, Frame] | None] = queue.Queue(maxsize=size)
        self._stop = threading.Event()
        self._done = threading.Event()  # the producer has finished, failed or stopped
        self._marked = False  # whether the end marker went into the queue
        self._last: tuple[int, Frame] | None = None
        self._thread = threading.Thread(
            target=self._produce, args=(iter(frames),), name="lipsync-ahead", daemon=True
        )
        self._thread.start()

    @property
    def behind(self) -> bool:
        """Whether a frame was not ready when pulled, or rendering failed: time to fall back."""
        return self.missed > 0 or self.error is not None

    @property
    def render_fps(self) -> float:
        """Frames per second of rendering time so far (waits for buffer room excluded)."""
        return self.rendered / self._busy if self._busy > 0 else 0.0

    @property
    def buffered(self) -> int:
        """Frames rendered and waiting to be pulled."""
        return max(0, self._queue.qsize() - self._marked)

    def frame(self, n: int, wait: float = 0.0) -> Frame | None:
        """Frame n, waiting at most `wait` seconds for it; None when it is not ready in time."""
        if not 0 <= n < self.count:
            raise ValueError(f"frame {n} is outside this speech's frames 0..{self.count - 1}")
        if self._last is not None and n <= self._last[0]:
            if n == self._last[0]:
                return self._last[1]
            raise ValueError(f"frames are pulled in order: {n} after {self._last[0]}")
        deadline = time.monotonic() + wait
        first = -1 if self._last is None else self._last[0]
        for _ in range(n - first):  # frames arrive in order, so n is at most this many away
            # A finished producer sends nothing more: do not wait for it.
            timeout = 0.0 if self._done.is_set() else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                break
            if item is None:
                break
            index, image = item
            self._last = (index, image)
            if index == n:
                return image
            self.skipped += 1
        self.missed += 1
        return None

    def stop(self) -> None:
        """Stop rendering after the frame being made, without waiting for it; drop the buffer."""
        self._stop.set()
        self._drain()

    def close(self) -> None:
        """Stop rendering, wait for the thread to end, and drop what is buffered."""
        self._stop.set()
        self._thread.join(timeout=5.0)
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def __enter__(self) -> RenderAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _produce(self, frames: Iterator[Frame]) -> None:
        try:
            started = time.perf_counter()
            for index in range(self.count):
                if self._stop.is_set():  # checked before a batch too, not only between puts
                    return
                image = next(frames)
                self._busy += time.perf_counter() - started
                self.rendered += 1
                while True:  # wait for room, checking now and then whether to stop
                    if self._stop.is_set():
                        return
                    try:
                        self._queue.put((index, image), timeout=0.05)
                        break
                    except queue.Full:
                        continue
                self.peak = max(self.peak, self._queue.qsize())
                started = time.perf_counter()
        except Exception as err:  # a failed render is a value the playout reads, not a crash
            log.warning("lip-sync rendering failed: %s", err)
            self.error = err
        finally:
            self._done.set()
            self._marked = True  # before the put, so `buffered` never counts the marker
            try:
                self._queue.put_nowait(None)
            except queue.Full:  # then no puller is waiting for it
                self._marked = False
