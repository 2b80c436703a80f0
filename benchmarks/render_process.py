"""A whole `hostcast render` process on one core, start-up included, beside its encode floor.

    .venv/bin/python benchmarks/render_process.py [--seconds 60] [--catalog FEED]

Runs `hostcast render` of a Google Merchant Center feed (by default the test fixture
tests/fixtures/catalog/gmc_feed.xml) as a user would, in a child process pinned to
one CPU core, and reads its CPU from the kernel (user + system, start-up, imports,
writing, voicing, drawing, encoding and muxing all included). Then it decodes the MP4
it wrote and, pinned to the same core with one x264 thread, encodes and muxes exactly
those frames and that audio again: the encode-only floor of the same frames. It prints
stream-seconds per CPU-second of both and the render's cost against the floor.

Hostcast's own modules are byte-compiled first, as `pip install` does for a user, so the
render's start-up is a user's and not a first import's compile. Both are run `--repeat`
times (3), in turns, and the least CPU of each is kept: on a shared machine the other
core's work slows either one at random, never speeds it up.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np
from render_speed import encode_frames  # benchmarks/ is this script's folder

from stream.encoder import VideoSettings

REPO = Path(__file__).resolve().parent.parent
FEED = REPO / "tests" / "fixtures" / "catalog" / "gmc_feed.xml"


def child_cpu(argv: list[str], core: int) -> tuple[float, float]:
    """CPU seconds and wall seconds of `argv` run to its end, pinned to `core`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
                   env=env, preexec_fn=lambda: os.sched_setaffinity(0, {core}))
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def decoded(path: Path) -> tuple[list[np.ndarray], np.ndarray, int, int, int]:
    """The file's frames as yuv420p arrays, its audio as int16, and width, height, fps."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = round(float(stream.average_rate))
        frames = [f.to_ndarray(format="yuv420p") for f in container.decode(video=0)]
        width, height = stream.codec_context.width, stream.codec_context.height
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    audio = (np.clip(np.concatenate(chunks), -1, 1) * 32767).astype(np.int16)
    return frames, audio, width, height, fps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--catalog", type=Path, default=FEED)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the least is kept")
    args = parser.parse_args()
    core = sorted(os.sched_getaffinity(0))[0]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "host", "hostcast", "stream"],
                   check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "render.mp4"
        argv = [sys.executable, "-m", "hostcast", "render", "--catalog", str(args.catalog),
                "--duration", f"{args.seconds:g}", "--out", str(out), "--preset", args.preset,
                "--at", "2026-11-25T15:00:00+01:00"]
        runs = [child_cpu(argv, core)]
        frames, audio, width, height, fps = decoded(out)
        os.sched_setaffinity(0, {core})
        settings = VideoSettings(width=width, height=height, fps=fps, preset=args.preset,
                                 threads=1)
        floors = []
        for n in range(args.repeat):  # taken in turns, so a slow spell weighs on both alike
            if n:
                runs.append(child_cpu(argv, core))
            floors.append(encode_frames(frames, len(frames), audio, settings,
                                        Path(tmp) / "floor.mp4"))
        render_cpu, render_wall = min(runs)
        floor = min(floors)
    print(f"render process: {args.catalog.name}, {width}x{height} @ {fps} fps, x264 "
          f"{args.preset}, pinned to core {core}, {args.seconds:g} s ({len(frames)} frames), "
          f"least of {args.repeat} runs")
    print(f"  hostcast render (whole process): {render_cpu:6.2f} CPU-s "
          f"{args.seconds / render_cpu:5.2f}x real time per CPU-s "
          f"({args.seconds / render_wall:.2f}x by the wall clock)")
    print(f"  encode-only floor, same frames:  {floor:6.2f} CPU-s "
          f"{args.seconds / floor:5.2f}x real time per CPU-s")
    print(f"  render / floor: {render_cpu / floor:.2f}x")
    print("  every run, CPU-s: render " + " ".join(f"{cpu:.2f}" for cpu, _ in runs)
          + " | floor " + " ".join(f"{cpu:.2f}" for cpu in floors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
