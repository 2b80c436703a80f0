"""The photo presenter's speed on one core, alone and in a whole show against the cartoon.

    .venv/bin/python benchmarks/photo_presenter.py [--photo FILE] [--seconds 60]

Pins itself to one CPU core and x264 to one thread, then measures, in one run:
  1. the presenter alone: frames/s of `draw` over a minute of talking poses at 30 fps
     (new head-motion bases included), and of the compositor's presenter picture for
     each pose (the draw and its conversion to the frame's yuv);
  2. the whole show, `--avatar photo:FILE` and then the default cartoon: templates,
     espeak, segments, drawing, H.264 + AAC, MP4, in stream-seconds per CPU-second;
  3. the photo show's encode-only floor: 90 of its composed frames (photo and card)
     replayed through the encoder with its own audio, nothing drawn or voiced.
The default photo is scikit-image's astronaut (NASA's portrait of Eileen Collins).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from render_speed import aired_audio, encode_frames

from host.compose.compositor import Compositor
from host.compose.layout import layout_for
from hostcast.cli.show import Show, ShowOptions

REPO = Path(__file__).resolve().parent.parent
SHAPES = "CDBAXEFGHBBCX"  # a spread of mouth shapes like speech's


def astronaut(folder: Path) -> Path:
    from PIL import Image
    from skimage import data

    path = folder / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


def presenter_speed(photo: Path, seconds: float) -> tuple[float, float, int, int]:
    """Frames/s of draw, of the compositor's presenter picture; poses and bases seen."""
    from host.avatar.photo.presenter import PhotoPresenter

    layout = layout_for(720, 1280)
    size = layout.presenter_box.size
    presenter = PhotoPresenter.load(photo, size)
    poses = [presenter.pose(n / 30, SHAPES[n // 3 % len(SHAPES)], True)
             for n in range(round(seconds * 30))]
    start = time.process_time()
    for pose in poses:
        presenter.draw(pose)
    draw_fps = len(poses) / (time.process_time() - start)
    fresh = PhotoPresenter.load(photo, size)
    compositor = Compositor(layout, fresh)
    start = time.process_time()
    for pose in poses:
        compositor._draw_presenter(pose)  # what a cache miss costs, every frame
    composed_fps = len(poses) / (time.process_time() - start)
    bases = len({presenter.base_key(p) for p in poses})
    return draw_fps, composed_fps, len(set(poses)), bases


def _options(avatar: str) -> ShowOptions:
    return ShowOptions(catalog=REPO / "demo" / "catalog.fr.json", lang="fr", avatar=avatar,
                       size=(720, 1280), preset="veryfast", threads=1,
                       at=datetime(2026, 11, 18, 15, 0, tzinfo=UTC))


def show_speed(avatar: str, seconds: float, out: Path) -> float:
    """Stream-seconds per CPU-second of the French demo rendered with `avatar`."""
    show = Show.open(_options(avatar))
    try:
        report = show.render(out, seconds)
    finally:
        show.close()
    return seconds / report.cpu_seconds


def encode_floor(avatar: str, seconds: float, aired: Path, out: Path) -> float:
    """Stream-seconds per CPU-second of encoding alone: 90 frames of the show composed
    with `avatar`, replayed, and the audio it aired in `aired`."""
    show = Show.open(_options(avatar))
    try:
        overlay = show.builder.overlay(show.loaded.products[0])
        avatar_now = show.picture.avatar
        frames = [show.picture.compositor.frame(
            overlay, "Une légende.", avatar_now.pose(n / 30, SHAPES[n % len(SHAPES)], True))
            for n in range(90)]
        cpu = encode_frames(frames, round(seconds * 30), aired_audio(aired), show.settings, out)
    finally:
        show.close()
    return seconds / cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", type=Path, help="a head-and-shoulders photo (the astronaut)")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import cv2

    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        photo = args.photo or astronaut(Path(tmp))
        draw_fps, composed_fps, poses, bases = presenter_speed(photo, args.seconds)
        photo_speed = show_speed(f"photo:{photo}", args.seconds, Path(tmp) / "photo.mp4")
        cartoon_speed = show_speed("default", args.seconds, Path(tmp) / "cartoon.mp4")
        floor = encode_floor(f"photo:{photo}", args.seconds, Path(tmp) / "photo.mp4",
                             Path(tmp) / "floor.mp4")
    print(f"photo presenter benchmark: {photo.name}, 600x600 in 720x1280 @ 30 fps, one core, "
          f"{args.seconds:.0f} s ({poses} distinct poses, {bases} head-motion bases)")
    print(f"  draw:                          {draw_fps:7.0f} frames/s")
    print(f"  draw + yuv (a cache miss):     {composed_fps:7.0f} frames/s")
    print(f"  show with the photo presenter: {photo_speed:7.2f} stream-s per CPU-s")
    print(f"  show with the cartoon:         {cartoon_speed:7.2f} stream-s per CPU-s")
    print(f"  photo show's encode-only floor:{floor:7.2f} stream-s per CPU-s")
    print(f"  photo / cartoon:               {photo_speed / cartoon_speed:7.2f}   "
          f"photo show / its floor: {floor / photo_speed:.2f}x the CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
