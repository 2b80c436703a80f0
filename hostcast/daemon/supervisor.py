"""The daemon's supervisor: one process per channel, restarted with backoff when it dies.

Each channel runs in a child process of its own (`hostcast daemon --channel NAME`, see
`channel_process`), in its own process group, so a crash, a `kill -9` or a runaway encoder
takes down one channel and never another. A child that exits is started again after 1 s,
2 s, 4 s... up to 60 s; five minutes of stable running forgive its past crashes. Repeated
crashes are a crash loop: logged as errors and shown on the health page, never hidden
behind restarts.

Signals reach the supervisor only as flags (`request_stop`, `request_reload`): a handler
that took a lock could deadlock the loop it interrupted.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from host.errors import HostcastError
from hostcast.daemon.channel_process import ChannelProcess, exit_text
from hostcast.daemon.exit_codes import RESTART_EXIT
from hostcast.schedule import HostcastConfig, InvalidConfigError, load_config

log = logging.getLogger("hostcast.daemon")

SUPERVISOR_PID_ENV = "HOSTCAST_SUPERVISOR_PID"  # tells a channel which process to outlive not
# The state file of the configuration the supervisor runs: where a channel whose config
# file does not validate finds the last one that did.
STATE_ENV = "HOSTCAST_STATE"
CHANNEL_COUNTERS = ("frames", "repeated_frames", "late_frames", "segments", "air_seconds")
WRITER_COUNTERS = ("guard_refused", "generated", "refused", "fallbacks", "failed")
SINK_COUNTERS = ("sent_bytes", "dropped_bytes", "reconnects")
PHOTO_COUNTERS = ("fetched", "revalidated", "refused")  # summed as photos_<counter>
_QUICK_EXIT = 1.0  # seconds: a restart asked for sooner than this waits the first backoff

ChildCommand = Callable[[Path, str], Sequence[str]]


def channel_command(config: Path, channel: str) -> list[str]:
    """The command that runs one channel: this Python, `hostcast daemon --channel NAME`."""
    return [
        sys.executable, "-m", "hostcast", "daemon", "--config", str(config), "--channel", channel,
        "--log-format", "json",
    ]


@dataclass(frozen=True)
class Timings:
    """How fast the supervisor restarts, forgives, stops and watches."""

    first_backoff: float = 1.0  # seconds before the first restart; doubles with each crash
    max_backoff: float = 60.0
    stable_after: float = 300.0  # running this long forgives past crashes
    crash_loop_after: int = 3  # this many crashes in a row is a crash loop
    stop_timeout: float = 10.0  # SIGTERM, then SIGKILL to the process group
    stall_timeout: float = 30.0  # no status line for this long (after the first): killed
    watch_every: float = 2.0  # how often the config and catalog files are looked at
    tick: float = 0.1

    def __post_init__(self) -> None:
        for name in ("first_backoff", "max_backoff", "stable_after", "stop_timeout",
                     "stall_timeout", "watch_every", "tick"):
            if not getattr(self, name) > 0:
                raise ValueError(f"supervisor timing {name} must be positive")
        if self.crash_loop_after < 1:
            raise ValueError("supervisor timing crash_loop_after must be at least 1")

    def backoff(self, crashes: int) -> float:
        """The wait before restarting after `crashes` crashes in a row."""
        return min(self.max_backoff, self.first_backoff * 2.0 ** max(0, crashes - 1))


@dataclass(frozen=True)
class ChannelReport:
    """One channel as the health page shows it."""

    name: str
    state: str  # starting, on_air, restarting, crash_loop, stopped
    crash_loop: bool
    pid: int | None
    restarts: int  # starts after the first, whatever the reason
    crashes: int  # exits nobody asked for, in all
    crashes_in_a_row: int
    last_exit_code: int | None  # negative: killed by that signal
    last_exit: str | None  # "exit code 1", "killed by SIGKILL"
    last_error: str | None
    last_error_at: datetime | None
    error_lines: tuple[str, ...]  # the stderr lines before the last crash
    next_start_in: float | None  # seconds until the next start, while waiting
    running_for: float | None  # seconds since the current child started
    status: Mapping[str, Any] | None  # the child's latest status line
    status_age: float | None  # seconds since it came
    fps: float | None  # frames per second of air between the last two status lines
    totals: Mapping[str, float]  # counters summed over every run of this daemon
    sink_totals: Mapping[tuple[str, str], float]  # (sink, counter) summed the same way


@dataclass(frozen=True)
class DaemonReport:
    pid: int
    uptime: float
    config_path: Path
    config_loaded_at: datetime
    config_error: tuple[str, ...]  # why the last reload was refused; empty when it applied
    reloads: int
    reloads_refused: int
    channels: tuple[ChannelReport, ...]


@dataclass
class _Run:
    """One child process of a channel, and what the supervisor asked of it."""

    child: ChannelProcess
    hup_pending: bool = False  # a reload to pass on once the child reports
    stop_sent_at: float | None = None
    killed_at: float | None = None
    killed_for: str | None = None


@dataclass
class _Channel:
    name: str
    wanted: bool = True
    run: _Run | None = None
    starts: int = 0
    crashes: int = 0
    in_a_row: int = 0
    last_exit_code: int | None = None
    last_exit: str | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_lines: tuple[str, ...] = ()
    next_start: float | None = 0.0
    fps: float | None = None
    carried: dict[str, float] = field(default_factory=dict)
    carried_sinks: dict[tuple[str, str], float] = field(default_factory=dict)

    def error(self, text: str) -> None:
        self.last_error = text
        self.last_error_at = datetime.now(UTC)


class Supervisor:
    """Keeps every channel of a configuration running; `run` until `request_stop`."""

    def __init__(self, config: HostcastConfig, *, command: ChildCommand = channel_command,
                 timings: Timings | None = None) -> None:
        self.config = config
        self.timings = timings or Timings()
        self._command = command
        self._lock = threading.Lock()
        self._channels: dict[str, _Channel] = {c.name: _Channel(c.name) for c in config.channels}
        self._started = time.monotonic()
        self._loaded_at = datetime.now(UTC)
        self._config_error: tuple[str, ...] = ()
        self._reloads = self._reloads_refused = 0
        self._stop_requested = False
        self._reload_requested = False
        self._watched = self._signature()

    # -- control ---------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Stop every channel and return from `run`; safe from a signal handler."""
        self._stop_requested = True

    def request_reload(self) -> None:
        """Check the config file again and apply it if valid; safe from a signal handler."""
        self._reload_requested = True

    def serve(self) -> int:
        """`run` with SIGTERM/SIGINT stopping and SIGHUP reloading (main thread only)."""
        handlers = {
            signal.SIGTERM: lambda *_: self.request_stop(),
            signal.SIGINT: lambda *_: self.request_stop(),
            signal.SIGHUP: lambda *_: self.request_reload(),
        }
        previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
        try:
            self.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def run(self) -> None:
        """Start the channels, tend them until asked to stop, then stop them all."""
        log.info("supervising %d channel(s) of %s", len(self._channels), self.config.path)
        next_watch = time.monotonic() + self.timings.watch_every
        while not self._stop_requested:
            now = time.monotonic()
            if self._reload_requested:
                self._reload_requested = False
                self._reload("SIGHUP")
            elif now >= next_watch:
                next_watch = now + self.timings.watch_every
                if self._signature() != self._watched:
                    self._reload("a file changed")
            for channel in list(self._channels.values()):
                self._tend(channel, time.monotonic())
            time.sleep(self.timings.tick)
        self._stop_all()

    # -- one channel -----------------------------------------------------------------------

    def _tend(self, channel: _Channel, now: float) -> None:
        run = channel.run
        if run is not None:
            if not run.child.exited():
                self._watch_running(channel, run, now)
                return
            self._ended(channel, run, run.child.reap(), now)  # what it started goes with it
        if channel.wanted and channel.next_start is not None and now >= channel.next_start:
            self._start(channel, now)

    def _watch_running(self, channel: _Channel, run: _Run, now: float) -> None:
        t = self.timings
        child = run.child
        if run.hup_pending and child.status is not None and run.stop_sent_at is None:
            run.hup_pending = False
            child.signal(signal.SIGHUP)
        if run.stop_sent_at is not None:
            if run.killed_at is None and now - run.stop_sent_at >= t.stop_timeout:
                log.warning("still running %.0f s after SIGTERM: killing its process group",
                            t.stop_timeout, extra={"channel": channel.name})
                run.killed_at = now
                child.kill_group()
        elif run.killed_at is None and child.status_at is not None \
                and now - child.status_at >= t.stall_timeout:
            run.killed_for = f"no status for {now - child.status_at:.0f} s: killed as hung"
            log.error("%s", run.killed_for, extra={"channel": channel.name})
            run.killed_at = now
            child.kill_group()
        elif channel.in_a_row and now - child.started >= t.stable_after:
            log.info("stable for %.0f s: past crashes forgiven", t.stable_after,
                     extra={"channel": channel.name})
            with self._lock:
                channel.in_a_row = 0

    def _start(self, channel: _Channel, now: float) -> None:
        argv = list(self._command(self.config.path.absolute(), channel.name))
        env = {
            **os.environ, "PYTHONUNBUFFERED": "1", SUPERVISOR_PID_ENV: str(os.getpid()),
            STATE_ENV: str(self.config.daemon.state),
        }
        channel.next_start = None

        def heard(previous: Mapping[str, Any] | None, line: Mapping[str, Any]) -> None:
            channel.fps = _fps(previous, line, channel.fps)
            error = line.get("last_error")
            if isinstance(error, str) and error and error != (previous or {}).get("last_error"):
                channel.error(error)

        try:
            child = ChannelProcess.start(channel.name, argv, env, now, self._lock, heard)
        except OSError as err:
            self._crashed(channel, now, 0.0, f"cannot start {argv[0]}: {err}", ())
            return
        with self._lock:
            channel.run = _Run(child)
            channel.starts += 1
        log.info("started, pid %d", child.pid, extra={"channel": channel.name})

    def _ended(self, channel: _Channel, run: _Run, code: int, now: float) -> None:
        child = run.child
        with self._lock:
            _carry(channel, child.status)
            channel.run = None
            channel.fps = None
            channel.last_exit_code = code
            channel.last_exit = exit_text(code)
        name = channel.name
        if run.stop_sent_at is not None:
            log.info("stopped (%s)", exit_text(code), extra={"channel": name})
            if channel.wanted:
                channel.next_start = now  # taken off and put back on by reloads in between
            elif name not in {c.name for c in self.config.channels}:
                with self._lock:
                    del self._channels[name]
            return
        if code == RESTART_EXIT:
            log.info("asked to be started again: its outputs changed", extra={"channel": name})
            # At once, unless it asks right after starting: a loop of those must not spin.
            quick = now - child.started < _QUICK_EXIT
            channel.next_start = now + (self.timings.first_backoff if quick else 0.0)
            return
        errors = [text for level, text in child.tail if level >= logging.ERROR]
        last = run.killed_for or (errors[-1] if errors else None)
        reason = f"{exit_text(code)}: {last}" if last else exit_text(code)
        # Warnings and errors only: an info line may carry the preview's operator token.
        lines = tuple(text for level, text in child.tail if level >= logging.WARNING)
        self._crashed(channel, now, now - child.started, reason, lines)

    def _crashed(self, channel: _Channel, now: float, ran: float, reason: str,
                 lines: tuple[str, ...]) -> None:
        t = self.timings
        with self._lock:
            if ran >= t.stable_after:
                channel.in_a_row = 0
            channel.in_a_row += 1
            channel.crashes += 1
            channel.error(reason)
            channel.error_lines = lines[-10:]
            delay = t.backoff(channel.in_a_row)
            channel.next_start = now + delay
        extra = {"channel": channel.name}
        if channel.in_a_row >= t.crash_loop_after:
            log.error("crash loop: %d crashes in a row, the last after %.1f s (%s); "
                      "next start in %.0f s", channel.in_a_row, ran, reason, delay, extra=extra)
        else:
            log.warning("crashed after %.1f s (%s); restarting in %.1f s", ran, reason, delay,
                        extra=extra)

    def _stop(self, channel: _Channel, now: float) -> None:
        channel.wanted = False
        channel.next_start = None
        run = channel.run
        if run is None:
            if channel.name not in {c.name for c in self.config.channels}:
                with self._lock:
                    self._channels.pop(channel.name, None)
            return
        if run.stop_sent_at is None:
            run.stop_sent_at = now
            run.child.signal(signal.SIGTERM)

    def _stop_all(self) -> None:
        log.info("stopping %d channel(s)", len(self._channels))
        now = time.monotonic()
        for channel in list(self._channels.values()):
            self._stop(channel, now)
        give_up = now + self.timings.stop_timeout + 5.0
        while any(c.run is not None for c in self._channels.values()) \
                and time.monotonic() < give_up:
            for channel in list(self._channels.values()):
                self._tend(channel, time.monotonic())
            time.sleep(self.timings.tick)
        log.info("every channel stopped")

    # -- configuration ---------------------------------------------------------------------

    def _signature(self) -> tuple[tuple[str, int, int], ...]:
        """The config file's and its catalogs' modification times and sizes."""
        paths = [self.config.path, *self.config.catalogs]
        marks = []
        for path in paths:
            try:
                stat = os.stat(path)
                marks.append((str(path), stat.st_mtime_ns, stat.st_size))
            except OSError:
                marks.append((str(path), -1, -1))
        return tuple(marks)

    def _reload(self, why: str) -> None:
        path = self.config.path
        self._watched = self._signature()  # before reading: a change while we read is seen
        try:
            config = load_config(path)
        except InvalidConfigError as exc:
            problems: tuple[str, ...] = exc.problems
        except HostcastError as exc:
            problems = (f"{path}: {exc}",)
        else:
            problems = ()
        if problems:
            with self._lock:
                self._config_error = problems
                self._reloads_refused += 1
            log.error("reload (%s): %s is refused, the running configuration stays: %d "
                      "problem(s)", why, path, len(problems))
            for problem in problems:
                log.error("%s", problem)
            return
        self._apply(config, why)

    def _apply(self, config: HostcastConfig, why: str) -> None:
        old = self.config
        with self._lock:
            self.config = config
            self._config_error = ()
            self._reloads += 1
            self._loaded_at = datetime.now(UTC)
        self._watched = self._signature()
        names = [c.name for c in config.channels]
        log.info("reload (%s): %s applied, %d channel(s)", why, config.path, len(names))
        for warning in config.warnings:
            log.warning("%s", warning)
        if config.daemon != old.daemon:
            log.warning("[daemon] changes (state, health, allow_remote) apply when the daemon "
                        "starts again")
        now = time.monotonic()
        for channel in list(self._channels.values()):
            if channel.name not in names:
                log.info("taken off the configuration: stopping", extra={"channel": channel.name})
                self._stop(channel, now)
            elif not channel.wanted:
                channel.wanted = True  # taken off, then put back by a later reload
                if channel.run is None:
                    channel.next_start = now
            elif channel.run is not None and channel.run.stop_sent_at is None:
                channel.run.hup_pending = True  # sent once it is up: before, it could kill it
            elif channel.run is None and channel.next_start is not None:
                channel.next_start = now  # waiting out a backoff: try the new config now
        for name in names:
            if name not in self._channels:
                log.info("new in the configuration: starting", extra={"channel": name})
                with self._lock:
                    self._channels[name] = _Channel(name)

    # -- reports ---------------------------------------------------------------------------

    def report(self) -> DaemonReport:
        """Every channel's state now; safe from any thread."""
        now = time.monotonic()
        with self._lock:
            channels = tuple(self._report(c, now) for c in self._channels.values())
            return DaemonReport(
                pid=os.getpid(),
                uptime=now - self._started,
                config_path=self.config.path,
                config_loaded_at=self._loaded_at,
                config_error=self._config_error,
                reloads=self._reloads,
                reloads_refused=self._reloads_refused,
                channels=channels,
            )

    def _report(self, channel: _Channel, now: float) -> ChannelReport:
        run = channel.run
        crash_loop = channel.in_a_row >= self.timings.crash_loop_after
        child = run.child if run is not None else None
        if run is not None and run.stop_sent_at is None:
            state = "on_air" if run.child.status is not None else "starting"
        elif run is None and channel.wanted and channel.next_start is not None:
            state = "crash_loop" if crash_loop else "restarting"
        else:
            state = "stopped"
        status = child.status if child is not None else None
        totals = dict(channel.carried)
        sink_totals = dict(channel.carried_sinks)
        _carry_into(totals, sink_totals, status)
        waiting = channel.next_start if run is None and channel.wanted else None
        return ChannelReport(
            name=channel.name,
            state=state,
            crash_loop=crash_loop,
            pid=child.pid if child is not None else None,
            restarts=max(0, channel.starts - 1),
            crashes=channel.crashes,
            crashes_in_a_row=channel.in_a_row,
            last_exit_code=channel.last_exit_code,
            last_exit=channel.last_exit,
            last_error=channel.last_error,
            last_error_at=channel.last_error_at,
            error_lines=channel.error_lines,
            next_start_in=max(0.0, waiting - now) if waiting is not None else None,
            running_for=now - child.started if child is not None else None,
            status=MappingProxyType(dict(status)) if status is not None else None,
            status_age=now - child.status_at if child is not None and child.status_at else None,
            fps=channel.fps,
            totals=MappingProxyType(totals),
            sink_totals=MappingProxyType(sink_totals),
        )


def _number(value: object) -> float:
    """A counter from a status line; anything but a number counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)


def _carry_into(totals: dict[str, float], sinks: dict[tuple[str, str], float],
                status: Mapping[str, Any] | None) -> None:
    """Add a status line's counters to sums kept over a channel's runs."""
    if status is None:
        return
    for key in CHANNEL_COUNTERS:
        totals[key] = totals.get(key, 0.0) + _number(status.get(key))
    writer = status.get("writer")
    if isinstance(writer, dict):
        for key in WRITER_COUNTERS:
            if key in writer:
                totals[key] = totals.get(key, 0.0) + _number(writer[key])
    photos = status.get("photos")
    if isinstance(photos, dict):
        for key in PHOTO_COUNTERS:
            name = f"photos_{key}"
            totals[name] = totals.get(name, 0.0) + _number(photos.get(key))
    for sink in status.get("sinks") or ():
        if isinstance(sink, dict) and isinstance(sink.get("name"), str):
            for key in SINK_COUNTERS:
                mark = (sink["name"], key)
                sinks[mark] = sinks.get(mark, 0.0) + _number(sink.get(key))


def _carry(channel: _Channel, status: Mapping[str, Any] | None) -> None:
    _carry_into(channel.carried, channel.carried_sinks, status)


def _fps(previous: Mapping[str, Any] | None, line: Mapping[str, Any],
         last: float | None) -> float | None:
    if previous is None:
        return last
    air = _number(line.get("air_seconds")) - _number(previous.get("air_seconds"))
    if air <= 0:
        return last
    return max(0.0, (_number(line.get("frames")) - _number(previous.get("frames"))) / air)
