"""A music bed: the user's file, levelled, looped without a seam, ducked under speech."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from ebur128 import ebur128

from host.errors import ConfigError
from host.sound.music_bed import BED_LU, MusicBed
from host.voice.loudness import PROGRAMME_LUFS, integrated_lufs
from host.voice.speech import Speech
from stream.airtime import AirTimeline
from stream.ducking import DUCK_DB

RATE = 48000


def tone_file(path: Path, seconds: float = 5.0, frequency: int = 220) -> Path:
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
         f"sine=frequency={frequency}:duration={seconds},volume=0.3", "-ac", "2", "-ar", "44100",
         str(path)], check=True, timeout=60,
    )
    return path


class Line:
    """A segment as the playout sees it: a second of a 1 kHz tone, then a pause."""

    def __init__(self, seconds: float = 1.0, pause: float = 0.35) -> None:
        t = np.arange(round(seconds * RATE)) / RATE
        pcm = (np.sin(2 * np.pi * 1000 * t) * 8000).astype(np.int16)
        self.speech = Speech(pcm, RATE, ())
        self.pause_after = pause
        self.duration = seconds + pause
        self.text = "x"
        self.product_id = None


def band_level(audio: np.ndarray, frequency: float) -> float:
    """The level of one frequency in `audio`, in dB (a windowed FFT bin)."""
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    bin_ = round(frequency * len(audio) / RATE)
    return float(20 * np.log10(spectrum[bin_ - 2: bin_ + 3].max() + 1e-9))


def test_the_bed_is_levelled_under_the_programme(tmp_path: Path) -> None:
    bed = MusicBed.load(tone_file(tmp_path / "bed.mp3"), RATE)
    loop = bed.samples(0, RATE * 4)
    assert integrated_lufs(loop.astype(np.float64), RATE) == pytest.approx(
        PROGRAMME_LUFS + BED_LU, abs=1.0)


def test_the_loop_has_no_seam(tmp_path: Path) -> None:
    bed = MusicBed.load(tone_file(tmp_path / "bed.wav", seconds=3.3), RATE)
    length = len(bed._loop)
    around = bed.samples(length - 2000, 4000)  # across the wrap
    steps = np.abs(np.diff(around))
    typical = np.abs(np.diff(bed.samples(1000, 4000))).max()
    assert steps.max() <= typical * 1.1  # no jump where the loop starts again


@pytest.mark.parametrize(("content", "expected"), [
    (b"not audio at all", "cannot read the music"),
    (None, "cannot read the music: No such file"),
])
def test_a_file_that_is_not_music_is_refused_with_its_name(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "song.mp3"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        MusicBed.load(path, RATE)
    assert str(caught.value).startswith(str(path)) and expected in str(caught.value)


def test_the_bed_goes_down_at_least_12_db_under_speech_and_back_up_after(
    tmp_path: Path,
) -> None:
    bed = MusicBed.load(tone_file(tmp_path / "bed.mp3", frequency=220), RATE)
    timeline = AirTimeline(RATE, bed, lead_in=0)  # the line from sample 0
    timeline.append(Line(seconds=2.0, pause=4.0))  # type: ignore[arg-type]
    audio = timeline.audio(0, RATE * 6).astype(np.float64)
    under = band_level(audio[round(0.5 * RATE): round(1.5 * RATE)], 220)
    alone = band_level(audio[round(4.5 * RATE): round(5.5 * RATE)], 220)
    print(f"bed under speech {under - alone:.1f} dB against the bed alone")
    assert under - alone <= -12 and under - alone == pytest.approx(DUCK_DB, abs=1)
    # The speech itself is untouched by the bed's level.
    assert band_level(audio[round(0.5 * RATE): round(1.5 * RATE)], 1000) > under + 20
    # And the gain glides: no step from one sample to the next bigger than the music's own.
    bed_only = audio - np.round(np.pad(Line(2.0).speech.pcm.astype(np.float64),
                                       (0, RATE * 4)))[: len(audio)]
    music = bed.samples(0, len(audio)) * 32767
    assert np.abs(np.diff(bed_only)).max() <= np.abs(np.diff(music)).max() + 1


def test_a_render_with_a_bed_airs_at_the_programmes_loudness(tmp_path: Path) -> None:
    music = tone_file(tmp_path / "bed.mp3", seconds=4.0)
    out = tmp_path / "show.mp4"
    run = subprocess.run(
        [sys.executable, "-m", "hostcast", "render", "--catalog",
         str(REPO / "demo" / "catalog.en.json"), "--voice", "en-espeak", "--out", str(out),
         "--duration", "12", "--size", "360x640", "--music", str(music)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    integrated, peak = ebur128(out)
    assert -17.0 <= integrated <= -15.0 and peak <= -1.0
    bad = subprocess.run(
        [sys.executable, "-m", "hostcast", "render", "--catalog",
         str(REPO / "demo" / "catalog.en.json"), "--out", str(tmp_path / "x.mp4"),
         "--music", str(tmp_path / "missing.ogg")],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and f"music: {tmp_path / 'missing.ogg'}" in bad.stderr
    assert not (tmp_path / "x.mp4").exists()
