"""Debian's ngircd on 127.0.0.1 with its own config, and a tiny IRC client for tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

OPERATOR = ("testop", "op-password-for-tests")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(folder: Path, port: int) -> str:
    name, password = OPERATOR
    return f"""[Global]
Name = irc.hostcast.test
Info = Hostcast test server
Listen = 127.0.0.1
Ports = {port}
PidFile = {folder}/ngircd.pid
MotdPhrase = "Hostcast tests"

[Limits]
# No flood penalty: the tests flood on purpose, to see Hostcast's own limits at work.
MaxPenaltyTime = 0
MaxConnectionsIP = 0
PingTimeout = 120
PongTimeout = 20

[Options]
DNS = no
Ident = no
PAM = no
OperCanUseMode = yes

[Operator]
Name = {name}
Password = {password}
"""


@contextlib.contextmanager
def ngircd_server(folder: Path) -> Iterator[int]:
    """Runs ngircd on a free loopback port until the block ends; yields the port."""
    binary = shutil.which("ngircd") or ("/usr/sbin/ngircd" if os.path.exists("/usr/sbin/ngircd")
                                        else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("ngircd is not installed: bin/setup dev installs it")
        pytest.skip("ngircd is not installed (apt-get install ngircd)")
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    conf = folder / "ngircd.conf"
    conf.write_text(_config(folder, port))
    log = open(folder / "ngircd.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([binary, "--nodaemon", "--passive", "--config", str(conf)],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ngircd did not start: {(folder / 'ngircd.log').read_text()}")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


class IrcClient:
    """A test viewer on the IRC server: registers, joins, posts, and reads what comes back."""

    def __init__(self, port: int, nick: str) -> None:
        self.nick = nick
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self._buffer = b""
        self.send(f"NICK {nick}", f"USER {nick} 0 * :test viewer")
        self.wait_for(" 001 ")

    def send(self, *lines: str) -> None:
        self.sock.sendall(b"".join(line.encode() + b"\r\n" for line in lines))

    def wait_for(self, needle: str, timeout: float = 10.0) -> str:
        """Reads lines (answering PING) until one contains `needle`; that line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\n" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                if line.startswith("PING"):
                    self.send("PONG" + line[4:])
                if needle in line:
                    return line
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            self._buffer += chunk
        raise AssertionError(f"{self.nick}: no line with {needle!r} in {timeout} s")

    def join(self, channel: str) -> None:
        self.send(f"JOIN {channel}")
        self.wait_for(f"JOIN :{channel}")

    def say(self, channel: str, text: str) -> None:
        self.send(f"PRIVMSG {channel} :{text}")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.send("QUIT :bye")
        self.sock.close()
