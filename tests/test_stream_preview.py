"""`hostcast stream` with its preview page, watched in a real browser (Debian's chromium)."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from browser import chromium_page, require_chromium
from conftest import REPO

from host.catalog import load_catalog

ARTIFACTS = REPO / "artifacts"
TOKEN = "test-operator-token"
PLAYBACK = """() => {
  const v = document.getElementById('video');
  const s = v.srcObject;
  return {frames: v.getVideoPlaybackQuality().totalVideoFrames, time: v.currentTime,
          audio: s && s.getAudioTracks().length ? s.getAudioTracks()[0].readyState : null,
          title: document.getElementById('product-title').textContent};
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_stream_plays_in_a_browser_and_the_panel_follows_the_card(tmp_path: Path) -> None:
    require_chromium()
    port = free_port()
    log = (tmp_path / "stream.out").open("w")
    run = subprocess.Popen(
        [
            sys.executable, "-m", "hostcast", "stream", "--catalog", "demo/catalog.en.json",
            "--size", "360x640", "--preset", "ultrafast", "--preview", f"127.0.0.1:{port}",
            "--duration", "60",
        ],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "HOSTCAST_TOKEN": TOKEN},
    )
    titles = {p.title: p.id for p in load_catalog(REPO / "demo" / "catalog.en.json").products}
    try:
        deadline = time.monotonic() + 30
        while b"preview: http" not in (tmp_path / "stream.out").read_bytes():
            assert run.poll() is None and time.monotonic() < deadline, "the stream did not start"
            time.sleep(0.2)
        with chromium_page(viewport=(1280, 900)) as page:
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function(
                "() => document.getElementById('video').getVideoPlaybackQuality()"
                ".totalVideoFrames > 0",
                timeout=20000,
            )
            time.sleep(2)  # the jitter buffer settles: currentTime may step back once at first
            samples = []
            for second in range(10):
                samples.append(page.evaluate(PLAYBACK))
                time.sleep(1)
                if second == 5:
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / "preview-stream.png"), full_page=True)
            frames = [s["frames"] for s in samples]
            assert all(b > a for a, b in itertools.pairwise(frames)), frames
            assert all(b > a for a, b in itertools.pairwise(s["time"] for s in samples))
            assert {s["audio"] for s in samples} == {"live"}
            # The panel names a catalog product, the one whose card the stream shows.
            shown = samples[-1]["title"]
            assert shown in titles
            status = page.evaluate(
                "async () => { const r = await fetch('/api/control/skip', {method: 'POST'});"
                " return r.status; }"
            )
            assert status == 401  # no token, no control
            page.fill("#token", TOKEN)
            page.click("[data-action=skip]")
            page.wait_for_function(
                "() => document.getElementById('product-title').textContent"
                f" !== {json.dumps(shown)}",
                timeout=30000,
            )
    finally:
        run.terminate()
        run.wait(timeout=30)
        log.close()
    output = (tmp_path / "stream.out").read_text()
    assert run.returncode == 0, output[-2000:]
    assert f"[{titles[shown]}]" in output  # the stream announced lines about that product
