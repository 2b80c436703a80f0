"""Cards, backgrounds and captions are drawn as segments are made, never when they air."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from conftest import REPO

from hostcast.cli.show import Show, ShowOptions

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def test_airing_a_prepared_segment_draws_no_background_or_caption() -> None:
    show = Show.open(ShowOptions(catalog=REPO / "demo" / "catalog.en.json", lang="en",
                                 size=(180, 320), at=AT))
    try:
        made = list(itertools.islice(show.segments(), 24))  # the producer's work
        overlays = {segment.overlay for segment in made}
        assert len(overlays) >= 2, "the sample should change cards"
        before = show.picture.compositor.cache_stats()
        for segment in made:  # what the playout does at air time
            for offset in (0.0, *(c.start + 0.01 for c in segment.captions)):
                show.picture.draw(0.0, (segment, offset))
        after = show.picture.compositor.cache_stats()
        for layer in ("background", "caption"):
            assert after[layer].misses == before[layer].misses, layer
            assert after[layer].hits > before[layer].hits, layer
    finally:
        show.close()
