"""The music bed's gain: down under speech, gliding down before it and back up after."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

DUCK_DB = -13.0  # how far the bed goes down under speech
# A segment is placed when it starts to air, so the bed goes down as the speech starts,
# quickly. It stays down through the breath between two lines (no pumping), and comes
# back up slowly once the host is quiet for longer.
ATTACK_S = 0.08
HOLD_S = 0.6
RELEASE_S = 1.0
BED_TAIL_S = HOLD_S + RELEASE_S  # how long after its end a line still weighs on the bed


def bed_gain(
    start: int, count: int, speech: Sequence[tuple[int, int]], rate: int,
    duck_db: float = DUCK_DB,
) -> npt.NDArray[np.float32]:
    """The bed's gain for samples [start, start + count), given the `speech` spans on air.

    `speech` lists (first, end) samples of speech, in order. Each sample is as ducked as
    the nearest span makes it: on a linear ramp in decibels over the first ATTACK_S of a
    span, fully for the rest and HOLD_S after it, then back up over RELEASE_S.
    """
    attack, hold, release = ATTACK_S * rate, HOLD_S * rate, RELEASE_S * rate
    n = np.arange(start, start + count, dtype=np.float64)
    depth = np.zeros(count)  # 0: the bed's own level, 1: fully ducked
    for first, end in speech:
        if first >= start + count:
            break
        if end + hold + release <= start:
            continue
        down = np.clip((n - first + 1) / attack, 0, 1)  # 0 before the span
        up = np.clip(1 - (n - end - hold) / release, 0, 1)
        np.maximum(depth, np.where(n >= end, np.minimum(up, 1.0), down), out=depth)
    return np.asarray(10 ** (depth * duck_db / 20), np.float32)
