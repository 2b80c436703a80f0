"""A presenter that must keep up with the air: when its draws fall behind, another takes over.

The photo presenter draws each new pose in a few milliseconds; on a machine too busy for
that, the frames it delays would be repeated on air. This wrapper times the main avatar's
draws; when too many of the last ones take longer than their share of a frame, the
fallback (the cartoon) presents for a while, then the main avatar is tried again. A file
render (`offline`) has no air to keep and never falls back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from host.avatar.pose import Pose
from host.compose.compositor import LayeredAvatar

log = logging.getLogger(__name__)

Rgba = npt.NDArray[np.uint8]
BUDGET_SHARE = 0.5  # of a frame's period that one draw of a new pose may take
WINDOW = 30  # draws judged together
MAX_SLOW = 6  # of them over budget before the fallback takes over
COOLDOWN_S = 60.0  # seconds of air the fallback presents before the main avatar's next try


class PacedAvatar:
    """`main`, or `fallback` while `main` draws too slowly; both are layered avatars, the
    fallback no larger than the main one (it is centred on its bottom edge)."""

    def __init__(self, main: LayeredAvatar, fallback: LayeredAvatar, fps: float, *,
                 offline: bool = False,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        (mw, mh), (fw, fh) = main.size, fallback.size
        if fw > mw or fh > mh:
            raise ValueError(f"the fallback ({fw}x{fh}) must fit the main avatar ({mw}x{mh})")
        self.main, self.fallback = main, fallback
        self._offset = ((mw - fw) // 2 // 2 * 2, mh - fh)
        self._budget = BUDGET_SHARE / fps
        self._offline = offline
        self._clock = clock
        self._lock = threading.Lock()
        self._late: deque[bool] = deque(maxlen=WINDOW)  # whether each draw was over budget
        self._resume_at: float | None = None  # air time the main avatar is tried again
        self._last_t = 0.0
        self.fallbacks = 0
        self._reason: str | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self.main.size

    def pose(self, t: float, viseme: str, talking: bool) -> Pose:
        with self._lock:
            self._last_t = t
            if self._resume_at is not None and t >= self._resume_at:
                self._resume_at = None
                self._late.clear()
                log.info("the %r presents again", self.main)
            behind = self._resume_at is not None
        if behind:
            inner = self.fallback.pose(t, viseme, talking)
            return _Fallback(mouth=inner.mouth, eyes=inner.eyes, inner=inner)
        return self.main.pose(t, viseme, talking)

    def base_key(self, pose: Pose) -> Hashable:
        if isinstance(pose, _Fallback):
            return ("fallback", self.fallback.base_key(pose.inner))
        return ("main", self.main.base_key(pose))

    def draw_base(self, key: Any) -> Rgba:
        which, inner = key
        if which == "fallback":
            return self._padded(self.fallback.draw_base(inner))
        return self._timed(lambda: self.main.draw_base(inner))

    def patch_boxes(self, pose: Pose) -> tuple[tuple[int, int, int, int], ...]:
        if isinstance(pose, _Fallback):
            dx, dy = self._offset
            return tuple((x + dx, y + dy, w, h)
                         for x, y, w, h in self.fallback.patch_boxes(pose.inner))
        return self.main.patch_boxes(pose)

    def draw(self, pose: Pose) -> Rgba:
        if isinstance(pose, _Fallback):
            return self._padded(self.fallback.draw(pose.inner))
        return self._timed(lambda: self.main.draw(pose))

    def status(self) -> dict[str, Any]:
        """Which avatar presents, and why the fallback does, if it does."""
        with self._lock:
            behind = self._resume_at is not None
            return {
                "backend": "avatar",
                "avatar": repr(self.fallback if behind else self.main),
                "state": "fallback" if behind else "ok",
                "reason": self._reason if behind else None,
                "fallbacks": self.fallbacks,
                "budget_ms": round(self._budget * 1000, 1),
            }

    def _timed(self, draw: Callable[[], Rgba]) -> Rgba:
        start = self._clock()
        picture = draw()
        spent = self._clock() - start
        if self._offline:
            return picture
        with self._lock:
            self._late.append(spent > self._budget)
            slow = sum(self._late)
            if slow >= MAX_SLOW and self._resume_at is None:
                self.fallbacks += 1
                self._resume_at = self._last_t + COOLDOWN_S
                self._reason = (f"{slow} of the last {len(self._late)} draws took over "
                                f"{self._budget * 1000:.0f} ms")
                log.warning("the %r falls behind (%s): the %r presents for %.0f s",
                            self.main, self._reason, self.fallback, COOLDOWN_S)
        return picture

    def _padded(self, picture: Rgba) -> Rgba:
        width, height = self.main.size
        out = np.zeros((height, width, 4), np.uint8)
        dx, dy = self._offset
        out[dy:dy + picture.shape[0], dx:dx + picture.shape[1]] = picture
        return out


_REST = Pose()


@dataclass(frozen=True)
class _Fallback(Pose):
    """A fallback's pose, kept apart from the main avatar's in every cache."""

    inner: Pose = _REST
