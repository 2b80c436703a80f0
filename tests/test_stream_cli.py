"""`hostcast stream` as a user runs it: a real RTMP server, a recording, and a clean stop."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from nginx_rtmp import NginxRtmp
from rtmp_fixtures import decode, running_nginx

SMALL = ("--size", "360x640", "--preset", "ultrafast", "--no-preview")


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    yield from running_nginx(tmp_path)


def hostcast(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hostcast", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, cwd=REPO,
    )


def test_stream_pushes_to_rtmp_and_records(nginx: NginxRtmp, tmp_path: Path) -> None:
    record = tmp_path / "rec"
    run = hostcast(
        "stream", "--catalog", "demo/catalog.en.json", "--duration", "10",
        "--rtmp", nginx.url("show"), "--record", record, "--status-every", "3", *SMALL,
    )
    out, err = run.communicate(timeout=90)
    assert run.returncode == 0, err
    assert "greeting:" in out and "disclosure:" in out  # it prints what it airs
    assert "rtmp://127.0.0.1" in err and "connected" in err  # and each sink's health
    assert "/live/***" in err and "/live/show" not in err  # the stream key stays hidden

    # A frame drawn too late airs the previous picture again, at its own timestamp: the
    # recording holds exactly one frame per 1/30 s, with no gap, and the status says so.
    repeated = int(re.findall(r"frames \d+ \(repeated (\d+)\)", err)[-1])
    assert repeated <= 30, err
    files = sorted(record.glob("*.mp4"))
    assert len(files) == 1
    local = decode(files[0])
    assert len(local.video_times) == 300 and local.first_is_keyframe
    assert local.video_gap <= 1 / 30 + 1e-6 and local.audio_gap < 0.002

    nginx.stop()  # closes the FLV it recorded
    pushed = decode(max(nginx.recordings(), key=lambda p: p.stat().st_size))
    assert len(pushed.video_times) >= 270  # it starts on the first keyframe it can
    assert pushed.video_gap <= 1 / 30 + 0.002 and pushed.audio_gap < 0.03  # FLV keeps ms


def test_sigterm_stops_cleanly_and_the_recording_plays(tmp_path: Path) -> None:
    record = tmp_path / "rec"
    run = hostcast("stream", "--catalog", "demo/catalog.fr.json", "--record", record, *SMALL)
    time.sleep(6)
    run.send_signal(signal.SIGTERM)
    began = time.monotonic()
    _out, err = run.communicate(timeout=30)
    assert run.returncode == 0, err
    assert time.monotonic() - began < 15
    files = sorted(record.glob("*.mp4"))
    assert len(files) == 1 and not list(record.glob("*.part"))
    decoded = decode(files[0])
    assert len(decoded.video_times) > 90 and decoded.first_is_keyframe


def test_bad_options_are_refused_before_air(tmp_path: Path) -> None:
    for extra, expected in (
        (["--rtmp", "http://example.com/live"], "--rtmp"),
        (["--whip", "rtmp://example.com/whip"], "--whip"),
        (["--preview", "0.0.0.0:8080"], "--preview"),
        (["--roll-minutes", "0", "--record", str(tmp_path)], "--roll-minutes"),
        (["--duration", "-1"], "--duration"),
    ):
        run = hostcast("stream", "--catalog", "demo/catalog.en.json", *extra)
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 2, (extra, err)
        assert expected in err and "Traceback" not in err
