"""Log-mel spectrograms of speech and the window of them each video frame sees, Wav2Lip-like."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from host.voice.resample import resample
from host.voice.speech import Speech

RATE = 16_000  # Hz: the network hears speech at this rate
N_FFT = 800  # 50 ms analysis window
HOP = 200  # 12.5 ms between spectrogram columns
MELS = 80
STEPS = 16  # columns per video frame's window: 200 ms of audio
COLUMNS_PER_SECOND = RATE / HOP  # 80
FMIN, FMAX = 55.0, 7600.0
PREEMPHASIS = 0.97
MIN_DB = -100.0
REF_DB = 20.0
LIMIT = 4.0  # values are scaled into [-LIMIT, LIMIT]; -LIMIT is silence
_FLOOR = 1e-5  # amplitude floor before the log: -100 dB

Mel = npt.NDArray[np.float32]


def speech_mel(speech: Speech) -> Mel:
    """The (MELS, columns) log-mel spectrogram of a speech, resampled to RATE first."""
    pcm = resample(speech, RATE).pcm
    return mel_spectrogram(pcm.astype(np.float32) / 32768.0)


def mel_spectrogram(samples: npt.NDArray[np.float32]) -> Mel:
    """(MELS, 1 + len // HOP) log-mel of mono float samples at RATE, scaled to [-4, 4]."""
    if samples.ndim != 1:
        raise ValueError(f"expected mono samples, got shape {samples.shape}")
    emphasised = np.empty_like(samples, dtype=np.float64)
    if len(samples):
        emphasised[0] = samples[0]
        emphasised[1:] = samples[1:] - PREEMPHASIS * samples[:-1]
    # Centred columns: column k describes the audio around sample k * HOP.
    padded = np.pad(emphasised, N_FFT // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    magnitude = np.abs(np.fft.rfft(frames * _hann(N_FFT), axis=1))
    mel = _FILTERS @ magnitude.T
    decibels = 20 * np.log10(np.maximum(_FLOOR, mel)) - REF_DB
    scaled = 2 * LIMIT * (decibels - MIN_DB) / -MIN_DB - LIMIT
    return np.clip(scaled, -LIMIT, LIMIT).astype(np.float32)


def frame_count(speech: Speech, fps: int) -> int:
    """How many video frames at `fps` cover the speech: frame n shows time n / fps."""
    return -(-len(speech.pcm) * fps // speech.sample_rate)


def frame_windows(mel: Mel, fps: int, first: int, count: int) -> Mel:
    """(count, MELS, STEPS) windows centred on frames first.. at `fps`; silence past the ends."""
    half = STEPS // 2
    centres = [round(COLUMNS_PER_SECOND * (first + k) / fps) for k in range(count)]
    if not centres:
        return np.zeros((0, MELS, STEPS), np.float32)
    start, stop = centres[0] - half, centres[-1] + STEPS - half
    # Pad once with silence so every window is a plain slice.
    before, after = max(0, -start), max(0, stop - mel.shape[1])
    padded = np.pad(mel, ((0, 0), (before, after)), constant_values=-LIMIT)
    return np.stack([padded[:, c - half + before : c - half + before + STEPS] for c in centres])


def _hann(size: int) -> npt.NDArray[np.float64]:
    """A periodic Hann window, as spectrogram code uses."""
    return 0.5 - 0.5 * np.cos(2 * math.pi * np.arange(size) / size)


def _hz_to_mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    # Slaney's scale: linear to 1 kHz, logarithmic above.
    linear = hz / _F_SP
    logarithmic = _MIN_LOG_MEL + np.log(np.maximum(hz, 1e-9) / 1000.0) / _LOG_STEP
    return np.where(hz >= 1000.0, logarithmic, linear)


def _mel_to_hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    linear = mel * _F_SP
    logarithmic = 1000.0 * np.exp(_LOG_STEP * (mel - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, logarithmic, linear)


_F_SP = 200.0 / 3
_MIN_LOG_MEL = 1000.0 / _F_SP
_LOG_STEP = math.log(6.4) / 27.0


def _mel_filters() -> npt.NDArray[np.float64]:
    """(MELS, N_FFT // 2 + 1) triangular filters, each of unit area (Slaney's norm)."""
    span = _hz_to_mel(np.array([FMIN, FMAX]))
    edges = _mel_to_hz(np.linspace(span[0], span[1], MELS + 2))
    bins = np.linspace(0.0, RATE / 2, N_FFT // 2 + 1)
    low, centre, high = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins - low) / (centre - low)
    falling = (high - bins) / (high - centre)
    return np.maximum(0.0, np.minimum(rising, falling)) * (2.0 / (high - low))


_FILTERS = _mel_filters()
