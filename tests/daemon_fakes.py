"""Fakes for the daemon's tests: a stand-in channel process and the configs that run it."""

from __future__ import annotations

import json
import logging
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import REPO

from hostcast.daemon.supervisor import ChildCommand, Supervisor, Timings
from hostcast.schedule import load_config

T = TypeVar("T")

CATALOG = REPO / "demo" / "catalog.en.json"
FAST = Timings(
    first_backoff=0.3, max_backoff=1.2, stable_after=60.0, crash_loop_after=3,
    stop_timeout=2.0, stall_timeout=5.0, watch_every=0.3, tick=0.05,
)

# A stand-in for `hostcast daemon --channel NAME`: status lines on stdout every 0.1 s, JSON
# logs on stderr, and whatever misbehaviour FOLDER/NAME.json asks for. It notes its starts,
# SIGHUPs and SIGTERMs in FOLDER/NAME.events.
FAKE_CHANNEL = textwrap.dedent(
    """
    import json, os, signal, subprocess, sys, time
    name, folder = sys.argv[1], sys.argv[2]
    try:
        with open(os.path.join(folder, name + ".json")) as f:
            how = json.load(f)
    except FileNotFoundError:
        how = {}

    def note(*words):
        with open(os.path.join(folder, name + ".events"), "a") as f:
            f.write(" ".join(str(w) for w in words) + "\\n")

    def log(level, message):
        line = {"time": "t", "level": level, "logger": "hostcast.fake", "message": message}
        print(json.dumps(line), file=sys.stderr, flush=True)

    def on_term(*_):
        note("term", os.getpid())
        sys.exit(0)

    signal.signal(signal.SIGHUP, lambda *_: note("hup", os.getpid()))
    signal.signal(signal.SIGTERM, signal.SIG_IGN if how.get("ignore_term") else on_term)
    note("start", os.getpid(), time.time())
    if how.get("grandchild"):
        helper = subprocess.Popen(["sleep", "60"])
        note("grandchild", helper.pid)
    log("INFO", "fake channel on air")
    print("preview http://127.0.0.1:9/  (operator token: s3cret)", file=sys.stderr, flush=True)
    start, n = time.monotonic(), 0
    while True:
        ran = time.monotonic() - start
        if "crash_after" in how and ran >= how["crash_after"]:
            log("ERROR", "the encoder died")
            note("crash", os.getpid(), time.time())
            print("Traceback (most recent call last):", file=sys.stderr)
            print("RuntimeError: boom", file=sys.stderr, flush=True)
            sys.exit(how.get("code", 3))
        if "exit_after" in how and ran >= how["exit_after"]:
            sys.exit(how["code"])
        if "hang_after" in how and ran >= how["hang_after"]:
            time.sleep(3600)
        n += 1
        print(json.dumps({
            "type": "status", "channel": name, "time": time.time(), "slot": "default",
            "product": "p" + str(n // 10), "air_seconds": n * 0.1, "frames": n * 3,
            "repeated_frames": 0, "late_frames": 1, "lateness_p99_ms": 2.5, "segments": n // 5,
            "sinks": [{"name": "recording", "state": "connected", "reconnects": 1,
                       "sent_bytes": n * 1000, "dropped_bytes": 0, "last_error": None}],
            "writer": {"writer": "template", "guard_refused": 2},
            "last_error": how.get("status_error"), "config_error": None,
        }), flush=True)
        time.sleep(0.1)
    """
)


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Put the root logger back after a command that sets up its own log handler."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def write_config(folder: Path, channels: tuple[str, ...] = ("steady", "crashy"),
                 health: str = "127.0.0.1:0", name: str = "hostcast.toml") -> Path:
    """A valid configuration of `channels`, each recording into `folder`."""
    tables = "".join(
        f'\n[[channel]]\nname = "{channel}"\ncatalog = "{CATALOG}"\n'
        f'[channel.outputs]\nrecord = "rec/{channel}"\n'
        for channel in channels
    )
    path = folder / name
    path.write_text(
        f'[daemon]\nstate = "state/hostcast.sqlite"\nhealth = "{health}"\n{tables}',
        encoding="utf-8",
    )
    return path


def fake_command(folder: Path) -> ChildCommand:
    script = folder / "fake_channel.py"
    script.write_text(FAKE_CHANNEL, encoding="utf-8")
    return lambda config, channel: [sys.executable, str(script), channel, str(folder)]


def behave(folder: Path, channel: str, **how: Any) -> None:
    (folder / f"{channel}.json").write_text(json.dumps(how), encoding="utf-8")


def events(folder: Path, channel: str, kind: str) -> list[list[str]]:
    path = folder / f"{channel}.events"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split()[1:] for line in lines if line.split()[0] == kind]


def wait_for(check: Callable[[], T | None], what: str, timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def alive(pid: int) -> bool:
    """Whether `pid` runs: a zombie nobody has reaped yet (an orphan's fate here) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@contextmanager
def supervising(config: Path, folder: Path, timings: Timings = FAST) -> Iterator[Supervisor]:
    """A supervisor of fake channels, running in a thread until the block ends."""
    supervisor = Supervisor(load_config(config), command=fake_command(folder), timings=timings)
    thread = threading.Thread(target=supervisor.run, daemon=True)
    thread.start()
    try:
        yield supervisor
    finally:
        supervisor.request_stop()
        thread.join(timeout=15)
        assert not thread.is_alive(), "the supervisor did not stop"
