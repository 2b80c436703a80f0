"""The presenter's own rhythm: seeded blinks and slow sway waves, pure functions of time.

The cartoon and the photo presenter share them, so both blink at the same irregular
intervals for one seed.
"""

from __future__ import annotations

import math

_MASK = (1 << 64) - 1
# A blink: half closed, closed, half closed, as fractions of its duration.
BLINK_CLOSED = (0.3, 0.65)
Waves = list[tuple[float, float, float]]  # (radians per second, weight, phase)


def unit(seed: int, stream: int, k: int) -> float:
    """A number in [0, 1) that depends only on its arguments (a splitmix64 hash)."""
    z = (seed * 0x9E3779B97F4A7C15 + stream * 0xD1B54A32D192ED03 + k * 0x632BE59BD9B4E5F5) & _MASK
    z = (z + 0x2545F4914F6CDD1D) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (z ^ (z >> 31)) / 2.0**64


def waves(of: Waves, t: float) -> float:
    """The sum of weighted sines at `t`."""
    return sum(weight * math.sin(rate * t + phase) for rate, weight, phase in of)


class Blinks:
    """Blink k starts at a seeded point in the first part of slot k, so the gaps between
    blinks vary within (low, high) and any t needs only its own slot and the last."""

    def __init__(self, seed: int, interval: tuple[float, float], duration: float) -> None:
        low, high = interval
        self.seed = seed
        self.every = (low + high) / 2
        self.jitter = (high - low) / 2
        self.duration = duration

    def into(self, t: float) -> float | None:
        """How far into a blink `t` is (0 to 1), or None between blinks."""
        slot = math.floor(t / self.every)
        for k in (slot, slot - 1):
            start = k * self.every + unit(self.seed, 0, k) * self.jitter
            into = (t - start) / self.duration
            if 0 <= into < 1:
                return into
        return None

    def eyes_at(self, t: float) -> str:
        """"open", "half" or "closed" at `t`."""
        into = self.into(t)
        if into is None:
            return "open"
        return "closed" if BLINK_CLOSED[0] <= into < BLINK_CLOSED[1] else "half"
