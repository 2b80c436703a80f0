"""`hostcast status` against a real health endpoint: the table, and what its exit code says."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hostcast.cli import main
from hostcast.daemon.health_server import HealthServer
from hostcast.daemon.supervisor import ChannelReport, DaemonReport

STATUS: dict[str, Any] = {
    "type": "status", "channel": "beauty", "slot": "morning-glow", "product": "serum-vitc",
    "air_seconds": 3723.4, "frames": 111702, "repeated_frames": 0, "late_frames": 3,
    "lateness_p99_ms": 1.2, "segments": 410,
    "sinks": [
        {"name": "rtmp", "state": "connected", "reconnects": 0, "sent_bytes": 9,
         "dropped_bytes": 0, "last_error": None},
        {"name": "recording", "state": "connected", "reconnects": 0, "sent_bytes": 9,
         "dropped_bytes": 0, "last_error": None},
    ],
    "writer": {"writer": "template", "guard_refused": 0}, "last_error": None,
    "config_error": None,
}
ON_AIR = ChannelReport(
    name="beauty", state="on_air", crash_loop=False, pid=4242, restarts=0, crashes=0,
    crashes_in_a_row=0, last_exit_code=None, last_exit=None, last_error=None,
    last_error_at=None, error_lines=(), next_start_in=None, running_for=3725.0, status=STATUS,
    status_age=0.4, fps=29.97, totals={}, sink_totals={},
)
LOOPING = replace(
    ON_AIR, name="shop-en", state="crash_loop", crash_loop=True, pid=None, restarts=7,
    crashes=7, crashes_in_a_row=7, last_exit_code=1, last_exit="exit code 1",
    last_error="exit code 1: RuntimeError: the avatar pack 'default' has no mouth shapes at all",
    last_error_at=datetime(2026, 3, 28, 19, 0, tzinfo=UTC), next_start_in=32.0,
    running_for=None, status=None, status_age=None, fps=None,
)


def daemon(*channels: ChannelReport, config_error: tuple[str, ...] = ()) -> DaemonReport:
    return DaemonReport(
        pid=1000, uptime=7384.0, config_path=Path("/etc/hostcast/hostcast.toml"),
        config_loaded_at=datetime(2026, 3, 28, 18, 0, tzinfo=UTC), config_error=config_error,
        reloads=0, reloads_refused=len(config_error), channels=channels,
    )


class Answers:
    """What the health endpoint reports; a test swaps it."""

    def __init__(self) -> None:
        self.report = daemon(ON_AIR)

    def __call__(self) -> DaemonReport:
        return self.report


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def address(answers: Answers) -> Iterator[str]:
    server = HealthServer(answers, host="127.0.0.1", port=0)
    server.start()
    try:
        yield f"127.0.0.1:{server.port}"
    finally:
        server.stop()


def status(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["status", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_every_channel_on_air_exits_0_with_one_line_each(
    address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = status(capsys, "--health", address)
    assert code == 0 and err == ""
    assert out[0] == (
        "hostcast daemon pid 1000, up 2:03:04, config /etc/hostcast/hostcast.toml, 1 channel(s)"
    )
    assert out[1].split() == [
        "CHANNEL", "STATE", "SLOT", "PRODUCT", "AIR", "FPS", "SINKS", "RESTARTS", "LAST", "ERROR"
    ]
    assert out[2].split() == [
        "beauty", "on_air", "morning-glow", "serum-vitc", "1:02:03", "30.0",
        "rtmp", "connected,", "recording", "connected", "0", "-",
    ]
    assert len(out) == 3
    assert out[1].index("SLOT") == out[2].index("morning-glow")  # the columns line up


def test_a_channel_in_a_crash_loop_exits_1_and_shows_why(
    address: str, answers: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    answers.report = daemon(ON_AIR, LOOPING, config_error=("hostcast.toml: channel[2].fps: no",))
    code, out, _ = status(capsys, "--health", address)
    assert code == 1
    row = next(line for line in out if line.startswith("shop-en"))
    assert row.startswith("shop-en  crash_loop (next start in 0:32)  -  ")
    assert row.split()[6:12] == ["-", "-", "-", "-", "-", "7"]
    # The error is cut to 60 characters to keep one line per channel.
    assert row.endswith("  exit code 1: RuntimeError: the avatar pack 'default' has no…")
    assert out[-1] == "config reload refused: hostcast.toml: channel[2].fps: no"


@pytest.mark.parametrize(
    ("channel", "shown"),
    [
        (replace(ON_AIR, status_age=42.0), "stale (0:42 silent)"),
        (replace(ON_AIR, state="starting", status=None, status_age=None), "starting"),
        (replace(ON_AIR, state="restarting", pid=None, next_start_in=4.0),
         "restarting (next start in 0:04)"),
        (replace(ON_AIR, crash_loop=True), "on_air (crash loop)"),
    ],
)
def test_a_channel_not_known_to_be_on_air_exits_1(
    address: str, answers: Answers, capsys: pytest.CaptureFixture[str],
    channel: ChannelReport, shown: str,
) -> None:
    answers.report = daemon(channel)
    code, out, _ = status(capsys, "--health", address)
    assert re.match(rf"beauty +{re.escape(shown)}  ", out[2]), out[2]
    assert code == (0 if shown == "on_air (crash loop)" else 1)


def test_a_daemon_out_of_reach_exits_2_naming_the_address(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    code, out, err = status(capsys, "--health", f"127.0.0.1:{port}")
    assert code == 2 and out == []
    assert f"cannot reach the daemon at http://127.0.0.1:{port}/health" in err
    assert "refused" in err.lower()


def test_the_address_comes_from_the_config(
    address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hostcast.toml"
    config.write_text(f'[daemon]\nhealth = "{address}"\n\n[[channel]]\nname = "beauty"\n',
                      encoding="utf-8")
    code, out, _ = status(capsys, "--config", str(config))
    assert code == 0 and out[2].startswith("beauty")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[daemon]\nhealth = 8090\n', "daemon.health: must be HOST:PORT, got 8090"),
        ('[daemon]\nhealth = "localhost"\n', "daemon.health: expected HOST:PORT"),
        ('[daemon]\nhealth = "127.0.0.1:0"\n', "daemon.health: port 0 is chosen by the daemon"),
        ("[daemon\n", "line 1"),
    ],
)
def test_a_bad_address_in_the_config_names_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    config = tmp_path / "hostcast.toml"
    config.write_text(text, encoding="utf-8")
    code, out, err = status(capsys, "--config", str(config))
    assert code == 2 and out == []
    assert err.startswith(f"hostcast: error: {config}: ") and problem in err


def test_health_and_config_are_one_or_the_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["status", "--health", "127.0.0.1:1", "--config", "x.toml"])
    assert refused.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
