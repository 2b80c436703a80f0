"""How late frames go out against the clock, in a fixed-size histogram: p50, p99, max."""

from __future__ import annotations

BUCKET = 0.0005  # seconds: half a millisecond
BUCKETS = 4000  # up to two seconds; later frames count in the last bucket


class LatenessHistogram:
    """Constant memory however long the stream runs."""

    def __init__(self) -> None:
        self._counts = [0] * BUCKETS
        self.count = 0
        self.max = 0.0

    def add(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self._counts[min(BUCKETS - 1, int(seconds / BUCKET))] += 1
        self.count += 1
        self.max = max(self.max, seconds)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100), to the bucket's upper edge."""
        if not self.count:
            return 0.0
        wanted = q / 100 * self.count
        seen = 0
        for index, n in enumerate(self._counts):
            seen += n
            if seen >= wanted and n:
                return (index + 1) * BUCKET
        return self.max
