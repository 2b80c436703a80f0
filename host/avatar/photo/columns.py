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
