"""The daemon's supervisor with real child processes: restarts, backoff, crash loops, reloads."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO
from daemon_fakes import (
    FAST,
    alive,
    behave,
    events,
    fake_command,
    root_logging,  # noqa: F401  (a fixture)
    supervising,
    wait_for,
    write_config,
)

from hostcast.cli import main
from hostcast.daemon import log_format
from hostcast.daemon.supervisor import ChannelReport, Supervisor, Timings
from hostcast.schedule import load_config


def channel(supervisor: Supervisor, name: str) -> ChannelReport:
    return next(c for c in supervisor.report().channels if c.name == name)


def on_air(supervisor: Supervisor, name: str) -> ChannelReport | None:
    report = next((c for c in supervisor.report().channels if c.name == name), None)
    return report if report is not None and report.state == "on_air" else None


def pid_on_air(supervisor: Supervisor, name: str) -> int:
    pid = wait_for(lambda: on_air(supervisor, name), f"{name} on air").pid
    assert pid is not None
    return pid


def test_a_crashing_channel_restarts_with_backoff_while_the_other_stays_on_air(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    behave(tmp_path, "crashy", crash_after=0.2, code=3)
    with supervising(write_config(tmp_path), tmp_path) as supervisor:
        steady = wait_for(lambda: on_air(supervisor, "steady"), "steady on air")
        frames_before = steady.totals["frames"]
        wait_for(lambda: len(events(tmp_path, "crashy", "start")) >= 4, "4 starts of crashy")
        crashy = channel(supervisor, "crashy")
        later = channel(supervisor, "steady")
    starts = [float(at) for _, at in events(tmp_path, "crashy", "start")]
    crashes = [float(at) for _, at in events(tmp_path, "crashy", "crash")]
    # From each crash to the next start: at least the backoff, 0.3 s, then 0.6 s, then 1.2 s.
    waits = [start - crash for crash, start in zip(crashes, starts[1:], strict=False)]
    assert len(waits) >= 3
    for wait, backoff in zip(waits, (0.3, 0.6, 1.2), strict=False):
        assert backoff - 0.05 <= wait <= backoff + 3.0, waits
    # The steady channel was never touched: one process, its status still flowing.
    assert len(events(tmp_path, "steady", "start")) == 1
    assert later.pid == steady.pid and later.restarts == 0 and later.crashes == 0
    assert later.totals["frames"] > frames_before + 30
    assert later.status_age is not None and later.status_age < 1.0
    assert crashy.crashes >= 3 and crashy.crash_loop
    assert crashy.last_exit_code == 3 and crashy.last_exit == "exit code 3"
    assert crashy.last_error == "exit code 3: RuntimeError: boom"
    assert crashy.error_lines[-3:] == (
        "the encoder died", "Traceback (most recent call last):", "RuntimeError: boom"
    )
    assert not any("s3cret" in line for line in crashy.error_lines)  # info stays in the log
    loud = [r for r in caplog.records if "crash loop" in r.getMessage()]
    assert loud and all(r.levelname == "ERROR" for r in loud)
    assert getattr(loud[0], "channel", None) == "crashy"


def test_kill_9_of_a_channel_restarts_it_and_keeps_its_counters(tmp_path: Path) -> None:
    with supervising(write_config(tmp_path), tmp_path) as supervisor:
        victim = wait_for(lambda: on_air(supervisor, "crashy"), "crashy on air")
        other = wait_for(lambda: on_air(supervisor, "steady"), "steady on air")
        os.kill(victim.pid or 0, signal.SIGKILL)
        wait_for(lambda: channel(supervisor, "crashy").state == "restarting", "the restart wait")
        reborn = wait_for(lambda: on_air(supervisor, "crashy"), "crashy back", timeout=5)
        summed = reborn.totals["frames"]
        after = channel(supervisor, "steady")
    assert reborn.pid != victim.pid and reborn.restarts == 1 and reborn.crashes == 1
    assert reborn.last_exit == "killed by SIGKILL" and reborn.last_exit_code == -9
    assert not reborn.crash_loop
    # Frames of the killed run are kept in the totals: a counter never goes back.
    assert summed >= victim.totals["frames"] + 3
    assert after.pid == other.pid and after.restarts == 0


def test_exit_75_restarts_at_once_and_is_no_crash(tmp_path: Path) -> None:
    # A first backoff of 30 s: only a restart at once makes three starts in 8 s.
    behave(tmp_path, "crashy", exit_after=1.1, code=75)
    slow = Timings(first_backoff=30.0, max_backoff=60.0, watch_every=0.3, tick=0.05)
    with supervising(write_config(tmp_path), tmp_path, slow) as supervisor:
        wait_for(lambda: len(events(tmp_path, "crashy", "start")) >= 3, "3 starts", timeout=8)
        report = channel(supervisor, "crashy")
    assert report.crashes == 0 and not report.crash_loop
    assert report.restarts >= 2 and report.last_exit_code == 75
    assert report.last_error is None


def test_a_channel_asking_for_a_restart_right_away_does_not_spin(tmp_path: Path) -> None:
    behave(tmp_path, "crashy", exit_after=0.0, code=75)
    timings = Timings(first_backoff=0.5, watch_every=0.3, tick=0.05)
    with supervising(write_config(tmp_path), tmp_path, timings):
        time.sleep(2.0)
    assert 2 <= len(events(tmp_path, "crashy", "start")) <= 5


def test_a_command_that_cannot_start_is_a_crash_with_its_reason(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-hostcast"
    supervisor = Supervisor(load_config(write_config(tmp_path, ("steady",))),
                            command=lambda config, name: [str(missing)], timings=FAST)
    thread = threading.Thread(target=supervisor.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: channel(supervisor, "steady").crashes >= 2, "two failed starts")
        report = channel(supervisor, "steady")
    finally:
        supervisor.request_stop()
        thread.join(timeout=10)
    assert report.state == "restarting" and report.pid is None
    assert report.last_error is not None
    assert report.last_error.startswith(f"cannot start {missing}: [Errno 2]")


def test_a_hung_channel_is_killed_and_restarted(tmp_path: Path) -> None:
    behave(tmp_path, "crashy", hang_after=0.3)
    timings = Timings(first_backoff=0.2, stall_timeout=1.0, watch_every=0.3, tick=0.05)
    with supervising(write_config(tmp_path), tmp_path, timings) as supervisor:
        wait_for(lambda: len(events(tmp_path, "crashy", "start")) >= 2, "a restart", timeout=6)
        report = channel(supervisor, "crashy")
    assert report.crashes >= 1 and report.last_exit == "killed by SIGKILL"
    assert report.last_error is not None and "no status for 1 s" in report.last_error


def test_a_channel_deaf_to_sigterm_is_killed_with_what_it_started(tmp_path: Path) -> None:
    behave(tmp_path, "crashy", ignore_term=True, grandchild=True)
    with supervising(write_config(tmp_path), tmp_path) as supervisor:
        pid = pid_on_air(supervisor, "crashy")
        pid_on_air(supervisor, "steady")
        (helper,) = wait_for(lambda: events(tmp_path, "crashy", "grandchild"), "its helper")
        began = time.monotonic()
    took = time.monotonic() - began
    assert not alive(pid) and not alive(int(helper[0]))
    assert FAST.stop_timeout - 0.2 <= took <= FAST.stop_timeout + 2.0
    assert events(tmp_path, "steady", "term"), "the steady channel got its SIGTERM"


def test_a_broken_reload_keeps_every_channel_and_a_good_one_is_applied(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = write_config(tmp_path)
    with supervising(config, tmp_path) as supervisor:
        pids = {name: pid_on_air(supervisor, name) for name in ("steady", "crashy")}
        good = config.read_text(encoding="utf-8")
        config.write_text(good.replace('name = "crashy"', 'name = "Crashy!"'), encoding="utf-8")
        supervisor.request_reload()
        refused = wait_for(lambda: supervisor.report().config_error, "the refusal")
        time.sleep(0.5)
        kept = {c.name: c for c in supervisor.report().channels}
        assert {name: kept[name].pid for name in pids} == pids
        assert all(kept[name].state == "on_air" for name in pids)
        assert not events(tmp_path, "steady", "hup") and not events(tmp_path, "crashy", "hup")
        assert supervisor.report().reloads_refused == 1
        assert any("channel[2].name" in problem for problem in refused)
        errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        assert any("refused, the running configuration stays" in e for e in errors)
        assert any("channel[2].name" in e for e in errors)
        # Fixed, with one channel taken off and one added: applied when the file changes.
        write_config(tmp_path, ("steady", "fresh"))
        wait_for(lambda: on_air(supervisor, "fresh"), "the new channel")
        wait_for(lambda: "crashy" not in {c.name for c in supervisor.report().channels},
                 "crashy gone")
        wait_for(lambda: events(tmp_path, "steady", "hup"), "SIGHUP forwarded to steady")
        report = supervisor.report()
        assert report.config_error == () and report.reloads == 1
        assert channel(supervisor, "steady").pid == pids["steady"]
    assert events(tmp_path, "crashy", "term") == [[str(pids["crashy"])]]


def test_the_daemon_under_real_signals_logs_json_and_stops_cleanly(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    fake_command(tmp_path)  # writes the fake channel script
    runner = tmp_path / "run_daemon.py"
    runner.write_text(textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from hostcast.cli.daemon_cmd import supervise
        from hostcast.daemon import log_format
        script, folder = {str(tmp_path / "fake_channel.py")!r}, {str(tmp_path)!r}
        log_format.configure("json")
        sys.exit(supervise(Path(sys.argv[1]),
                           lambda config, name: [sys.executable, script, name, folder]))
    """), encoding="utf-8")
    daemon = subprocess.Popen([sys.executable, str(runner), str(config)], cwd=REPO,
                              stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    stderr = daemon.stderr
    assert stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(stderr.readline, "")),
                              daemon=True)
    reader.start()
    try:
        wait_for(lambda: len(events(tmp_path, "steady", "start")) == 1
                 and len(events(tmp_path, "crashy", "start")) == 1, "both channels")
        wait_for(lambda: any("fake channel on air" in line for line in lines), "child logs")
        good = config.read_text(encoding="utf-8")
        config.write_text(good.replace('name = "crashy"', 'name = "Crashy!"'), encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: any("channel[2].name" in line for line in lines), "the refusal")
        assert not events(tmp_path, "steady", "hup")
        config.write_text(good, encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: events(tmp_path, "steady", "hup") and events(tmp_path, "crashy", "hup"),
                 "SIGHUP forwarded to both channels")
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=10) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    reader.join(timeout=5)
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    forwarded = next(r for r in records if r["message"] == "fake channel on air")
    assert forwarded["logger"] == "hostcast.fake" and forwarded["channel"] in ("steady", "crashy")
    refusal = [r for r in records if "channel[2].name" in r["message"]]
    assert refusal and all(r["level"] == "ERROR" for r in refusal)
    assert any(r["message"].startswith("health on http://127.0.0.1:") for r in records)
    assert len(events(tmp_path, "steady", "term")) == 1
    assert len(events(tmp_path, "crashy", "term")) == 1
    pids = [int(pid) for name in ("steady", "crashy") for pid, _ in events(tmp_path, name, "start")]
    assert not any(alive(pid) for pid in pids)


@pytest.mark.usefixtures("root_logging")
def test_an_invalid_config_exits_2_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, ("steady", "other"))
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('name = "other"', 'name = "Other!"').replace("[daemon]", "[daemon]\nfoo = 1"),
        encoding="utf-8",
    )
    assert main(["daemon", "--config", str(config)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2, errors
    assert all(line.startswith(f"{config}: ") for line in errors)
    assert any("daemon.foo: unknown key" in line for line in errors)
    assert any("channel[2].name" in line for line in errors)


def test_the_default_command_runs_this_python_as_a_channel() -> None:
    from hostcast.daemon.supervisor import channel_command

    argv = channel_command(Path("/etc/hostcast/hostcast.toml"), "beauty")
    assert argv[:3] == [sys.executable, "-m", "hostcast"]
    assert argv[3:] == ["daemon", "--config", "/etc/hostcast/hostcast.toml", "--channel",
                        "beauty", "--log-format", "json"]
    # The module it names parses those very arguments.
    done = subprocess.run([sys.executable, "-m", "hostcast", "daemon", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--channel NAME" in done.stdout


def test_json_log_lines_carry_time_level_logger_channel_and_message() -> None:
    logger = logging.getLogger("hostcast.test")
    try:
        raise ValueError("bad frame")
    except ValueError:
        record = logger.makeRecord(
            "hostcast.test", logging.ERROR, __file__, 1, "sink %s: %s", ("rtmp", "refusé"),
            sys.exc_info(), extra={"channel": "beauty"},
        )
    line = log_format.JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert list(parsed) == ["time", "level", "logger", "channel", "message", "exception"]
    assert parsed["level"] == "ERROR" and parsed["logger"] == "hostcast.test"
    assert parsed["channel"] == "beauty" and parsed["message"] == "sink rtmp: refusé"
    assert parsed["exception"].endswith("ValueError: bad frame")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", parsed["time"])
    plain = logger.makeRecord("hostcast.test", logging.INFO, __file__, 1, "up", (), None)
    assert "channel" not in json.loads(log_format.JsonFormatter().format(plain))
    text = log_format.TextFormatter().format(record)
    assert text.splitlines()[0].endswith(" ERROR hostcast.test [beauty] sink rtmp: refusé")
    assert text.splitlines()[-1] == "ValueError: bad frame"
