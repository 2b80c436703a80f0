"""`hostcast render`: a stretch of stream rendered to an MP4 file, offline."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from host.errors import ConfigError
from hostcast.cli import options
from hostcast.cli.progress import ProgressBar
from hostcast.cli.show import Show, ShowOptions
from hostcast.cli.writer_setup import add_writer_options, writer_options, writer_summary
from hostcast.show_settings import add_flags, settings_from_args


def register(commands: Any) -> None:
    render = commands.add_parser(
        "render",
        help="render a stretch of the stream to an MP4 file",
        description="Write, voice and draw the stream of a catalog into an H.264 + AAC "
        "MP4 file, drawing each frame as it is encoded.",
    )
    render.add_argument("--catalog", required=True, help="catalog file")
    render.add_argument("--out", required=True, type=Path, help="MP4 file to write")
    render.add_argument(
        "--duration", type=float, default=60.0, metavar="S", help="seconds of stream (60)"
    )
    add_show_options(render)
    render.set_defaults(run=run_render)


def add_show_options(parser: argparse.ArgumentParser) -> None:
    """The options that say what the show looks and sounds like."""
    parser.add_argument("--lang", help="fr or en (default: the catalog's language, else en)")
    parser.add_argument("--voice", help="voice profile name in voices/ or a .toml path")
    parser.add_argument(
        "--avatar",
        default="default",
        help="avatar pack in avatars/ or a path; or neural:FOLDER, a folder with photo.png, "
        "photo.toml (face and mouth boxes) and lipsync.pt (needs hostcast[neural])",
    )
    parser.add_argument("--size", default="720x1280", help="720x1280 (default) or 1280x720")
    parser.add_argument("--fps", type=int, default=30, help="frames per second (30)")
    parser.add_argument("--seed", type=int, default=0, help="seed for variants and motion")
    parser.add_argument("--at", metavar="ISO_TIME", help="judge sales at this time (now)")
    parser.add_argument("--currency", help="currency of prices written without one")
    add_flags(parser, ("fallback_voice", "preset"))
    add_writer_options(parser)


def show_options(args: argparse.Namespace) -> ShowOptions:
    settings = settings_from_args(args)
    return ShowOptions(
        catalog=Path(args.catalog),
        lang=args.lang,
        voice=args.voice,
        avatar=args.avatar,
        fallback_voice=settings.fallback_voice,
        size=options.frame_size(args.size),
        fps=args.fps,
        seed=args.seed,
        at=options.moment(args.at) if args.at else None,
        currency=args.currency,
        preset=settings.preset,
        writer=writer_options(args, settings),
    )


def run_render(args: argparse.Namespace) -> int:
    if not 0 < args.duration <= 24 * 3600:
        raise ConfigError(f"--duration: must be between 0 and 86400 s, got {args.duration}")
    show = Show.open(replace(show_options(args), offline=True))
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
    return 0

