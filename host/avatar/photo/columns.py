"""A warp along one axis, column by column: lines that move, and the skin between them.

Each column (a position along the mouth or the eye) has knots: lines such as the lips'
edges, where they were and where they go. Between knots the skin stretches or squeezes
evenly; where two knots meet (lips that shut, an eyelid that closes), what lay between
them is gone, with no fold or ripple.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Plane = npt.NDArray[np.float64]


def squeeze(v: Plane, to: Sequence[Plane], came_from: Sequence[Plane]) -> Plane:
    """Where each target position `v` takes its pixel from, given the knots' new places
    `to` and old ones `came_from` (each like `v`, top to bottom; the first and last still).

    Knots are kept in order: one pushed past the next stops at it.
    """
    targets = np.maximum.accumulate(np.stack(to), axis=0)
    sources = np.stack(came_from)
    out = v.copy()
    for k in range(len(targets) - 1):
        t0, t1 = targets[k], targets[k + 1]
        s0, s1 = sources[k], sources[k + 1]
        span = t1 - t0
        inside = (v >= t0) & (v < t1) & (span > 1e-6)
        share = np.where(inside, (v - t0) / np.where(span > 1e-6, span, 1.0), 0.0)
        out = np.where(inside, s0 + share * (s1 - s0), out)
    return out


def fade(u: Plane, start: float, end: float) -> Plane:
    """1 within |u| <= start, easing to 0 at |u| >= end."""
    x = np.clip((np.abs(u) - start) / (end - start), 0.0, 1.0)
    return 1.0 - x * x * (3.0 - 2.0 * x)


class Axes:
    """A feature's own axes: u along it (-1 to 1 between its ends), v across it, in pixels."""

    def __init__(self, start: npt.NDArray[np.float64], end: npt.NDArray[np.float64],
                 down_is_positive: bool = False) -> None:
        self.centre = (start + end) / 2
        self.length = float(np.linalg.norm(end - start))
        self.half = self.length / 2
        self.across = (end - start) / self.length
        down = np.array([-self.across[1], self.across[0]])
        self.down = -down if down_is_positive and down[1] < 0 else down

    def grid(self, box: tuple[int, int, int, int]) -> tuple[Plane, Plane]:
        """(u, v) of every pixel of a box (x, y, width, height)."""
        x, y, w, h = box
        xs, ys = np.meshgrid(np.arange(x, x + w, dtype=np.float64),
                             np.arange(y, y + h, dtype=np.float64))
        dx, dy = xs - self.centre[0], ys - self.centre[1]
        return (dx * self.across[0] + dy * self.across[1]) / self.half, (
            dx * self.down[0] + dy * self.down[1])

    def to_xy(self, u: Plane, v: Plane) -> tuple[Plane, Plane]:
        return (self.centre[0] + u * self.half * self.across[0] + v * self.down[0],
                self.centre[1] + u * self.half * self.across[1] + v * self.down[1])

    def u_of(self, pts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray((pts - self.centre) @ self.across / self.half, np.float64)

    def v_of(self, pts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray((pts - self.centre) @ self.down, np.float64)

    def line(self, pts: npt.NDArray[np.float64], u: Plane) -> Plane:
        """The v of the line through `pts` at each u."""
        pu, pv = self.u_of(pts), self.v_of(pts)
        order = np.argsort(pu)
        return np.asarray(np.interp(u, pu[order], pv[order]), np.float64)
