"""`hostcast status`: the running daemon's channels, one line each, from its health endpoint."""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from host.errors import ConfigError
from host.paths import shown
from host.toml_errors import toml_message
from hostcast.chat.state import chat_summary
from hostcast.schedule.config import DEFAULT_HEALTH

NOT_ON_AIR = 1
UNREACHABLE = 2
STALE_AFTER = 10.0  # seconds without a status line: the channel is not known to be on air
_COLUMNS = ("CHANNEL", "STATE", "SLOT", "PRODUCT", "AIR", "FPS", "SINKS", "RESTARTS",
            "LAST ERROR")
_ERROR_WIDTH = 60


def register(commands: Any) -> None:
    status = commands.add_parser(
        "status",
        help="show the running daemon's channels",
        description="Read the daemon's health endpoint and print one line per channel. "
        "Exit code: 0 when every channel is on air, 1 when one is not, 2 when the daemon "
        "cannot be reached.",
    )
    where = status.add_mutually_exclusive_group()
    where.add_argument("--health", metavar="HOST:PORT",
                       help=f"the daemon's health address ({DEFAULT_HEALTH})")
    where.add_argument("--config", type=Path, metavar="FILE",
                       help="read the address from this configuration's [daemon] health")
    status.add_argument("--timeout", type=float, default=5.0, metavar="S",
                        help="seconds to wait for the daemon (5)")
    status.set_defaults(run=run_status)


def run_status(args: argparse.Namespace) -> int:
    if args.config is not None:
        host, port = health_address(args.config)
    else:
        host, port = _address(args.health or DEFAULT_HEALTH, "--health")
    url = f"http://{_bracketed(_reachable(host))}:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as answer:
            document = json.loads(answer.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"hostcast status: cannot reach the daemon at {url}: {reason}", file=sys.stderr)
        return UNREACHABLE
    lines, all_on_air = status_report(document)
    print("\n".join(lines))
    return 0 if all_on_air else NOT_ON_AIR


def health_address(config: Path) -> tuple[str, int]:
    """The [daemon] health address of a configuration file, read without checking the rest."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown(config)}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown(config)}: {toml_message(exc)}") from None
    daemon = data.get("daemon", {})
    text = daemon.get("health", DEFAULT_HEALTH) if isinstance(daemon, dict) else DEFAULT_HEALTH
    if not isinstance(text, str):
        raise ConfigError(f"{shown(config)}: daemon.health: must be HOST:PORT, got {text!r}")
    return _address(text, f"{shown(config)}: daemon.health")


def _address(text: str, where: str) -> tuple[str, int]:
    host, sep, port = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if port == "0":
        raise ConfigError(f"{where}: port 0 is chosen by the daemon at start; give --health "
                          "HOST:PORT as its log says")
    if not sep or not host or not port.isdigit() or not 0 < int(port) <= 65535:
        raise ConfigError(f"{where}: expected HOST:PORT, e.g. {DEFAULT_HEALTH}, got {text!r}")
    return host, int(port)


def _reachable(host: str) -> str:
    """Where to connect for a daemon bound to `host`: a wildcard is reached on loopback."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def status_report(document: dict[str, Any]) -> tuple[list[str], bool]:
    """The lines `hostcast status` prints, and whether every channel is on air."""
    daemon = document.get("daemon") or {}
    channels = document.get("channels") or []
    lines = [
        f"hostcast daemon pid {daemon.get('pid')}, up {_duration(daemon.get('uptime_seconds'))},"
        f" config {daemon.get('config')}, {len(channels)} channel(s)"
    ]
    rows: list[tuple[str, ...]] = [_COLUMNS]
    all_on_air = bool(channels)
    for channel in channels:
        row, on_air = _row(channel)
        rows.append(row)
        all_on_air = all_on_air and on_air
    widths = [max(len(row[n]) for row in rows) for n in range(len(_COLUMNS) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    for problem in daemon.get("config_error") or ():
        lines.append(f"config reload refused: {problem}")
    for channel in channels:
        chats = [c for c in channel.get("chat") or () if isinstance(c, dict)]
        for words in chat_summary(chats):
            lines.append(f"{channel.get('name')}: chat {words}")
    for channel in channels:
        if channel.get("config_error"):
            lines.append(f"{channel.get('name')}: config: {channel['config_error']}")
    return lines, all_on_air


def _row(channel: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    state = str(channel.get("state"))
    age = channel.get("status_age_seconds")
    on_air = state == "on_air" and isinstance(age, int | float) and age <= STALE_AFTER
    if state == "on_air" and not on_air:
        state = f"stale ({_duration(age)} silent)"
    elif channel.get("crash_loop") and state != "crash_loop":
        state = f"{state} (crash loop)"
    wait = channel.get("next_start_in_seconds")
    if state in ("restarting", "crash_loop") and isinstance(wait, int | float):
        state = f"{state} (next start in {_duration(wait)})"
    fps = channel.get("fps")
    error = channel.get("last_error") or "-"
    if len(error) > _ERROR_WIDTH:
        error = error[: _ERROR_WIDTH - 1] + "…"
    row = (
        str(channel.get("name")),
        state,
        str(channel.get("slot") or "-"),
        str(channel.get("product") or "-"),
        _duration(channel.get("air_seconds")),
        f"{fps:.1f}" if isinstance(fps, int | float) else "-",
        _sinks(channel.get("sinks") or []),
        str(channel.get("restarts", 0)),
        error.replace("\n", " "),
    )
    return row, on_air


def _sinks(sinks: list[Any]) -> str:
    parts = [
        f"{sink.get('name')} {sink.get('state')}" for sink in sinks if isinstance(sink, dict)
    ]
    return ", ".join(parts) or "-"


def _duration(seconds: object) -> str:
    """`1:02:03` for an hour and more, `2:03` below."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
