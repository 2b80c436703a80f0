"""Chat over IRC: any IRC server's channel, Twitch chat included, read as viewers' comments.

The connector registers (`CAP REQ`, `PASS`, `NICK`, `USER`), joins one channel and hands
each `PRIVMSG` to the show. It answers `PING`, obeys Twitch's `RECONNECT`, notices a
silent server by pinging it, and comes back after any drop with jittered backoff. It
never posts in the channel: the host answers on air.

Twitch (https://dev.twitch.tv/docs/chat/irc/): `irc.chat.twitch.tv`, port 6697 with TLS,
`PASS oauth:<token>` (or anonymous, read-only, as `justinfan<digits>` with no password),
the `twitch.tv/tags` capability for display names and user ids. Its documented limits are
on what a client sends: 20 authentication attempts and 20 JOINs per 10 s per account, and
20 messages per 30 s. Every line this connector sends goes through one bucket of 20 per
30 s, and reconnects wait at least a second, so it stays inside all three.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from host.chat.connector import OnMessage
from host.chat.message import ViewerMessage
from hostcast.chat.reader import ChatReader
from hostcast.chat.state import ConnectorState
from stream.sinks.backoff import Backoff
from stream.web.rate_limit import TokenBuckets

log = logging.getLogger(__name__)

TWITCH_HOST = "irc.chat.twitch.tv"
TWITCH_TLS_PORT = 6697
MAX_LINE = 16 * 1024  # bytes of one line with its tags (Twitch allows 8191 of tags)
STABLE_SECONDS = 60.0  # a connection that lasted this long resets the backoff
SEND_RATE = (20 / 30, 20)  # lines a second, burst: Twitch's message limit, the strictest


class IrcDropped(Exception):
    """The connection ended: closed, reset, silent too long, or killed by the server."""


@dataclass(frozen=True)
class IrcLine:
    """One line from the server: its IRCv3 tags, the sender's nick, the command, the params."""

    tags: Mapping[str, str]
    nick: str
    command: str
    params: tuple[str, ...] = field(default_factory=tuple)

    @property
    def trailing(self) -> str:
        return self.params[-1] if self.params else ""


def _unescape_tag(value: str) -> str:
    out, chars = [], iter(value)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        out.append({":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}.get(nxt, nxt))
    return "".join(out)


def parse_line(raw: str) -> IrcLine:
    """Split `@tags :prefix COMMAND params :trailing` (RFC 1459 with IRCv3 message tags)."""
    tags: dict[str, str] = {}
    rest = raw
    if rest.startswith("@"):
        head, _, rest = rest.partition(" ")
        for item in head[1:].split(";"):
            key, _, value = item.partition("=")
            if key:
                tags[key] = _unescape_tag(value)
    rest = rest.lstrip(" ")
    nick = ""
    if rest.startswith(":"):
        prefix, _, rest = rest.partition(" ")
        nick = prefix[1:].partition("!")[0]
    rest, colon, trailing = rest.partition(" :")
    words = rest.split()
    if not words:
        return IrcLine(tags, nick, "", ())
    params = [*words[1:], trailing] if colon else words[1:]
    return IrcLine(tags, nick, words[0].upper(), tuple(params))


class IrcChat(ChatReader):
    """Reads one IRC channel's messages as viewers' comments; a `CommentConnector`.

    `password_env` names the environment variable holding the server password (Twitch: the
    OAuth token, with or without its `oauth:` prefix); its value is never logged. With
    `twitch=True` the Twitch capabilities are asked for, the channel's broadcaster is not
    answered, and RECONNECT is obeyed.
    """

    def __init__(
        self,
        host: str,
        port: int,
        channel: str,
        *,
        tls: bool = False,
        nick: str | None = None,
        password_env: str | None = None,
        twitch: bool = False,
        ignore_nicks: tuple[str, ...] = (),
        source: str | None = None,
        name: str | None = None,
        environ: Mapping[str, str] | None = None,
        idle_ping: float = 60.0,
        pong_timeout: float = 20.0,
        connect_timeout: float = 10.0,
        backoff: Backoff | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if not channel.startswith(("#", "&")) or len(channel) < 2 or " " in channel:
            raise ValueError(f"channel {channel!r}: an IRC channel starts with # (as in #shop)")
        if not 0 < port < 65536:
            raise ValueError(f"port {port!r}: must be 1 to 65535")
        self.host, self.port, self.tls = host, port, tls
        self.channel = channel.lower() if twitch else channel
        self.twitch = twitch
        self.source = source or ("twitch" if twitch else "irc")
        environ = os.environ if environ is None else environ
        self._password = ""
        if password_env:
            self._password = environ.get(password_env, "")
            if not self._password:
                raise ValueError(f"password_env: ${password_env} is not set or empty")
            if twitch and not self._password.startswith("oauth:"):
                self._password = "oauth:" + self._password
        if nick is None:
            # Twitch reads anonymously as justinfan<digits>; another server gets a plain nick.
            nick = f"justinfan{random.randint(10000, 99999)}" if twitch and not self._password \
                else "hostcast"
        self.nick = nick.lower() if twitch else nick
        self.ignore = {n.lower() for n in ignore_nicks}
        self.state = ConnectorState(name or self._address(), self.source)
        self.idle_ping, self.pong_timeout = idle_ping, pong_timeout
        self.connect_timeout = connect_timeout
        self._backoff = backoff or Backoff(1.0, 60.0, jitter=0.3)
        self._tls_context = tls_context
        self._send_bucket = TokenBuckets(*SEND_RATE, max_keys=1)
        super().__init__()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def _address(self) -> str:
        if self.twitch and self.host == TWITCH_HOST:
            return f"twitch:{self.channel}"
        return f"{'ircs' if self.tls else 'irc'}://{self.host}:{self.port}/{self.channel}"

    def _wake(self) -> None:
        with self._lock:
            sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the reader at once

    def _run(self, on_message: OnMessage) -> None:
        first = True
        while not self._stop.is_set():
            if not first:
                self.state.count("reconnects")
            first = False
            opened = time.monotonic()
            try:
                self._session(on_message)
                reason = "the server closed the connection"
            except IrcDropped as exc:
                reason = str(exc)
            except (OSError, ssl.SSLError) as exc:
                reason = f"cannot reach {self.host}:{self.port}: {exc.strerror or exc}"
            except Exception as exc:  # a bug here must not end the chat for the whole show
                log.exception("%s: the IRC connector failed", self.state.name)
                reason = f"error: {exc}"
            finally:
                self._close()
            if self._stop.is_set():
                return
            if reason.startswith("RECONNECT"):
                delay = 1.0  # Twitch is restarting a server: go again now (at the floor)
            else:
                if time.monotonic() - opened > STABLE_SECONDS:
                    self._backoff.reset()
                delay = max(1.0, self._backoff.next_delay())
            self.state.backing_off(f"{reason}; next try in {delay:.1f} s", delay)
            log.warning("%s: %s; reconnecting in %.1f s", self.state.name, reason, delay)
            self._stop.wait(delay)

    def _connect(self) -> socket.socket:
        raw = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        if not self.tls:
            return raw
        context = self._tls_context or ssl.create_default_context()
        try:
            return context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise

    def _close(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def _send(self, line: str) -> None:
        while (wait := self._send_bucket.take("all")) > 0:
            if self._stop.wait(wait):
                raise IrcDropped("stopping")
        sock = self._sock
        if sock is None:
            raise IrcDropped("not connected")
        sock.sendall(line.encode("utf-8") + b"\r\n")

    def _session(self, on_message: OnMessage) -> None:
        self.state.set("starting", f"connecting to {self.host}:{self.port}")
        sock = self._connect()
        with self._lock:
            if self._stop.is_set():
                sock.close()
                return
            self._sock = sock
        caps = "twitch.tv/tags twitch.tv/commands" if self.twitch else "message-tags"
        self._send(f"CAP REQ :{caps}")
        if self._password:
            self._send(f"PASS {self._password}")
        self._send(f"NICK {self.nick}")
        self._send(f"USER {self.nick} 0 * :Hostcast")
        self._send("CAP END")  # a server that never answers CAP still registers us
        sock.settimeout(1.0)  # wake every second: a stop, a silence to ping about
        buffer = b""
        heard = time.monotonic()
        pinged: float | None = None
        while not self._stop.is_set():
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                chunk = None
            now = time.monotonic()
            if chunk == b"":
                raise IrcDropped("the server closed the connection")
            if chunk is None:
                if pinged is not None and now - pinged > self.pong_timeout:
                    raise IrcDropped(f"no answer to PING in {self.pong_timeout:.0f} s")
                if pinged is None and now - heard > self.idle_ping:
                    self._send(f"PING :{self.host}")
                    pinged = now
                continue
            heard, pinged = now, None
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > MAX_LINE:
                raise IrcDropped(f"a line over {MAX_LINE} bytes")
            for raw in lines:
                self._handle(parse_line(raw.rstrip(b"\r").decode("utf-8", "replace")),
                             on_message)

    def _handle(self, line: IrcLine, on_message: OnMessage) -> None:
        command = line.command
        if command == "PING":
            self._send(f"PONG :{line.trailing}")
        elif command == "001":
            self._send(f"JOIN {self.channel}")
        elif command == "433":  # nick in use (another copy, or a ghost): take the next one
            self.nick = self.nick[:24] + "_"
            self._send(f"NICK {self.nick}")
        elif command == "JOIN" and line.nick.lower() == self.nick.lower():
            self.state.set("connected", f"in {self.channel} as {self.nick}")
            log.info("%s: joined %s as %s", self.state.name, self.channel, self.nick)
        elif command in ("464", "465") or (command == "NOTICE" and _login_refused(line)):
            raise IrcDropped(f"login refused: {line.trailing}")
        elif command in ("471", "473", "474", "475", "403"):
            raise IrcDropped(f"cannot join {self.channel}: {line.trailing}")
        elif command == "RECONNECT":
            raise IrcDropped("RECONNECT: the server asked us to reconnect")
        elif command == "ERROR":
            raise IrcDropped(f"the server ended the connection: {line.trailing}")
        elif command == "KICK" and len(line.params) >= 2 and line.params[1] == self.nick:
            raise IrcDropped(f"kicked from {self.channel}: {line.trailing}")
        elif command == "PRIVMSG" and len(line.params) >= 2:
            self._privmsg(line, on_message)
        elif command == "USERNOTICE" and self.twitch:
            self._usernotice(line, on_message)

    def _from_host_side(self, line: IrcLine) -> bool:
        """The host itself, the channel's owner, or a name the operator asked us to skip."""
        nick = line.nick.lower()
        if nick == self.nick.lower() or nick in self.ignore:
            return True
        if self.twitch:
            badges = line.tags.get("badges", "")
            return nick == self.channel[1:] or "broadcaster/" in badges
        return False

    def _privmsg(self, line: IrcLine, on_message: OnMessage) -> None:
        target, text = line.params[0], line.trailing
        if target.lower() != self.channel.lower():
            self.state.count("ignored")  # a private message, or another channel
            return
        if text.startswith("\x01"):
            if not text.startswith("\x01ACTION "):
                self.state.count("ignored")  # CTCP: not a comment
                return
            text = text[8:].rstrip("\x01")
        kind = "cheer" if self.twitch and line.tags.get("bits") else "message"
        self._deliver(line, text, kind, on_message)

    def _usernotice(self, line: IrcLine, on_message: OnMessage) -> None:
        event = line.tags.get("msg-id", "")
        text = line.trailing if len(line.params) >= 2 else ""
        if event in ("sub", "resub", "subgift", "submysterygift") and text:
            self._deliver(line, text, "membership", on_message)
        else:
            self.state.count("ignored")

    def _deliver(self, line: IrcLine, text: str, kind: str, on_message: OnMessage) -> None:
        if self._from_host_side(line) or not text.strip():
            self.state.count("ignored")
            return
        name = line.tags.get("display-name") or line.tags.get("login") or line.nick
        client = line.tags.get("user-id") or line.nick.lower()
        self._hand_over(ViewerMessage(name, text, time.monotonic(), source=self.source,
                                      client=client, kind=kind), on_message)


def _login_refused(line: IrcLine) -> bool:
    text = line.trailing.lower()
    return "login authentication failed" in text or "improperly formatted auth" in text


