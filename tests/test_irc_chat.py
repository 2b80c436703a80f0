"""The IRC chat connector: against Debian's ngircd, and a loopback server speaking as Twitch."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ngircd import OPERATOR, IrcClient, ngircd_server

from host.chat.message import ViewerMessage
from hostcast.chat.irc import IrcChat, parse_line
from stream.sinks.backoff import Backoff
from stream.web.protocols import TooManyMessages


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_a_twitch_line_with_tags_is_parsed() -> None:
    line = parse_line(
        r"@badge-info=;badges=subscriber/6;display-name=Julie\sB;user-id=1234 "
        ":julie!julie@julie.tmi.twitch.tv PRIVMSG #shop :how much is the serum?"
    )
    assert line.command == "PRIVMSG" and line.nick == "julie"
    assert line.params == ("#shop", "how much is the serum?")
    assert line.tags["display-name"] == "Julie B" and line.tags["user-id"] == "1234"
    assert parse_line("PING :tmi.twitch.tv").params == ("tmi.twitch.tv",)
    assert parse_line(":srv 001 hostcast :Welcome").params == ("hostcast", "Welcome")
    assert parse_line(":a!b@c JOIN #shop").params == ("#shop",)


def test_bad_settings_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="channel 'shop'"):
        IrcChat("127.0.0.1", 6667, "shop")
    with pytest.raises(ValueError, match=r"password_env: \$TWITCH_OAUTH is not set"):
        IrcChat("127.0.0.1", 6667, "#shop", password_env="TWITCH_OAUTH", environ={})


def test_questions_arrive_and_a_killed_connection_comes_back(tmp_path: Path) -> None:
    got: list[ViewerMessage] = []
    with ngircd_server(tmp_path / "irc") as port:
        chat = IrcChat("127.0.0.1", port, "#shop", backoff=Backoff(0.5, 2.0))
        chat.start(got.append)
        viewer = IrcClient(port, "julie")
        try:
            assert wait_until(lambda: chat.state.state == "connected"), chat.state.snapshot()
            viewer.join("#shop")
            viewer.say("#shop", "How much is the serum?")
            viewer.say("#shop", "\x01ACTION waves at the host\x01")
            viewer.send("PRIVMSG hostcast :a private word")  # not the channel: not a comment
            assert wait_until(lambda: len(got) == 2), got
            assert [(m.name, m.text, m.source) for m in got] == [
                ("julie", "How much is the serum?", "irc"),
                ("julie", "waves at the host", "irc"),
            ]
            # An operator kills the connector's connection mid-stream.
            viewer.send(f"OPER {OPERATOR[0]} {OPERATOR[1]}")
            viewer.wait_for(" 381 ")
            killed = time.monotonic()
            viewer.send("KILL hostcast :testing a drop")
            assert wait_until(lambda: chat.state.state == "backing_off", 5)
            assert "KILL" in chat.state.reason, chat.state.reason
            assert wait_until(lambda: chat.state.state == "connected", 10), chat.state.snapshot()
            back = time.monotonic() - killed
            viewer.say("#shop", "Still there?")
            assert wait_until(lambda: len(got) == 3), got
        finally:
            viewer.close()
            chat.stop()
    assert got[-1].text == "Still there?"
    assert back < 5, back
    snap = chat.state.snapshot()
    assert snap["reconnects"] == 1 and snap["messages_in"] == 3 and snap["state"] == "stopped"


class TwitchLike:
    """A loopback server that answers as Twitch's IRC does: tags, PING, then RECONNECT."""

    def __init__(self, script: Callable[[socket.socket, int], None]) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received: list[list[str]] = []
        self.script = script
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.server.settimeout(10)
        for number in range(3):
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            lines: list[str] = []
            self.received.append(lines)
            conn.settimeout(5)
            buffer = b""
            with conn:
                while not any(line.startswith("NICK") for line in lines):
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    buffer += chunk
                    *done, buffer = buffer.split(b"\r\n")
                    lines.extend(d.decode() for d in done)
                nick = next((ln.split()[1] for ln in lines if ln.startswith("NICK")), "x")
                conn.sendall(f":tmi.twitch.tv 001 {nick} :Welcome, GLHF!\r\n"
                             f":{nick}!{nick}@{nick}.tmi.twitch.tv JOIN #shop\r\n".encode())
                self.script(conn, number)
                # Read what the client says back (PONG...) until it hangs up.
                try:
                    while chunk := conn.recv(4096):
                        buffer += chunk
                        *done, buffer = buffer.split(b"\r\n")
                        lines.extend(d.decode() for d in done)
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()


def _twitch_script(conn: socket.socket, number: int) -> None:
    tags = "badges=;display-name=Léa;user-id=77;bits=100"
    owner = "badges=broadcaster/1;display-name=Shop;user-id=1"
    if number == 0:
        conn.sendall(
            b"PING :tmi.twitch.tv\r\n"
            + f"@{tags} :lea!lea@lea.tmi.twitch.tv PRIVMSG #shop :Is it in stock?\r\n".encode()
            + f"@{owner} :shop!shop@shop.tmi.twitch.tv PRIVMSG #shop :welcome all\r\n".encode()
            + b"@msg-id=resub;display-name=Max;user-id=9 :tmi.twitch.tv USERNOTICE #shop "
              b":Six months!\r\n"
            + b":tmi.twitch.tv RECONNECT\r\n"
        )
    else:
        conn.sendall(b"@display-name=Tom;user-id=5 :tom!tom@tom.tmi.twitch.tv PRIVMSG #shop "
                     b":Back again?\r\n")


def test_twitch_tags_reconnect_and_the_token_never_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = "s3cr3t-oauth-token-value"
    server = TwitchLike(_twitch_script)
    got: list[ViewerMessage] = []
    chat = IrcChat("127.0.0.1", server.port, "#Shop", twitch=True, password_env="TW",
                   environ={"TW": token}, nick="myshopbot")
    try:
        chat.start(got.append)
        assert wait_until(lambda: len(got) == 3, 10), (got, server.received)
    finally:
        chat.stop()
        server.close()
    first = server.received[0]
    assert first[0] == "CAP REQ :twitch.tv/tags twitch.tv/commands"
    assert f"PASS oauth:{token}" in first and "NICK myshopbot" in first
    assert "PONG :tmi.twitch.tv" in first
    assert [(m.name, m.text, m.kind, m.client, m.source) for m in got] == [
        ("Léa", "Is it in stock?", "cheer", "77", "twitch"),
        ("Max", "Six months!", "membership", "9", "twitch"),
        ("Tom", "Back again?", "message", "5", "twitch"),  # after RECONNECT, on a new line
    ]
    assert len(server.received) >= 2  # RECONNECT obeyed: a second connection
    snap = chat.state.snapshot()
    assert snap["ignored"] == 1  # the broadcaster's own message
    assert token not in caplog.text and token not in str(snap)


def test_a_rate_limited_show_does_not_stop_the_reader() -> None:
    def flood(conn: socket.socket, number: int) -> None:
        if number == 0:
            conn.sendall(b"".join(
                f"@display-name=V{i};user-id={i} :v{i}!v@v PRIVMSG #shop :hello {i}\r\n".encode()
                for i in range(200)
            ))

    server = TwitchLike(flood)
    taken: list[str] = []

    def on_message(message: ViewerMessage) -> None:
        if len(taken) >= 5:
            raise TooManyMessages("over the limit", 1.0)
        taken.append(message.text)

    chat = IrcChat("127.0.0.1", server.port, "#shop", twitch=True)
    try:
        chat.start(on_message)
        assert wait_until(lambda: chat.state.counts()["messages_in"] == 200, 10)
        assert chat.state.state == "connected"
    finally:
        chat.stop()
        server.close()
    assert len(taken) == 5
    assert chat.nick.startswith("justinfan")  # no token: Twitch's anonymous read-only login
