"""A minute of the English demo in the default voice, decoded as a viewer gets it.

The default English voice is Piper's Joe: the render must be that voice (not its
espeak fallback), with a mouth that follows it and the programme at −16 LUFS.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO
from ebur128 import ebur128
from test_render import FPS, Rendered, decode, lip_sync

from host.compose.picture import FrameState
from hostcast.cli.show import Show, ShowOptions

pytest.importorskip("piper", reason="the piper extra (bin/setup dev installs it)")

SECONDS = 60.0


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    out = tmp_path_factory.mktemp("natural") / "en.mp4"
    show = Show.open(ShowOptions(catalog=REPO / "demo" / "catalog.en.json", lang="en", at=NOW,
                                 offline=True))
    states: list[FrameState] = []
    try:
        show.render(out, SECONDS, on_frame=states.append)
    finally:
        show.close()
    video, audio, rate, vsec, asec, fps = decode(out)
    return Rendered(out, show, states, video, audio, rate, vsec, asec, fps)


def test_the_default_english_voice_is_piper_and_it_spoke_every_line(english: Rendered) -> None:
    status = english.show.health()["voice"]
    assert status["voice"].startswith("PiperVoice('en_US-joe-medium.onnx'")
    assert status["chain"][1].startswith("EspeakVoice('en', voice='en-us'")
    assert status["state"] == "ok" and status["fallback_lines"] == 0
    assert status["speed"] > 2  # x real time, on one thread, even with the encoder beside it
    assert len(english.video) == round(SECONDS * FPS)


def test_the_mouth_follows_the_neural_voice(english: Rendered) -> None:
    r0, shifted = lip_sync(english)
    print(f"lip sync (Piper): r(lag 0) = {r0:.2f}; r at ±200..400 ms = {shifted:.2f}")
    # Piper samples its noise afresh on every run: over runs this measured 0.44 to 0.47
    # (the target is 0.45). 0.42 keeps the test from flaking and still fails a
    # mouth out of step, or one that ignores the voice's loudness (0.34 without it).
    assert r0 >= 0.42
    assert r0 > shifted + 0.1


def test_the_programme_airs_at_minus_16_lufs_under_minus_1_dbtp(english: Rendered) -> None:
    integrated, peak = ebur128(english.path)
    loudest = int(abs(english.audio).argmax())  # where to listen, should the peak be high
    print(f"loudness: {integrated:.1f} LUFS integrated, true peak {peak:.1f} dBTP; the "
          f"loudest sample at {loudest / english.audio_rate:.2f} s of "
          f"{english.audio_seconds:.2f} s")
    assert -17.0 <= integrated <= -15.0
    assert peak <= -1.0



def test_hostcast_render_names_the_voice_that_spoke(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "hostcast", "render", "--catalog",
         str(REPO / "demo" / "catalog.en.json"), "--out", str(tmp_path / "short.mp4"),
         "--duration", "3", "--size", "360x640"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    summary = run.stdout.strip().splitlines()[-1]
    assert summary.startswith("voice PiperVoice('en_US-joe-medium.onnx', phonemizer='en-us')")
    assert "x real time" in summary and "lines by" not in summary  # no line fell back
