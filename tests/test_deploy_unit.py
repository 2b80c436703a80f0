"""The systemd unit in deploy/: what it starts, how it restarts, reloads and stops, its fences."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from conftest import REPO

UNIT = REPO / "deploy" / "hostcast.service"
Unit = dict[str, dict[str, list[str]]]


def parse_unit(text: str) -> Unit:
    """Sections of key -> every value given, in order (systemd allows a key more than once)."""
    unit: Unit = {}
    section: dict[str, list[str]] | None = None
    pending = ""
    for raw in text.splitlines():
        line = pending + raw.strip()
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"bad section line {line!r}"
            section = unit.setdefault(line[1:-1], {})
            continue
        assert section is not None, f"{line!r} before any section"
        key, equals, value = line.partition("=")
        assert equals, f"not key=value: {line!r}"
        section.setdefault(key.strip(), []).append(value.strip())
    assert not pending, "unit ends in a continuation"
    return unit


def seconds(value: str) -> float:
    """A systemd time span such as `5`, `5s`, `1min 30s`."""
    units = {"": 1, "s": 1, "sec": 1, "ms": 0.001, "m": 60, "min": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value)
    assert parts and "".join(n + u for n, u in parts) == value.replace(" ", "")
    return sum(float(n) * units[u] for n, u in parts)


@pytest.fixture(scope="module")
def unit() -> Unit:
    return parse_unit(UNIT.read_text(encoding="utf-8"))


def one(unit: Unit, section: str, key: str) -> str:
    values = unit[section].get(key)
    assert values is not None, f"[{section}] has no {key}="
    assert len(values) == 1, f"[{section}] {key}= given {len(values)} times"
    return values[0]


def test_it_runs_the_daemon_on_the_etc_config(unit: Unit) -> None:
    argv = one(unit, "Service", "ExecStart").split()
    assert PurePosixPath(argv[0]).is_absolute() and PurePosixPath(argv[0]).name == "hostcast"
    assert argv[1:] == ["daemon", "--config", "/etc/hostcast/hostcast.toml"]
    assert one(unit, "Service", "Type") in {"exec", "simple", "notify"}
    assert one(unit, "Install", "WantedBy") == "multi-user.target"
    assert "network-online.target" in one(unit, "Unit", "After")


def test_it_restarts_on_failure_but_not_in_a_tight_loop(unit: Unit) -> None:
    assert one(unit, "Service", "Restart") == "on-failure"
    assert seconds(one(unit, "Service", "RestartSec")) >= 1
    burst = int(one(unit, "Unit", "StartLimitBurst"))
    interval = seconds(one(unit, "Unit", "StartLimitIntervalSec"))
    # Restarts must be able to use up the burst inside the interval, or the limit never trips.
    assert burst * seconds(one(unit, "Service", "RestartSec")) < interval


def test_it_reloads_on_sighup_and_stops_on_sigterm(unit: Unit) -> None:
    assert one(unit, "Service", "ExecReload").split()[1:] == ["-HUP", "$MAINPID"]
    assert one(unit, "Service", "KillSignal") == "SIGTERM"
    assert 5 <= seconds(one(unit, "Service", "TimeoutStopSec")) <= 120


def test_it_runs_as_its_own_user_with_a_writable_state_folder(unit: Unit) -> None:
    service = unit["Service"]
    assert one(unit, "Service", "User") not in {"root", "0"}
    assert one(unit, "Service", "Group") not in {"root", "0"}
    assert one(unit, "Service", "ProtectSystem") == "strict"
    assert one(unit, "Service", "NoNewPrivileges") == "yes"
    # Under ProtectSystem=strict only StateDirectory (and ReadWritePaths) can be written:
    # the working folder, where state and recordings go, must be one of them.
    writable = [f"/var/lib/{name}" for name in one(unit, "Service", "StateDirectory").split()]
    writable += " ".join(service.get("ReadWritePaths", [])).split()
    workdir = PurePosixPath(one(unit, "Service", "WorkingDirectory"))
    assert any(workdir.is_relative_to(folder) for folder in writable), (workdir, writable)


def test_the_readme_installs_the_unit_and_its_user(unit: Unit) -> None:
    readme = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    user = one(unit, "Service", "User")
    assert re.search(rf"^useradd --system .* {user}$", readme, re.MULTILINE)
    assert "deploy/hostcast.service /etc/systemd/system/" in readme
    assert one(unit, "Service", "ExecStart").split()[0].startswith("/opt/hostcast/")
    assert "/opt/hostcast" in readme


def unit_for_this_machine(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at this checkout's hostcast, which exists here."""
    hostcast = Path(sys.executable).parent / "hostcast"
    if not hostcast.exists():
        pytest.skip(f"no {hostcast} to point ExecStart at")
    text = UNIT.read_text(encoding="utf-8").replace(
        "/opt/hostcast/.venv/bin/hostcast", str(hostcast)
    )
    copy = tmp_path / "hostcast.service"
    copy.write_text(text, encoding="utf-8")
    return copy


def test_systemd_analyze_verify_accepts_it(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here: unit checked by the parser only")
    done = subprocess.run(
        [tool, "verify", str(unit_for_this_machine(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hostcast.service" not in done.stderr, done.stderr  # no warning about our unit


def test_systemd_analyze_rates_the_hardening_ok(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here: hardening not scored")
    done = subprocess.run(
        [tool, "security", "--offline=true", str(unit_for_this_machine(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "--offline" in done.stderr:
        pytest.skip("this systemd-analyze cannot score a unit file offline (needs systemd 250)")
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", done.stdout)
    assert found, done.stdout + done.stderr
    # 0 is locked down, 10 is wide open; systemd calls up to 3.9 "OK".
    assert float(found.group(1)) <= 3.0, done.stdout
