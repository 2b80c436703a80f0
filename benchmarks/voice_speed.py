"""The Piper voice's speed on one thread, and a whole show's with it against espeak.

    .venv/bin/python benchmarks/voice_speed.py [--seconds 60] [--repeat 2]

First the voice alone: the demo's English template lines (normalised, as they air) said
by Joe on one inference thread, pinned to one core; CPU time read from the kernel, so the
figure is the real-time factor (CPU-seconds per second of speech) and its inverse.

Then the whole show: `hostcast render` of the English demo at 720x1280@30 (x264
veryfast) in a child process pinned to one core, start-up and model load included, once
with the default voice (Piper) and once with `--voice en-espeak`, taken in turns,
the least CPU of each kept. It prints stream-seconds per CPU-second of both.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from render_process import child_cpu  # benchmarks/ is this script's folder

from host.catalog import load_catalog
from host.script.speakable import speakable
from host.script.template_writer import TemplateWriter
from host.script.writer import PRODUCT_KINDS
from host.voice.profile import find_profile, voice_from_profile

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "demo" / "catalog.en.json"
AT = "2026-11-25T15:00:00+01:00"


def demo_lines() -> list[str]:
    now = datetime.fromisoformat(AT).astimezone(UTC)
    writer = TemplateWriter(seed=0, clock=lambda: now, langs=("en",))
    lines = []
    for product in load_catalog(CATALOG).products:
        if product.orderable:
            for kind in PRODUCT_KINDS:
                lines += [speakable(line.text, "en", product.price.currency)
                          for line in writer.lines(product, kind, "en")]
    return lines


def voice_alone(core: int) -> None:
    os.sched_setaffinity(0, {core})
    voice = voice_from_profile(find_profile("en"))
    started = time.monotonic()
    voice.join()  # type: ignore[attr-defined]
    load = time.monotonic() - started
    lines = demo_lines()
    speech = cpu = 0.0
    for text in lines:
        before = time.thread_time()
        said = voice.speak(text)  # the loaded voice speaks in this very thread
        cpu += time.thread_time() - before
        speech += said.duration
    print(f"Piper voice Joe (en_US-joe-medium), one thread, pinned to core {core}: "
          f"loaded in {load:.2f} s")
    print(f"  {len(lines)} demo lines, {speech:.1f} s of speech in {cpu:.2f} CPU-s: "
          f"RTF {cpu / speech:.3f}, {speech / cpu:.1f}x real time")


def whole_show(core: int, seconds: float, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "render.mp4"

        def argv(*voice: str) -> list[str]:
            return [sys.executable, "-m", "hostcast", "render", "--catalog", str(CATALOG),
                    "--lang", "en", "--duration", f"{seconds:g}", "--out", str(out),
                    "--at", AT, *voice]

        runs: dict[str, list[float]] = {"piper (Joe)": [], "espeak (en-us)": []}
        for _ in range(repeat):  # in turns, so a slow spell weighs on both alike
            runs["piper (Joe)"].append(child_cpu(argv(), core)[0])
            runs["espeak (en-us)"].append(child_cpu(argv("--voice", "en-espeak"), core)[0])
    print(f"whole show: English demo, 720x1280 @ 30 fps, x264 veryfast, {seconds:g} s, "
          f"pinned to core {core}, least of {repeat}")
    for name, cpus in runs.items():
        print(f"  {name:15s} {min(cpus):6.2f} CPU-s  {seconds / min(cpus):5.2f}x real time "
              f"per CPU-s  (runs: {' '.join(f'{c:.2f}' for c in cpus)})")
    piper, espeak = min(runs["piper (Joe)"]), min(runs["espeak (en-us)"])
    print(f"  Piper costs {piper / espeak:.2f}x espeak's CPU for the whole show")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    core = sorted(os.sched_getaffinity(0))[0]
    voice_alone(core)
    whole_show(core, args.seconds, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
