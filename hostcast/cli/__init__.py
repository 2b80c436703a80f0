"""The `hostcast` command line: it only wires the stages together."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from host import __version__
from host.errors import HostcastError
from hostcast.environment import Environment

USER_ERROR = 2

# Each command's module, imported only when that command runs: `hostcast --help` and
# `hostcast status` never load the encoder, and `hostcast render` never loads aiortc.
COMMANDS = {
    "catalog": ("hostcast.cli.catalog_cmd", "work with product catalogs"),
    "script": ("hostcast.cli.script_cmd", "print pitch scripts for a catalog"),
    "render": ("hostcast.cli.render_cmd", "render a stretch of the stream to an MP4 file"),
    "stream": ("hostcast.cli.stream_cmd", "air the show in real time: RTMP push, recording"),
    "schedule": ("hostcast.cli.schedule_cmd", "check a daemon configuration"),
    "daemon": ("hostcast.cli.daemon_cmd", "run every channel of a configuration, supervised"),
    "status": ("hostcast.cli.status_cmd", "show the running daemon's channels"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser: every command named, and `only`'s options in full."""
    parser = argparse.ArgumentParser(
        prog="hostcast", description="AI virtual-host live streams for live commerce."
    )
    parser.add_argument("--version", action="version", version=f"hostcast {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, summary) in COMMANDS.items():
        if name == only:
            importlib.import_module(module).register(commands)
        else:
            commands.add_parser(name, help=summary)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command named on the line, if it is the first word that is not an option."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command(words)).parse_args(words)
    args.env = Environment.read()  # the one read of the environment: commands take it from here
    try:
        code: int = args.run(args)
    except HostcastError as exc:
        print(f"hostcast: error: {exc}", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `hostcast script ... | head` closes the pipe early
        sys.stderr.close()
        return 0
    return code
