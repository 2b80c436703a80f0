"""One channel's child process, from start to exit: its status lines, its log, its group.

The child runs in a process group of its own, so a kill takes what it started with it (an
RTMP push). It prints one JSON status line per second on stdout and logs JSON lines on
stderr; two reader threads keep the latest status and forward the logs, tagged with the
channel, keeping the last lines for the report of a crash.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

log = logging.getLogger("hostcast.daemon")

_MAX_LINE = 1 << 20  # a status or log line longer than this is cut
_TAIL = 20  # stderr lines kept per run, for the error report of a crash
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
_ERROR_PREFIXES = ("hostcast: error:", "Fatal Python error")  # the CLI's, the interpreter's

# Hears each status line with the one before it (None for the first), under the lock.
StatusHook = Callable[[Mapping[str, Any] | None, Mapping[str, Any]], None]


class ChannelProcess:
    """A started child of channel `name`; `status` and `tail` are read under `lock`."""

    def __init__(self, name: str, proc: subprocess.Popen[bytes], started: float,
                 lock: threading.Lock, on_status: StatusHook) -> None:
        self.name = name
        self.proc = proc
        self.started = started
        self.status: dict[str, Any] | None = None
        self.status_at: float | None = None
        self.tail: deque[tuple[int, str]] = deque(maxlen=_TAIL)  # (level, line) from stderr
        self._lock = lock
        self._on_status = on_status
        self._readers = [
            threading.Thread(target=target, args=(stream,), daemon=True,
                             name=f"hostcast-{name}-{kind}")
            for kind, target, stream in (
                ("status", self._read_status, proc.stdout), ("log", self._read_log, proc.stderr)
            )
        ]
        for reader in self._readers:
            reader.start()

    @classmethod
    def start(cls, name: str, argv: Sequence[str], env: Mapping[str, str], started: float,
              lock: threading.Lock, on_status: StatusHook) -> ChannelProcess:
        """Start `argv` in a process group of its own; OSError when it cannot start."""
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(env), process_group=0,
        )
        return cls(name, proc, started, lock, on_status)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def exited(self) -> bool:
        """Whether the child has exited, without reaping it."""
        if self.proc.returncode is not None:
            return True
        try:
            seen = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True  # reaped already; wait() gives its code
        return seen is not None

    def signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the child alone."""
        with contextlib.suppress(ProcessLookupError):  # it exited: the next look reaps it
            os.kill(self.proc.pid, sig)

    def kill_group(self) -> None:
        """SIGKILL the child's process group (its id is the child's pid)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left in it
            os.killpg(self.proc.pid, signal.SIGKILL)

    def reap(self) -> int:
        """Once `exited`: kill what is left of its group, collect its exit code, drain its output.

        Negative: killed by that signal.
        """
        # Before reaping: while the child is a zombie its pid, the group's id, is taken.
        self.kill_group()
        code = self.proc.wait()
        for reader in self._readers:
            reader.join(timeout=1.0)
        return code

    def _read_status(self, stream: IO[bytes]) -> None:
        for raw in iter(lambda: stream.readline(_MAX_LINE), b""):
            text = raw.decode("utf-8", "replace").strip()
            try:
                line = json.loads(text)
            except ValueError:
                line = None
            if not isinstance(line, dict) or line.get("type") != "status":
                if text:
                    log.info("%s", text, extra={"channel": self.name})
                continue
            with self._lock:
                previous = self.status
                self.status, self.status_at = line, time.monotonic()
                self._on_status(previous, line)
        stream.close()

    def _read_log(self, stream: IO[bytes]) -> None:
        """Forward each stderr line to our log, tagged with the channel; keep the last ones."""
        extra = {"channel": self.name}
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
                self.tail.append((level, message))
        stream.close()


def exit_text(code: int) -> str:
    """How a child ended, from its exit code: "exit code 1", "killed by SIGKILL"."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
