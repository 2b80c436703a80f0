"""`hostcast render`: a stretch of stream rendered to an MP4 file, offline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from host.errors import ConfigError
from hostcast.cli.progress import ProgressBar
from hostcast.cli.show import Show
from hostcast.cli.show_flags import add_show_flags, show_options
from hostcast.cli.writer_setup import writer_summary
from hostcast.fetching import photo_summary


def register(commands: Any) -> None:
    render = commands.add_parser(
        "render",
        help="render a stretch of the stream to an MP4 file",
        description="Write, voice and draw the stream of a catalog into an H.264 + AAC "
        "MP4 file, drawing each frame as it is encoded.",
    )
    render.add_argument(
        "--catalog", required=True, help="catalog file, or the http(s) URL of a feed"
    )
    render.add_argument("--out", required=True, type=Path, help="MP4 file to write")
    render.add_argument(
        "--duration", type=float, default=60.0, metavar="S", help="seconds of stream (60)"
    )
    add_show_flags(render)
    render.set_defaults(run=run_render)


def run_render(args: argparse.Namespace) -> int:
    if not 0 < args.duration <= 24 * 3600:
        raise ConfigError(f"--duration: must be between 0 and 86400 s, got {args.duration}")
    opts, _, loaded = show_options(args, offline=True)
    show = Show.open(opts, loaded=loaded)
    bar = ProgressBar(f"render {args.out.name}", args.duration)
    try:
        report = show.render(args.out, args.duration, progress=bar)
    finally:
        show.close()
    speed = args.duration / report.cpu_seconds if report.cpu_seconds else 0.0
    print(
        f"wrote {args.out}: {report.frames} frames, {report.audio_samples} audio samples, "
        f"{report.segments} lines, {speed:.1f} stream-seconds per CPU-second"
    )
    print(writer_summary(show.stats()))
    health = show.health()
    print(voice_summary(health["voice"]))
    photos = health.get("photos")
    if photos is not None and (photos["fetched"] or photos["refused"] or photos["cached"]):
        print(photo_summary(photos))
    return 0


def voice_summary(status: dict[str, Any]) -> str:
    """Which voice spoke, and how many lines its fallbacks said instead, and why."""
    said = f"voice {status['voice']}"
    if status["speed"] is not None:
        said += f" ({status['speed']:.1f}x real time)"
    if status["fallback_lines"]:
        said += (f"; {status['fallback_lines']} lines by {status['fallback']}"
                 f" ({status['reason'] or 'it fell back'})")
    return said

