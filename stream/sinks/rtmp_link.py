"""One RTMP child process seen from the parent: its pipes, its reports, its kill switch."""

from __future__ import annotations

import contextlib
import json
import os
import select
import site
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from stream.packets import MediaSpec, Packet
from stream.sinks.rtmp_framing import packet_frame, spec_line

CHUNK = 64 * 1024  # bytes handed to the child per write; also how far ahead it may run
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def _child_env() -> dict[str, str]:
    """Our environment, with this package importable in the child, installed or not."""
    env = dict(os.environ)
    installed = {*site.getsitepackages(), site.getusersitepackages()}
    if PACKAGE_ROOT not in installed:  # never put site-packages ahead of the stdlib
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, env.get("PYTHONPATH")]))
    return env


class ChildLink:
    """Runs `python -m stream.sinks.rtmp_child` and talks to it without ever blocking."""

    def __init__(self, url: str, spec: MediaSpec) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stream.sinks.rtmp_child", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_env(),
            close_fds=True,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, not the child
        )
        self.started = time.monotonic()
        self.connected_at: float | None = None
        self.progress_at = self.started
        self.handed = 0  # payload bytes given to the child
        self.read = 0  # payload bytes the child took from its pipe
        self.written = 0  # payload bytes the child muxed onto the connection
        self.closed = False  # the child said it closed the connection cleanly
        self.error = ""
        self._out = bytearray(spec_line(url, spec))
        self._lines = b""
        self._stderr = b""
        self._open: dict[int, str] = {}
        self._poll = select.poll()
        assert self.process.stdin and self.process.stdout and self.process.stderr
        for pipe, role in (
            (self.process.stdin, "in"),
            (self.process.stdout, "out"),
            (self.process.stderr, "err"),
        ):
            os.set_blocking(pipe.fileno(), False)
            self._open[pipe.fileno()] = role
        self._poll.register(self.process.stdout, select.POLLIN)
        self._poll.register(self.process.stderr, select.POLLIN)

    @property
    def wants_data(self) -> bool:
        """Whether the child is connected and has room for another chunk."""
        return self.connected_at is not None and len(self._out) < CHUNK and self.stdin_open

    @property
    def stdin_open(self) -> bool:
        return self.process.stdin is not None and not self.process.stdin.closed

    @property
    def pending(self) -> bool:
        """Whether bytes wait to be written to the child."""
        return bool(self._out)

    @property
    def finished(self) -> bool:
        """Whether the child's stdout has closed: it has exited or is about to."""
        return "out" not in self._open.values()

    def hand(self, packet: Packet) -> None:
        """Queue one packet for the child."""
        self._out += packet_frame(packet)
        self.handed += packet.size

    def pump(self, timeout: float) -> None:
        """Write what the pipe takes and read what the child said, waiting at most `timeout` s."""
        stdin = self.process.stdin
        if self._out and self.stdin_open and stdin is not None:
            self._poll.register(stdin, select.POLLOUT)
        for fd, _ in self._poll.poll(max(0, int(timeout * 1000))):
            role = self._open.get(fd)
            if role == "in":
                self._write(fd)
            elif role is not None:
                self._read(fd, role)
        if self.stdin_open and stdin is not None:
            with contextlib.suppress(KeyError):
                self._poll.unregister(stdin)

    def close_input(self) -> None:
        """Close the child's stdin: it finishes the FLV and exits."""
        stdin = self.process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(KeyError):
                self._poll.unregister(stdin)
            self._open.pop(stdin.fileno(), None)
            with contextlib.suppress(OSError):
                stdin.close()

    def kill(self) -> None:
        """Stop the child now and release its pipes."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2.0)
        self.close_input()
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        self._open.clear()

    def exit_reason(self) -> str:
        """Why the child ended, from its own report, its stderr or its exit status."""
        if self.error:
            return self.error
        tail = self._stderr.decode(errors="replace").strip().splitlines()
        code = self.process.poll()
        if tail:
            return f"RTMP child failed: {tail[-1]}"
        return f"RTMP child exited with status {code}"

    def _write(self, fd: int) -> None:
        try:
            count = os.write(fd, self._out[:CHUNK])
        except BlockingIOError:
            return
        except OSError as error:  # the child is gone; its stdout tells us why
            self._out.clear()
            self.error = self.error or f"RTMP child pipe closed: {error}"
            self.close_input()
            return
        del self._out[:count]

    def _read(self, fd: int, role: str) -> None:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            with contextlib.suppress(KeyError):
                self._poll.unregister(fd)
            self._open.pop(fd, None)
            return
        if role == "err":
            self._stderr = (self._stderr + data)[-4096:]
            return
        self._lines += data
        *lines, self._lines = self._lines.split(b"\n")
        for line in lines:
            with contextlib.suppress(ValueError):
                self._event(json.loads(line))

    def _event(self, event: dict[str, Any]) -> None:
        now = time.monotonic()
        kind = event.get("event")
        if kind == "connected":
            self.connected_at = self.progress_at = now
        elif kind == "progress":
            if int(event["read"]) > self.read:
                self.progress_at = now
            self.read, self.written = int(event["read"]), int(event["written"])
        elif kind == "closed":
            self.closed = True
        elif kind == "error":
            self.error = str(event.get("message", "unknown error"))
