"""`hostcast daemon --config FILE`: every channel of a configuration on air, supervised."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from host.errors import ConfigError
from host.paths import shown
from hostcast.daemon import log_format
from hostcast.daemon.supervisor import SUPERVISOR_PID_ENV, ChildCommand, Supervisor, channel_command
from hostcast.schedule import InvalidConfigError, load_config

log = logging.getLogger("hostcast.daemon")

INVALID = 2
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def register(commands: Any) -> None:
    daemon = commands.add_parser(
        "daemon",
        help="run every channel of a configuration, supervised",
        description="Run the channels of a configuration file, each in a process of its own, "
        "restarted with backoff when it dies. Health JSON and Prometheus metrics are served "
        "on [daemon] health. SIGHUP (or a change to the file) checks the configuration again "
        "and applies it if valid; SIGTERM or Ctrl-C stops. Exit code 2: the configuration is "
        "invalid, every problem printed.",
    )
    daemon.add_argument("--config", required=True, type=Path, help="the configuration (TOML)")
    daemon.add_argument(
        "--channel", metavar="NAME",
        help="run this one channel in the foreground (what the daemon starts for each)",
    )
    daemon.add_argument(
        "--log-format", choices=log_format.FORMATS, default="text",
        help="text (default) or json: one JSON object per log line",
    )
    daemon.set_defaults(run=run_daemon)


def run_daemon(args: argparse.Namespace) -> int:
    log_format.configure(args.log_format)
    if args.channel is not None:
        if not _follow_supervisor():
            return 0
        # Imported here: a supervisor needs none of the playout.
        from hostcast.daemon.channel import run_channel

        return run_channel(args.config, args.channel)
    return supervise(args.config)


def supervise(path: Path, command: ChildCommand = channel_command) -> int:
    """Check the configuration, serve health, and supervise its channels until SIGTERM."""
    try:
        config = load_config(path)
    except InvalidConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return INVALID
    for warning in config.warnings:
        log.warning("%s", warning)
    # Imported here: the web server is for the supervisor, not for each channel's process.
    from hostcast.daemon.health_server import HealthServer

    supervisor = Supervisor(config, command=command)
    host, port = config.daemon.health
    health = HealthServer(supervisor.report, host=host, port=port,
                          allow_remote=config.daemon.allow_remote)
    try:
        health.start()
    except OSError as exc:
        raise ConfigError(
            f"{shown(path)}: daemon.health: cannot serve on {host}:{port}: {exc.strerror or exc}"
        ) from None
    try:
        return supervisor.serve()
    finally:
        health.stop()


def _follow_supervisor() -> bool:
    """Ask for SIGTERM when the daemon dies, even by kill -9; False if it is already gone."""
    parent = os.environ.get(SUPERVISOR_PID_ENV)
    if parent is None or not sys.platform.startswith("linux"):
        return True
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    # The daemon may have died before the request: then nobody would send the signal.
    return str(os.getppid()) == parent
