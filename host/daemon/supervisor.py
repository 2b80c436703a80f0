"""The daemon's supervisor: one process per channel, restarted with backoff when it dies.

Each channel runs in a child process of its own (`hostcast daemon --channel NAME`), in
its own process group, so a crash, a `kill -9` or a runaway encoder takes down one channel
and never another. The child prints one JSON status line per second on stdout and logs
JSON lines on stderr; reader threads keep the latest status and forward the logs, tagged
with the channel. A child that exits is started again after 1 s, 2 s, 4 s... up to 60 s;
five minutes of stable running forgive its past crashes. Repeated crashes are a crash
loop: logged as errors and shown on the health page, never hidden behind restarts.

Signals reach the supervisor only as flags (`request_stop`, `request_reload`): a handler
that took a lock could deadlock the loop it interrupted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from host.daemon.exit_codes import RESTART_EXIT
from host.errors import HostcastError
from host.schedule import HostcastConfig, InvalidConfigError, load_config

log = logging.getLogger("hostcast.daemon")

SUPERVISOR_PID_ENV = "HOSTCAST_SUPERVISOR_PID"  # tells a channel which process to outlive not
CHANNEL_COUNTERS = ("frames", "dropped_frames", "late_frames", "segments", "air_seconds")
WRITER_COUNTERS = ("guard_refused", "generated", "refused", "fallbacks", "failed")
SINK_COUNTERS = ("sent_bytes", "dropped_bytes", "reconnects")
_MAX_LINE = 1 << 20  # a status or log line longer than this is cut
_QUICK_EXIT = 1.0  # seconds: a restart asked for sooner than this waits the first backoff
_TAIL = 20  # stderr lines kept per run, for the error report of a crash
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
_ERROR_PREFIXES = ("hostcast: error:", "Fatal Python error")  # the CLI's, the interpreter's

ChildCommand = Callable[[Path, str], Sequence[str]]


def channel_command(config: Path, channel: str) -> list[str]:
    """The command that runs one channel: this Python, `hostcast daemon --channel NAME`."""
    return [
        sys.executable, "-m", "host", "daemon", "--config", str(config), "--channel", channel,
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
    """One child process of a channel, from start to exit."""

    proc: subprocess.Popen[bytes]
    started: float
    readers: list[threading.Thread] = field(default_factory=list)
    status: dict[str, Any] | None = None
    status_at: float | None = None
    status_error: str | None = None
    tail: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=_TAIL))
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
            if not _exited(run.proc):
                self._watch_running(channel, run, now)
                return
            # Before reaping: while the child is a zombie its pid, the group's id, is taken.
            _kill_group(run.proc.pid)  # what it started (an RTMP push) goes with it
            self._ended(channel, run, run.proc.wait(), now)
        if channel.wanted and channel.next_start is not None and now >= channel.next_start:
            self._start(channel, now)

    def _watch_running(self, channel: _Channel, run: _Run, now: float) -> None:
        t = self.timings
        if run.hup_pending and run.status is not None and run.stop_sent_at is None:
            run.hup_pending = False
            _signal(run.proc.pid, signal.SIGHUP)
        if run.stop_sent_at is not None:
            if run.killed_at is None and now - run.stop_sent_at >= t.stop_timeout:
                log.warning("still running %.0f s after SIGTERM: killing its process group",
                            t.stop_timeout, extra={"channel": channel.name})
                run.killed_at = now
                _kill_group(run.proc.pid)
        elif run.killed_at is None and run.status_at is not None \
                and now - run.status_at >= t.stall_timeout:
            run.killed_for = f"no status for {now - run.status_at:.0f} s: killed as hung"
            log.error("%s", run.killed_for, extra={"channel": channel.name})
            run.killed_at = now
            _kill_group(run.proc.pid)
        elif channel.in_a_row and now - run.started >= t.stable_after:
            log.info("stable for %.0f s: past crashes forgiven", t.stable_after,
                     extra={"channel": channel.name})
            with self._lock:
                channel.in_a_row = 0

    def _start(self, channel: _Channel, now: float) -> None:
        argv = list(self._command(self.config.path.absolute(), channel.name))
        env = {**os.environ, "PYTHONUNBUFFERED": "1", SUPERVISOR_PID_ENV: str(os.getpid())}
        channel.next_start = None
        try:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, process_group=0,
            )
        except OSError as err:
            self._crashed(channel, now, 0.0, f"cannot start {argv[0]}: {err}", ())
            return
        run = _Run(proc, now)
        for target, stream in ((self._read_status, proc.stdout), (self._read_log, proc.stderr)):
            reader = threading.Thread(target=target, args=(channel, run, stream), daemon=True,
                                      name=f"hostcast-{channel.name}-{target.__name__[6:]}")
            run.readers.append(reader)
            reader.start()
        with self._lock:
            channel.run = run
            channel.starts += 1
        log.info("started, pid %d", proc.pid, extra={"channel": channel.name})

    def _ended(self, channel: _Channel, run: _Run, code: int, now: float) -> None:
        for reader in run.readers:
            reader.join(timeout=1.0)
        with self._lock:
            _carry(channel, run.status)
            channel.run = None
            channel.fps = None
            channel.last_exit_code = code
            channel.last_exit = _exit_text(code)
        name = channel.name
        if run.stop_sent_at is not None:
            log.info("stopped (%s)", _exit_text(code), extra={"channel": name})
            if channel.wanted:
                channel.next_start = now  # taken off and put back on by reloads in between
            elif name not in {c.name for c in self.config.channels}:
                with self._lock:
                    del self._channels[name]
            return
        if code == RESTART_EXIT:
            log.info("asked to be started again: its outputs changed", extra={"channel": name})
            # At once, unless it asks right after starting: a loop of those must not spin.
            quick = now - run.started < _QUICK_EXIT
            channel.next_start = now + (self.timings.first_backoff if quick else 0.0)
            return
        errors = [text for level, text in run.tail if level >= logging.ERROR]
        last = run.killed_for or (errors[-1] if errors else None)
        reason = f"{_exit_text(code)}: {last}" if last else _exit_text(code)
        # Warnings and errors only: an info line may carry the preview's operator token.
        lines = tuple(text for level, text in run.tail if level >= logging.WARNING)
        self._crashed(channel, now, now - run.started, reason, lines)

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
            _signal(run.proc.pid, signal.SIGTERM)

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

    # -- what the children say -------------------------------------------------------------

    def _read_status(self, channel: _Channel, run: _Run, stream: IO[bytes]) -> None:
        for raw in iter(lambda: stream.readline(_MAX_LINE), b""):
            text = raw.decode("utf-8", "replace").strip()
            try:
                line = json.loads(text)
            except ValueError:
                line = None
            if not isinstance(line, dict) or line.get("type") != "status":
                if text:
                    log.info("%s", text, extra={"channel": channel.name})
                continue
            with self._lock:
                previous = run.status
                run.status, run.status_at = line, time.monotonic()
                channel.fps = _fps(previous, line, channel.fps)
                error = line.get("last_error")
                if isinstance(error, str) and error and error != run.status_error:
                    channel.error(error)
                run.status_error = error if isinstance(error, str) else None
        stream.close()

    def _read_log(self, channel: _Channel, run: _Run, stream: IO[bytes]) -> None:
        """Forward each stderr line to our log, tagged with the channel; keep the last ones."""
        extra = {"channel": channel.name}
        in_traceback = False
        for raw in iter(lambda: stream.readline(_MAX_LINE), b""):
            text = raw.decode("utf-8", "replace").rstrip()
            if not text:
                continue
            try:
                record = json.loads(text)
            except ValueError:
                record = None
            if isinstance(record, dict) and isinstance(record.get("message"), str):
                name = str(record.get("level"))
                level = getattr(logging, name) if name in _LEVELS else logging.INFO
                message = record["message"]
                logger = logging.getLogger(str(record.get("logger") or "hostcast.channel"))
                exception = record.get("exception")
                trace = f"\n{exception}" if isinstance(exception, str) else ""
                logger.log(level, "%s%s", message, trace, extra=extra)
            else:
                # Not a log record: what Python prints of an uncaught exception, or a line
                # printed for the operator (the preview's address).
                in_traceback = in_traceback or text.startswith("Traceback (most recent call")
                error = in_traceback or text.startswith(_ERROR_PREFIXES)
                level, message = (logging.ERROR if error else logging.INFO), text
                logging.getLogger("hostcast.channel").log(level, "%s", text, extra=extra)
            with self._lock:
                run.tail.append((level, message))
        stream.close()

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
        if run is not None and run.stop_sent_at is None:
            state = "on_air" if run.status is not None else "starting"
        elif run is None and channel.wanted and channel.next_start is not None:
            state = "crash_loop" if crash_loop else "restarting"
        else:
            state = "stopped"
        status = run.status if run is not None else None
        totals = dict(channel.carried)
        sink_totals = dict(channel.carried_sinks)
        _carry_into(totals, sink_totals, status)
        waiting = channel.next_start if run is None and channel.wanted else None
        return ChannelReport(
            name=channel.name,
            state=state,
            crash_loop=crash_loop,
            pid=run.proc.pid if run is not None else None,
            restarts=max(0, channel.starts - 1),
            crashes=channel.crashes,
            crashes_in_a_row=channel.in_a_row,
            last_exit_code=channel.last_exit_code,
            last_exit=channel.last_exit,
            last_error=channel.last_error,
            last_error_at=channel.last_error_at,
            error_lines=channel.error_lines,
            next_start_in=max(0.0, waiting - now) if waiting is not None else None,
            running_for=now - run.started if run is not None else None,
            status=MappingProxyType(dict(status)) if status is not None else None,
            status_age=now - run.status_at if run is not None and run.status_at else None,
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


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it exited: the next tend reaps it
        os.kill(pid, sig)


def _exited(proc: subprocess.Popen[bytes]) -> bool:
    """Whether the child has exited, without reaping it."""
    if proc.returncode is not None:
        return True
    try:
        seen = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True  # reaped already; wait() gives its code
    return seen is not None


def _kill_group(pgid: int) -> None:
    """SIGKILL a channel's process group (its id is the child's pid)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left in it
        os.killpg(pgid, signal.SIGKILL)
