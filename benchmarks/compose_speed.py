"""Time the compositor and save sample frames: `python benchmarks/compose_speed.py [--out DIR]`."""

from __future__ import annotations

import argparse
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PIL import Image

from host.avatar.pose import VISEMES, Pose
from host.compose.compositor import Compositor
from host.compose.label import ai_label
from host.compose.layout import layout_for
from host.compose.overlay import OverlayState, ProductCard
from host.paths import asset_root
from host.testing import FakeAvatar

SAMPLE_CAPTION = "Le sérum éclat à la vitamine C passe à 27,90 € au lieu de 39,90 €."


def sample_overlay(lang: str = "fr") -> OverlayState:
    """The demo serum on sale, as the card shows it."""
    image = asset_root() / "demo" / "images" / "serum.png"
    card = ProductCard(
        product_id="serum-vitamin-c",
        title="Sérum éclat à la vitamine C 30 ml",
        price="39,90 €",
        sale_price="27,90 €",
        discount="-30 %",
        deal_ends="jusqu'à dimanche",
        image_path=str(image),
        link="https://shop.example.com/products/vitamin-c-serum",
        brand="Aurelle",
        note="Précommande",
    )
    return OverlayState(label=ai_label(lang), card=card)


def compositor_for(width: int, height: int) -> Compositor:
    """A compositor with a fake avatar as tall as the presenter box."""
    layout = layout_for(width, height)
    box = layout.presenter_box
    avatar_h = box.h
    avatar_w = min(box.w, avatar_h * 3 // 4)
    return Compositor(layout, FakeAvatar(avatar_w, avatar_h))


def _per_call(fn: Callable[[], object], count: int) -> float:
    """CPU seconds per call of `fn`, over `count` calls."""
    start = time.process_time()
    for _ in range(count):
        fn()
    return (time.process_time() - start) / count


def measure(width: int, height: int, frames: int, out: Path) -> None:
    """Print one size's costs and cache memory, and save its sample frame."""
    overlay = sample_overlay()
    card = overlay.card
    assert card is not None
    comp = compositor_for(width, height)
    name = "portrait" if height > width else "landscape"
    still = comp.frame_rgb(overlay, SAMPLE_CAPTION, Pose(mouth="C"))
    Image.fromarray(still).save(out / f"compose_{name}.png")
    hit = _per_call(lambda: comp.frame(overlay, SAMPLE_CAPTION, Pose()), frames)
    poses = itertools.product(VISEMES, ("open", "half", "closed"), range(0, 20, 2))
    miss = _per_call(lambda: comp.frame(overlay, SAMPLE_CAPTION, Pose(*next(poses))), 200)
    cards = (replace(overlay, card=replace(card, product_id=f"p{i}")) for i in itertools.count())
    background = _per_call(lambda: comp.warm(overlays=[next(cards)]), 10)
    stats = comp.cache_stats()
    entry = {name: s.nbytes // max(1, s.entries) for name, s in stats.items()}
    full = sum(entry[name] * s.max_entries for name, s in stats.items())
    print(
        f"{width}x{height}: frame with cache hits {hit * 1e3:.3f} ms, "
        f"presenter miss {miss * 1e3:.2f} ms (FakeAvatar drawing included), "
        f"background miss (label + card) {background * 1e3:.1f} ms"
    )
    print(
        f"  entries: background {entry['background'] / 1e6:.2f} MB, "
        f"presenter {entry['presenter'] / 1e3:.0f} kB, caption {entry['caption'] / 1e3:.0f} kB; "
        f"all caches full: {full / 1e6:.0f} MB"
    )


def main() -> None:
    """Time both sizes on one core and write compose_portrait.png and compose_landscape.png."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("/tmp"))
    parser.add_argument("--frames", type=int, default=600)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as on air
    for width, height in ((720, 1280), (1280, 720)):
        measure(width, height, args.frames, args.out)
    print(f"wrote {args.out}/compose_portrait.png and {args.out}/compose_landscape.png")


if __name__ == "__main__":
    main()
