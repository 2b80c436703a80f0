"""The `hostcast` command line: it only wires the stages together."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from host import __version__
from host.errors import HostcastError
from hostcast.cli import (
    catalog_cmd,
    daemon_cmd,
    render_cmd,
    schedule_cmd,
    script_cmd,
    status_cmd,
    stream_cmd,
)

USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hostcast", description="AI virtual-host live streams for live commerce."
    )
    parser.add_argument("--version", action="version", version=f"hostcast {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    catalog_cmd.register(commands)
    script_cmd.register(commands)
    render_cmd.register(commands)
    stream_cmd.register(commands)
    schedule_cmd.register(commands)
    daemon_cmd.register(commands)
    status_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
