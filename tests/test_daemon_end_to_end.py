"""The real `hostcast daemon`, channels recording: kills that cost the other channel nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import av
import pytest
from conftest import REPO
from daemon_fakes import alive, wait_for

from hostcast.daemon.state_store import StateStore

pytestmark = pytest.mark.slow

CATALOG = REPO / "demo" / "catalog.en.json"
FPS = 15
HEALTH_LINE = re.compile(r"health on (http://127\.0\.0\.1:\d+)/health")


def write_config(folder: Path, channels: tuple[str, ...]) -> Path:
    tables = "".join(
        f'\n[[channel]]\nname = "{name}"\ncatalog = "{CATALOG}"\nsize = "360x640"\n'
        f'fps = {FPS}\n[channel.outputs]\nrecord = "rec/{name}"\n'
        for name in channels
    )
    path = folder / "hostcast.toml"
    path.write_text(
        f'[daemon]\nstate = "state/hostcast.sqlite"\nhealth = "127.0.0.1:0"\n{tables}',
        encoding="utf-8",
    )
    return path


class Daemon:
    """`hostcast daemon` in a process group of its own, its log in a file."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log = log
        with log.open("a", encoding="utf-8") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "hostcast", "daemon", "--config", str(config)],
                cwd=REPO, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
                start_new_session=True,
            )
        self.url = wait_for(self._health_url, "the health address in the log", timeout=30)

    def _health_url(self) -> str | None:
        assert self.proc.poll() is None, self.log.read_text(encoding="utf-8")
        found = HEALTH_LINE.findall(self.log.read_text(encoding="utf-8"))
        return found[-1] if found else None

    def health(self) -> dict[str, dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/health", timeout=5) as answer:
            document = json.loads(answer.read())
        return {c["name"]: c for c in document["channels"]}

    def on_air(self, name: str, segments: int = 0) -> dict[str, Any] | None:
        channel = self.health()[name]
        on_air = channel["state"] == "on_air" and (channel["segments"] or 0) >= segments
        return channel if on_air else None

    def kill_9(self) -> None:
        """SIGKILL the daemon's process group and every channel's, all at once."""
        pids = [c["pid"] for c in self.health().values() if c["pid"]]
        os.killpg(self.proc.pid, signal.SIGKILL)
        for pid in pids:
            os.killpg(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        wait_for(lambda: not any(alive(pid) for pid in pids), "the channels gone", timeout=10)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


@contextmanager
def running(config: Path, log: Path) -> Iterator[Daemon]:
    daemon = Daemon(config, log)
    try:
        yield daemon
    finally:
        if daemon.proc.poll() is None:
            os.killpg(daemon.proc.pid, signal.SIGKILL)
            daemon.proc.wait()


def timeline(path: Path) -> tuple[list[float], list[tuple[float, float]]]:
    """Each video frame's time, and each audio frame's (start, end), decoded with PyAV."""
    with av.open(str(path)) as container:
        video = [float(frame.time) for frame in container.decode(video=0)]
    with av.open(str(path)) as container:
        audio = [
            (float(s.time or 0.0), float(s.time or 0.0) + s.samples / s.sample_rate)
            for s in container.decode(audio=0)
        ]
    return video, audio


def test_one_channel_killed_again_and_again_leaves_no_gap_in_the_other(tmp_path: Path) -> None:
    config = write_config(tmp_path, ("steady", "victim"))
    with running(config, tmp_path / "daemon.log") as daemon:
        steady = wait_for(lambda: daemon.on_air("steady"), "steady on air", timeout=30)
        began = time.monotonic()
        killed: set[int] = set()

        def victim_anew() -> dict[str, Any] | None:
            victim = daemon.on_air("victim")
            return victim if victim is not None and victim["pid"] not in killed else None

        last_kill = began
        while len(killed) < 3:  # every 5 s, each time after 2 s on air at least
            victim = wait_for(victim_anew, "victim on air", timeout=30)
            ran = victim["running_seconds"] or 0.0
            time.sleep(max(0.0, 2.0 - ran, last_kill + 5.0 - time.monotonic()))
            last_kill = time.monotonic()
            os.kill(victim["pid"], signal.SIGKILL)
            killed.add(victim["pid"])
            assert daemon.health()["steady"]["pid"] == steady["pid"]
        wait_for(victim_anew, "victim back", timeout=30)
        kills = len(killed)
        seconds = time.monotonic() - began
        last = daemon.health()
        status = subprocess.run(
            [sys.executable, "-m", "hostcast", "status", "--health", daemon.url.split("//")[1]],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )
        assert daemon.stop() == 0
    assert last["steady"]["pid"] == steady["pid"] and last["steady"]["restarts"] == 0
    assert last["victim"]["restarts"] == kills and last["victim"]["crashes"] == kills
    assert last["victim"]["last_exit"] == "killed by SIGKILL"
    assert seconds >= 15
    assert status.returncode == 0, status.stdout + status.stderr
    rows = {line.split()[0]: line for line in status.stdout.splitlines()[2:]}
    # The fps column is a rate over the last status lines: 15 give or take a loaded runner's
    # jitter (a CI run once read 16.7).
    assert re.match(r"steady +on_air +default .* 1[3-7]\.\d .* connected +0 +-$", rows["steady"])
    assert re.match(rf"victim +on_air .* connected +{kills} +killed by SIGKILL$", rows["victim"])
    (recording,) = sorted((tmp_path / "rec" / "steady").glob("*.mp4"))
    video, audio = timeline(recording)
    video_steps = [b - a for a, b in pairwise(video)]
    audio_holes = [abs(b[0] - a[1]) for a, b in pairwise(audio)]
    on_air = audio[-1][1] - audio[0][0]
    print(f"steady: {on_air:.1f} s recorded, {len(video)} frames, longest video step "
          f"{max(video_steps) * 1000:.0f} ms, longest audio hole {max(audio_holes) * 1000:.2f} ms,"
          f" {last['steady']['repeated_frames']} frames dropped, victim killed {kills} times")
    assert on_air > seconds
    assert max(audio_holes) < 0.001  # audio, the master clock, never stops
    # A frame dropped to keep time leaves one step of 2/fps; a stop would leave seconds.
    assert max(video_steps) <= 2.5 / FPS
    assert len(video) >= 0.95 * on_air * FPS


def test_kill_9_of_the_whole_daemon_loses_no_as_run_entry(tmp_path: Path) -> None:
    config = write_config(tmp_path, ("steady",))
    state = tmp_path / "state" / "hostcast.sqlite"
    with running(config, tmp_path / "first.log") as daemon:
        aired = wait_for(lambda: daemon.on_air("steady", segments=3), "3 lines", timeout=60)
        time.sleep(0.3)
        killed_at = datetime.now(UTC)
        daemon.kill_9()
    with StateStore.open(state) as store:
        before = store.as_run("steady")
    # Every line the channel said it aired is in the log.
    assert len(before) >= aired["segments"] >= 3
    assert all(e.aired_at <= killed_at for e in before)
    with running(config, tmp_path / "second.log") as daemon:
        wait_for(lambda: daemon.on_air("steady", segments=2), "2 lines again", timeout=60)
        assert daemon.stop() == 0
    with StateStore.open(state) as store:
        after = store.as_run("steady")
    assert after[: len(before)] == before  # nothing lost, nothing rewritten
    fresh = after[len(before):]
    assert len(fresh) >= 2 and all(e.aired_at > killed_at for e in fresh)
    last_product = next(e.product_id for e in reversed(before) if e.product_id)
    first_product = next(e.product_id for e in fresh if e.product_id)
    assert first_product != last_product  # the rotation went on, no product twice in a row
