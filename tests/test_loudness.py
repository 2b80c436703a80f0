"""Loudness: measured as ffmpeg's ebur128 measures it, and every line brought to one level."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from ebur128 import ebur128

from host.voice.espeak import EspeakVoice
from host.voice.loudness import (
    CEILING_DBTP,
    TARGET_LUFS,
    integrated_lufs,
    level,
    true_peak_dbtp,
)
from host.voice.resample import resample
from host.voice.speech import Speech

TEXT = "Hello there! This velvet throw is nineteen dollars ninety-nine today. Ask me anything."


def wav(path: Path, speech: Speech) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.sample_rate)
        out.writeframes(speech.pcm.tobytes())
    return path


@pytest.fixture(scope="module")
def line() -> Speech:
    return EspeakVoice("en", voice="en-us").speak(TEXT)


@pytest.mark.parametrize("rate", [22050, 48000])
def test_our_measure_is_ffmpegs(line: Speech, rate: int, tmp_path: Path) -> None:
    speech = resample(line, rate)
    theirs, their_peak = ebur128(wav(tmp_path / "line.wav", speech))
    ours = integrated_lufs(speech.pcm / 32768, rate)
    peak = true_peak_dbtp(speech.pcm / 32768)
    assert ours == pytest.approx(theirs, abs=0.15)
    assert peak == pytest.approx(their_peak, abs=0.3)


@pytest.mark.parametrize("gain", [0.05, 0.3, 1.0])
def test_a_line_of_any_level_comes_out_at_the_target(line: Speech, gain: float,
                                                     tmp_path: Path) -> None:
    pcm = np.clip(line.pcm.astype(np.float64) * gain * 3, -32768, 32767).astype(np.int16)
    levelled = level(Speech(pcm, line.sample_rate, line.phonemes, line.words))
    loudness, peak = ebur128(wav(tmp_path / "levelled.wav", levelled))
    assert loudness == pytest.approx(TARGET_LUFS, abs=0.5)
    assert peak <= CEILING_DBTP + 0.1
    assert levelled.phonemes == line.phonemes and len(levelled.pcm) == len(line.pcm)


def test_silence_and_a_whisper_are_not_made_a_shout() -> None:
    silent = Speech(np.zeros(22050, np.int16), 22050, ())
    assert level(silent) is silent
    t = np.arange(22050) / 22050
    whisper = Speech((np.sin(2 * np.pi * 220 * t) * 3).astype(np.int16), 22050, ())
    assert np.abs(level(whisper).pcm).max() < 3 * 10 ** 1.5 + 2  # at most +30 dB


def test_peaks_are_held_smoothly_under_the_ceiling() -> None:
    # A loud tone with a sharp spike: the limiter holds the spike, the tone keeps its level.
    rate = 22050
    t = np.arange(rate * 2) / rate
    tone = 0.1 * np.sin(2 * np.pi * 300 * t)
    tone[rate] += 0.9
    speech = Speech(np.round(tone * 32767).astype(np.int16), rate, ())
    out = level(speech).pcm / 32768
    assert true_peak_dbtp(out) <= CEILING_DBTP + 0.05
    # The gain dips around the spike only, and ramps: the tone's level a few hundred
    # samples off is as far away, and the gain never jumps from one sample to the next.
    gain = np.abs(out) / np.maximum(np.abs(tone), 1e-9)
    audible = np.abs(tone) > 0.05
    audible[rate - 2: rate + 3] = False  # the spike itself
    steady = np.median(gain[audible])
    far = audible.copy()
    far[rate - 2000: rate + 2000] = False
    assert np.allclose(gain[far], steady, rtol=0.02)
    near = np.flatnonzero(audible[rate - 400: rate + 1200]) + rate - 400
    assert gain[near].min() < 0.9 * steady  # it did dip
    assert np.abs(np.diff(gain[near])).max() < 0.2 * steady  # and smoothly
