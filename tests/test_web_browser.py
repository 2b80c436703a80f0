"""A real browser watches the preview: frames decode, time runs, sound plays, the panel is right."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium_page, require_chromium

from stream.web.testing import PreviewOnAir, preview_on_air

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TOKEN = "browser-token"
WATCH_SECONDS = 10

PLAYBACK = """() => {
  const video = document.getElementById("video");
  const stream = video.srcObject;
  const audio = stream ? stream.getAudioTracks() : [];
  const peer = window.hostcast.peer();
  return {
    frames: video.getVideoPlaybackQuality().totalVideoFrames,
    time: video.currentTime,
    width: video.videoWidth,
    height: video.videoHeight,
    audio: audio.length ? audio[0].readyState : "none",
    level: window.hostcast.audioLevel(),
    connection: peer ? peer.connectionState : "none",
    product: document.getElementById("product-title").textContent,
    viewers: document.getElementById("viewers").textContent,
  };
}"""

CODECS = """async () => {
  const stats = await window.hostcast.peer().getStats();
  const codecs = [];
  stats.forEach((r) => { if (r.type === "codec") codecs.push(r.mimeType); });
  return codecs;
}"""


@pytest.fixture(scope="module")
def preview() -> Iterator[PreviewOnAir]:
    require_chromium()
    with preview_on_air(width=360, height=640, fps=30, token=TOKEN, rotate_seconds=1000) as on_air:
        yield on_air


@pytest.fixture(scope="module")
def page(preview: PreviewOnAir) -> Iterator[Any]:
    with chromium_page(viewport=(1280, 1000)) as page:
        page.goto(preview.url)
        yield page


def _wait_for(page: Any, expression: str, timeout: float = 5) -> None:
    # A function, not a bare expression: the page's CSP forbids eval, as it should.
    page.wait_for_function(f"() => {expression}", timeout=timeout * 1000)


def test_the_page_plays_video_and_audio_and_shows_what_is_on_air(
    preview: PreviewOnAir, page: Any
) -> None:
    _wait_for(page, "document.getElementById('video').getVideoPlaybackQuality()"
                    ".totalVideoFrames > 0", timeout=15)
    time.sleep(2)  # the jitter buffer settles: currentTime may step back once at the start
    samples = [page.evaluate(PLAYBACK)]
    for second in range(WATCH_SECONDS):
        time.sleep(1)
        samples.append(page.evaluate(PLAYBACK))
        if second == 4:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "preview.png"), full_page=True)
    frames = [s["frames"] for s in samples]
    times = [s["time"] for s in samples]
    assert all(b > a for a, b in itertools.pairwise(frames)), frames
    assert all(b > a for a, b in itertools.pairwise(times)), times
    assert frames[-1] - frames[0] >= WATCH_SECONDS * 30 * 0.8, "the browser dropped frames"
    assert {s["audio"] for s in samples} == {"live"}
    # The synthetic air beeps half a second in every second: samples a second apart can
    # all fall in the silent halves, so the level is read ten times a second as well.
    levels = [s["level"] for s in samples]
    for _ in range(15):
        time.sleep(0.1)
        levels.append(page.evaluate("() => window.hostcast.audioLevel()"))
    assert max(levels) > 0.05, "no sound reached WebAudio"
    assert (samples[-1]["width"], samples[-1]["height"]) == (360, 640)
    assert {s["connection"] for s in samples} == {"connected"}
    on_air = preview.show.status()["product"]["title"]
    assert samples[-1]["product"] == on_air
    assert samples[-1]["viewers"] == "1 watching"
    assert "video/H264" in page.evaluate(CODECS), "the browser was not sent the shared H.264"
    assert preview.sink.encoders() == {"opus": 1, "vp8": 0}


def test_the_operator_panel_steers_the_show_only_with_the_token(
    preview: PreviewOnAir, page: Any
) -> None:
    before = page.text_content("#product-title")
    page.fill("#token", "wrong-token")
    page.click("[data-action=skip]")
    _wait_for(page, "document.getElementById('op-status').textContent.includes('refused')")
    assert ("skip", None) not in preview.show.calls

    page.fill("#token", TOKEN)
    page.click("[data-action=skip]")
    _wait_for(page, "document.getElementById('op-status').textContent.includes('Skipped')")
    _wait_for(page, f"document.getElementById('product-title').textContent !== {before!r}")
    assert page.evaluate("sessionStorage.getItem('hostcast.token')") == TOKEN

    page.select_option("#pin-product", "mug")
    page.click("[data-action=pin]")
    _wait_for(page, "document.getElementById('product-title').textContent === "
                    "'Stoneware Travel Mug'")
    page.fill("#say-text", "Free shipping for everyone!")
    page.click("[data-action=say]")
    _wait_for(page, "document.getElementById('op-status').textContent.includes('refused')")
    assert "catalog" in page.text_content("#op-status")
    assert preview.show.calls[:2] == [("skip", None), ("pin", "mug")]
