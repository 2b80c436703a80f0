"""`/health` and `/metrics` over real HTTP, fed by a supervisor of real (fake) channels."""

from __future__ import annotations

import itertools
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from daemon_fakes import (
    behave,
    events,
    root_logging,  # noqa: F401  (a fixture)
    supervising,
    wait_for,
    write_config,
)

from hostcast.cli import main
from hostcast.cli.status_cmd import status_report
from hostcast.daemon.health_server import HealthServer, daemon_metrics, health_document
from hostcast.daemon.supervisor import ChannelReport, DaemonReport, Supervisor

Series = tuple[str, frozenset[tuple[str, str]]]


def parse_metrics(text: str) -> dict[Series, float]:
    """Prometheus text 0.0.4 read back: each sample's name, labels and value; TYPE first."""
    typed: set[str] = set()
    values: dict[Series, float] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            assert kind in ("counter", "gauge")
            typed.add(name)
            continue
        if line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        name, _, labels = head.partition("{")
        pairs: list[tuple[str, str]] = []
        for pair in labels.removesuffix("}").split(",") if labels else []:
            key, _, quoted = pair.partition("=")
            assert quoted.startswith('"') and quoted.endswith('"'), line
            pairs.append((key, quoted[1:-1]))
        assert name in typed, f"{name} sampled before its TYPE"
        series = (name, frozenset(pairs))
        assert series not in values, f"twice: {line}"
        values[series] = float(value)
    return values


def metric(values: dict[Series, float], name: str, **labels: str) -> float:
    return values[(name, frozenset(labels.items()))]


@contextmanager
def serving(supervisor: Supervisor, **options: Any) -> Iterator[HealthServer]:
    server = HealthServer(supervisor.report, host="127.0.0.1", port=0, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.headers["Content-Type"], answer.read().decode("utf-8")


def health(server: HealthServer) -> dict[str, Any]:
    kind, body = get(f"{server.url}/health")
    assert kind.startswith("application/json")
    document: dict[str, Any] = json.loads(body)
    return document


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in document["channels"]}


def test_health_shows_each_channel_and_a_crash_loop(tmp_path: Path) -> None:
    behave(tmp_path, "crashy", crash_after=0.2, code=3)
    config = write_config(tmp_path)
    with supervising(config, tmp_path) as supervisor, serving(supervisor) as server:
        looping = wait_for(
            lambda: by_name(health(server))["crashy"]["state"] == "crash_loop" and health(server),
            "crashy in a crash loop",
        )
    daemon = looping["daemon"]
    assert daemon["config"] == str(config) and daemon["uptime_seconds"] > 0
    assert daemon["config_error"] is None
    steady, crashy = by_name(looping)["steady"], by_name(looping)["crashy"]
    assert steady["state"] == "on_air" and not steady["crash_loop"]
    assert steady["pid"] == int(events(tmp_path, "steady", "start")[0][0])
    assert steady["restarts"] == 0 and steady["last_error"] is None
    assert steady["slot"] == "default" and steady["product"].startswith("p")
    assert steady["frames"] > 0 and steady["fps"] == pytest.approx(30, abs=0.5)
    assert steady["status_age_seconds"] < 1.0
    assert steady["sinks"] == [
        {"name": "recording", "state": "connected", "reconnects": 1,
         "sent_bytes": steady["sinks"][0]["sent_bytes"], "dropped_bytes": 0, "last_error": None}
    ]
    assert steady["writer"] == {"writer": "template", "guard_refused": 2}
    assert crashy["crash_loop"] and crashy["crashes_in_a_row"] >= 3
    assert crashy["pid"] is None and crashy["next_start_in_seconds"] > 0
    assert crashy["last_exit_code"] == 3
    assert crashy["last_error"] == "exit code 3: RuntimeError: boom"
    assert crashy["last_error_at"] is not None
    assert "RuntimeError: boom" in crashy["error_lines"]


def test_metrics_parse_and_carry_labelled_values_across_restarts(tmp_path: Path) -> None:
    behave(tmp_path, "crashy", crash_after=0.6, code=1)
    with supervising(write_config(tmp_path), tmp_path) as supervisor, \
            serving(supervisor) as server:
        wait_for(lambda: len(events(tmp_path, "crashy", "start")) >= 3, "two crashes")
        kind, text = get(f"{server.url}/metrics")
    assert kind == "text/plain; version=0.0.4; charset=utf-8"
    values = parse_metrics(text)
    assert metric(values, "hostcast_up") == 1
    assert metric(values, "hostcast_channel_up", channel="steady") == 1
    assert metric(values, "hostcast_channel_restarts_total", channel="steady") == 0
    assert metric(values, "hostcast_channel_crash_loop", channel="steady") == 0
    assert metric(values, "hostcast_frames_sent_total", channel="steady") >= 30
    assert metric(values, "hostcast_late_frames_total", channel="steady") == 1
    assert metric(values, "hostcast_repeated_frames_total", channel="steady") == 0
    assert metric(values, "hostcast_guardrail_refusals_total", channel="steady") == 2
    assert metric(values, "hostcast_lateness_p99_seconds", channel="steady") == 0.0025
    assert metric(values, "hostcast_sink_reconnects_total", channel="steady",
                  sink="recording") == 1
    assert metric(values, "hostcast_sink_connected", channel="steady", sink="recording") == 1
    assert metric(values, "hostcast_sink_sent_bytes_total", channel="steady",
                  sink="recording") >= 10_000
    assert metric(values, "hostcast_config_reloads_total", result="refused") == 0
    # crashy's counters add up over its runs: two finished runs of about six lines each.
    assert metric(values, "hostcast_channel_crashes_total", channel="crashy") >= 2
    assert metric(values, "hostcast_channel_restarts_total", channel="crashy") >= 2
    assert metric(values, "hostcast_guardrail_refusals_total", channel="crashy") >= 4
    assert metric(values, "hostcast_sink_reconnects_total", channel="crashy",
                  sink="recording") >= 2
    assert metric(values, "hostcast_frames_sent_total", channel="crashy") >= 2 * 3 * 4
    assert ("hostcast_llm_fallbacks_total", frozenset({("channel", "steady")})) not in values


def test_frames_sent_never_go_back_when_a_channel_dies(tmp_path: Path) -> None:
    behave(tmp_path, "crashy", crash_after=0.5, code=1)
    seen: list[float] = []
    with supervising(write_config(tmp_path), tmp_path) as supervisor, \
            serving(supervisor) as server:
        def scrape() -> bool:
            values = parse_metrics(get(f"{server.url}/metrics")[1])
            seen.append(values.get(("hostcast_frames_sent_total",
                                    frozenset({("channel", "crashy")})), 0.0))
            return len(events(tmp_path, "crashy", "start")) >= 3

        wait_for(scrape, "two crashes")
    assert len(seen) > 10 and seen[-1] > 0
    assert all(b >= a for a, b in itertools.pairwise(seen)), seen


def test_only_reading_is_served(tmp_path: Path) -> None:
    with supervising(write_config(tmp_path, ("steady",)), tmp_path) as supervisor, \
            serving(supervisor) as server:
        with pytest.raises(urllib.error.HTTPError) as missing:
            get(f"{server.url}/control")
        assert missing.value.code == 404
        request = urllib.request.Request(f"{server.url}/health", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as posted:
            urllib.request.urlopen(request, timeout=5)
        assert posted.value.code == 405


def test_a_remote_address_needs_consent() -> None:
    with pytest.raises(ValueError, match="not loopback"):
        HealthServer(lambda: pytest.fail("never read"), host="0.0.0.0")
    assert HealthServer(lambda: pytest.fail("never read"), host="0.0.0.0",
                        allow_remote=True).host == "0.0.0.0"


@pytest.mark.usefixtures("root_logging")
def test_a_health_address_in_use_is_a_clear_error_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, ("steady",), health=f"127.0.0.1:{port}")
        assert main(["daemon", "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert f"{config}: daemon.health: cannot serve on 127.0.0.1:{port}" in error
    assert not events(tmp_path, "steady", "start")  # nothing went on air


def test_platform_chats_show_in_health_metrics_and_status() -> None:
    chat = [{"name": "twitch:#shop", "platform": "twitch", "state": "backing_off",
             "reason": "the server closed the connection; next try in 2.0 s", "received": 40,
             "dropped": 31, "answered": 6, "not_answered": 3, "reconnects": 2},
            {"name": "webhook:tiktok", "platform": "tiktok", "state": "listening",
             "received": 3, "dropped": 0, "answered": 3, "not_answered": 0}]
    channel = ChannelReport(
        name="shop", state="on_air", crash_loop=False, pid=1, restarts=0, crashes=0,
        crashes_in_a_row=0, last_exit_code=None, last_exit=None, last_error=None,
        last_error_at=None, error_lines=(), next_start_in=None, running_for=5.0,
        status={"chat": chat, "air_seconds": 5.0}, status_age=0.5, fps=30.0, totals={},
        sink_totals={},
    )
    report = DaemonReport(pid=1, uptime=9.0, config_path=Path("hostcast.toml"),
                          config_loaded_at=datetime(2026, 12, 3, tzinfo=UTC), config_error=(),
                          reloads=0, reloads_refused=0, channels=(channel,))
    document = health_document(report)
    assert document["channels"][0]["chat"] == chat
    values = parse_metrics(daemon_metrics(lambda: report).render())
    assert metric(values, "hostcast_chat_connected", channel="shop", chat="twitch:#shop") == 0
    assert metric(values, "hostcast_chat_connected", channel="shop", chat="webhook:tiktok") == 1
    assert metric(values, "hostcast_chat_dropped_total", channel="shop", chat="twitch:#shop") == 31
    assert metric(values, "hostcast_chat_reconnects_total", channel="shop",
                  chat="twitch:#shop") == 2
    lines, _ = status_report(json.loads(json.dumps(document)))
    assert ("shop: chat twitch:#shop: backing_off (the server closed the connection; next try "
            "in 2.0 s), 40 in, 6 answered, 31 over the limit") in lines, lines
