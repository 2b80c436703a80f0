"""Stream-seconds produced per CPU-second on one core, beside the encode-only floor.

    .venv/bin/python benchmarks/render_speed.py [--seconds 60] [--size 720x1280] [--preset veryfast]

Pins itself to one CPU core and x264 to one thread, then measures, in one run:
  1. the whole show: templates, espeak, segments, drawing, H.264 + AAC encode, MP4 mux;
  2. the encode-only floor: the same number of frames encoded and muxed, every frame a
     copy of one composed frame, with the show's own audio (decoded from its file before
     timing) encoded beside it: all of the encoding, none of the writing, voicing or drawing;
  3. a moving floor: 90 distinct composed frames drawn once, then encoded in a loop,
     so x264 sees motion like the show's but nothing is drawn during the timing.
It prints stream-seconds per CPU-second for each and the show's cost against each floor.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np

from host.avatar.pose import Pose
from hostcast.cli.show import Show, ShowOptions
from stream.encoder import AUDIO_CHUNK, AUDIO_RATE, Encoder, VideoSettings
from stream.mp4_file import Mp4File

REPO = Path(__file__).resolve().parent.parent


def aired_audio(path: Path) -> np.ndarray:
    """The show's audio as int16 samples, decoded from its file."""
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    return (np.clip(np.concatenate(chunks), -1, 1) * 32767).astype(np.int16)


def encode_frames(
    frames: list[np.ndarray], count: int, audio: np.ndarray, settings: VideoSettings, out: Path
) -> float:
    """CPU seconds to encode `count` frames (cycling `frames`) and `audio` beside them."""
    audio = np.pad(audio, (0, AUDIO_CHUNK * (count + 1)))
    started = time.process_time()
    encoder = Encoder(settings)
    writer = Mp4File(out, encoder.spec)
    sent = 0
    for n in range(count):
        for packet in encoder.video(frames[n % len(frames)].copy(), n):
            writer.write(packet)
        due = round((n + 1) * AUDIO_RATE / settings.fps)
        while sent < due:
            for packet in encoder.audio(audio[sent : sent + AUDIO_CHUNK], sent):
                writer.write(packet)
            sent += AUDIO_CHUNK
    for packet in encoder.flush():
        writer.write(packet)
    writer.close()
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--size", default="720x1280")
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--lang", default="fr")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    width, height = (int(v) for v in args.size.split("x"))
    opts = ShowOptions(
        catalog=REPO / "demo" / f"catalog.{args.lang}.json",
        lang=args.lang,
        size=(width, height),
        preset=args.preset,
        threads=1,
        at=datetime(2026, 11, 18, 15, 0, tzinfo=UTC),
    )
    frames = round(args.seconds * 30)
    with tempfile.TemporaryDirectory() as tmp:
        show = Show.open(opts)
        report = show.render(Path(tmp) / "show.mp4", args.seconds)
        show_cpu = report.cpu_seconds
        audio = aired_audio(Path(tmp) / "show.mp4")

        fresh = Show.open(opts)
        overlay = fresh.builder.overlay(fresh.loaded.products[0])
        compositor = fresh.picture.compositor
        still = [compositor.frame(overlay, "Une légende de démonstration.", Pose())]
        floor_cpu = encode_frames(still, frames, audio, fresh.settings, Path(tmp) / "floor.mp4")

        avatar = fresh.picture.avatar
        moving = [
            compositor.frame(overlay, "Une légende.", avatar.pose(n / 30, "CDBAXEFGH"[n % 9], True))
            for n in range(90)
        ]
        moving_cpu = encode_frames(
            moving, frames, audio, fresh.settings, Path(tmp) / "moving.mp4"
        )

    def speed(cpu: float) -> float:
        return args.seconds / cpu

    print(f"render benchmark: {args.size} @ 30 fps, x264 {args.preset}, one core, "
          f"{args.seconds:.0f} s of stream ({frames} frames), lang {args.lang}")
    print(f"  show (write+voice+draw+encode): {show_cpu:7.2f} CPU-s  "
          f"{speed(show_cpu):5.2f} stream-s per CPU-s")
    print(f"  encode-only floor (one frame):  {floor_cpu:7.2f} CPU-s  "
          f"{speed(floor_cpu):5.2f} stream-s per CPU-s")
    print(f"  moving floor (90 frames):       {moving_cpu:7.2f} CPU-s  "
          f"{speed(moving_cpu):5.2f} stream-s per CPU-s")
    print(f"  show / encode-only floor: {show_cpu / floor_cpu:.2f}x   "
          f"show / moving floor: {show_cpu / moving_cpu:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
