"""A constant frame rate on every output, on a busy machine, through an RTMP server restart.

`hostcast stream` pushes to a real nginx-rtmp and records, while two other processes keep
both cores busy and the server is stopped and started again mid-stream. Frame n must
carry timestamp n/fps everywhere, with no gap: a frame drawn too late airs the previous
picture again, and the status line counts those repeats.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from nginx_rtmp import NginxRtmp
from rtmp_fixtures import decode, running_nginx

pytestmark = pytest.mark.slow

FPS = 30
SECONDS = 20
FRAME = 1 / FPS
CORES_BUSY = 6  # three per core: the stream gets about a quarter of the machine
BURN = "import time\nend = time.monotonic() + {s}\nwhile time.monotonic() < end:\n    pass\n"


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    yield from running_nginx(tmp_path)


def burners(seconds: float) -> list[subprocess.Popen[bytes]]:
    """Processes that spin for `seconds`, three for each core of the CI machine."""
    spin = [sys.executable, "-c", BURN.format(s=seconds)]
    return [subprocess.Popen(spin) for _ in range(CORES_BUSY)]


def test_every_output_has_one_frame_per_period_under_load_and_a_restart(
    nginx: NginxRtmp, tmp_path: Path
) -> None:
    record = tmp_path / "rec"
    run = subprocess.Popen(
        [sys.executable, "-m", "hostcast", "stream", "--catalog", "demo/catalog.en.json",
         "--duration", str(SECONDS), "--rtmp", nginx.url("cfr"), "--record", str(record),
         "--status-every", "2", "--size", "360x640", "--preset", "ultrafast", "--no-preview"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, cwd=REPO,
    )
    load = burners(SECONDS + 15)

    def outage() -> None:
        deadline = time.monotonic() + 60  # start-up is slow on a loaded machine
        while not nginx.recordings() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3.0)  # a few seconds on air, then the server goes away
        nginx.stop()
        time.sleep(2.0)
        nginx.start()

    fault = threading.Thread(target=outage)
    fault.start()
    try:
        _, err = run.communicate(timeout=120)
    finally:
        for burner in load:
            burner.kill()
            burner.wait()
        fault.join(10)
    assert run.returncode == 0, err[-3000:]
    repeated = [int(n) for n in re.findall(r"frames \d+ \(repeated (\d+)\)", err)]
    assert repeated, f"no status line counts the repeats:\n{err[-2000:]}"
    print(f"\nrepeated frames under load: {repeated[-1]} of {SECONDS * FPS}")

    (file,) = sorted(record.glob("*.mp4"))
    local = decode(file)
    assert len(local.video_times) == SECONDS * FPS
    assert local.video_gap <= FRAME + 1e-6 and local.audio_gap < 0.002
    video_end = local.video_times[-1] + FRAME
    audio_end = local.audio_spans[-1][1]
    assert abs(local.video_times[0] - local.audio_spans[0][0]) < 0.040
    assert abs(video_end - audio_end) < 0.040, f"A/V apart by {video_end - audio_end:.3f} s"

    nginx.stop()  # closes the FLV it recorded since the restart
    pushed = [decode(path) for path in sorted(nginx.recordings())]
    assert len(pushed) >= 2, "the push did not come back after the restart"
    for got in pushed:
        assert got.video_times and got.video_gap <= FRAME + 0.002  # FLV keeps milliseconds
        assert got.audio_gap < 0.03
    resumed = pushed[-1]
    assert resumed.first_is_keyframe
    assert abs(resumed.video_times[-1] + FRAME - resumed.audio_spans[-1][1]) < 0.040
