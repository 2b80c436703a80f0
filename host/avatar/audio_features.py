"""Per-frame measures of speech audio: loudness, voicing and the shape of its spectrum."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

HOP = 0.010  # seconds between frames: a third of a video frame at 30 fps
WINDOW = 0.032  # seconds each frame looks at: two periods of a low (65 Hz) voice
PITCH_RANGE = (65.0, 400.0)  # Hz: the lags searched for a voice's period
SILENCE_DBFS = -60.0  # quieter than this is no sound at all, however quiet the line
REFERENCE_PERCENTILE = 95  # a line's loud frames set its 0 dB, so its level does not matter

# Formant-ish bands, Hz: the first formant (jaw opening) lives low, the second (tongue front
# or back, lips spread or rounded) above it; fricatives put their energy high.
F1_BAND = (200.0, 1000.0)
F2_BAND = (900.0, 2800.0)
# Bands whose shares of the energy draw the spectrum's outline: a nasal murmur or a closed
# vowel sits in the lowest, an open vowel in the middle ones, s, f and ch in the highest
# (capped at the Nyquist frequency: 8 kHz audio has no highest band and reads 0 there).
BANDS = (
    (60.0, 300.0), (300.0, 600.0), (600.0, 1000.0), (1000.0, 1600.0),
    (1600.0, 2600.0), (2600.0, 4000.0), (4000.0, 8000.0),
)  # fmt: skip

# A mel-spaced filterbank over the band where vowels and nasals differ: its outline, judged
# against the line's own average, tells vowels apart whatever the speaker's formants. It
# stops at 4 kHz so 8 kHz audio sees the very same bands; the BANDS above cover the hiss.
MEL_BANDS = 20
MEL_RANGE = (100.0, 4000.0)

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AudioFeatures:
    """One value per HOP of audio for each measure; frame i covers [i * hop, (i + 1) * hop)."""

    hop: float  # seconds, exactly a whole number of samples
    level: Floats  # dB relative to the line's loud frames; -inf-free, floored at -120
    dbfs: Floats  # dB relative to full scale: a full-scale sine reads 0
    voicing: Floats  # 0..1: the autocorrelation peak at a voice's period
    zcr: Floats  # zero crossings per second
    f1: Floats  # Hz: where the energy of the first-formant band sits
    f2: Floats  # Hz: where the energy of the second-formant band sits
    bands: Floats  # (frames, len(BANDS)): each band's share of the frame's energy
    mel: Floats  # (frames, MEL_BANDS): dB of each mel band's energy, floored at -100

    def __len__(self) -> int:
        return len(self.level)


def audio_features(pcm: npt.NDArray[np.int16], sample_rate: int) -> AudioFeatures:
    """The measures of mono int16 audio, one frame per HOP, covering all of it."""
    if pcm.ndim != 1:
        raise ValueError("pcm must be 1-D mono audio")
    if sample_rate <= 0:
        raise ValueError(f"bad sample rate {sample_rate}")
    hop_n = max(1, round(HOP * sample_rate))
    count = -(-len(pcm) // hop_n)
    if count == 0:
        empty = np.zeros(0)
        return AudioFeatures(
            hop_n / sample_rate, empty, empty, empty, empty, empty, empty,
            bands=np.zeros((0, len(BANDS))), mel=np.zeros((0, MEL_BANDS)),
        )  # fmt: skip
    win_n = max(hop_n, round(WINDOW * sample_rate))
    frames = _frames(pcm.astype(np.float64) / 32768.0, hop_n, win_n, count)
    n_fft = 1 << int(np.ceil(np.log2(2 * win_n)))  # room for the autocorrelation's lags
    window = np.hanning(win_n + 2)[1:-1]
    power = np.abs(np.fft.rfft(frames * window, n_fft)) ** 2
    freqs = np.asarray(np.fft.rfftfreq(n_fft, 1 / sample_rate), dtype=np.float64)
    total = power[:, 1:].sum(axis=1) + 1e-12

    energy = np.mean(frames**2, axis=1)
    dbfs = 10 * np.log10(energy + 1e-12) + 3.0  # +3: a full-scale sine reads 0 dB
    loud = dbfs[dbfs > SILENCE_DBFS]
    reference = float(np.percentile(loud, REFERENCE_PERCENTILE)) if len(loud) else 0.0
    level = np.maximum(dbfs - reference, -120.0)

    crossings = np.count_nonzero(np.diff(np.signbit(frames), axis=1), axis=1)
    zcr = crossings * sample_rate / win_n

    return AudioFeatures(
        hop=hop_n / sample_rate,
        level=level,
        dbfs=np.maximum(dbfs, -120.0),
        voicing=_voicing(power, window, n_fft, sample_rate),
        zcr=zcr.astype(np.float64),
        f1=_centroid(power, freqs, F1_BAND),
        f2=_centroid(power, freqs, F2_BAND),
        bands=np.stack([_band(power, freqs, band) for band in BANDS], axis=1) / total[:, None],
        mel=10 * np.log10(_mel_energy(power, n_fft, sample_rate) + 1e-10),
    )


def _frames(
    samples: npt.NDArray[np.float64], hop_n: int, win_n: int, count: int
) -> npt.NDArray[np.float64]:
    # Each window is centred on its hop, so frame i describes the sound at (i + 0.5) * hop.
    before = (win_n - hop_n) // 2
    after = count * hop_n - len(samples) + (win_n - hop_n - before)
    padded = np.pad(samples, (before, after))
    view = np.lib.stride_tricks.sliding_window_view(padded, win_n)[::hop_n]
    return np.asarray(view[:count])


def _voicing(
    power: npt.NDArray[np.float64], window: Floats, n_fft: int, sample_rate: int
) -> Floats:
    # The normalised autocorrelation, divided by the window's own (Boersma, 1993), peaks
    # near 1 at a voiced sound's period and stays low for noise and silence.
    lag_lo = max(1, int(sample_rate / PITCH_RANGE[1]))
    lag_hi = min(len(window) - 1, int(np.ceil(sample_rate / PITCH_RANGE[0])))
    if lag_hi <= lag_lo:
        return np.zeros(len(power))
    auto = np.fft.irfft(power, n_fft)[:, : lag_hi + 1]
    own = np.fft.irfft(np.abs(np.fft.rfft(window, n_fft)) ** 2, n_fft)[: lag_hi + 1]
    normalised = auto / (auto[:, :1] + 1e-12) / (own / own[0])
    peak = normalised[:, lag_lo : lag_hi + 1].max(axis=1)
    return np.asarray(np.clip(peak, 0.0, 1.0), dtype=np.float64)


def _band(power: npt.NDArray[np.float64], freqs: Floats, band: tuple[float, float]) -> Floats:
    inside = (freqs >= band[0]) & (freqs < band[1])
    return np.asarray(power[:, inside].sum(axis=1), dtype=np.float64)


def _centroid(power: npt.NDArray[np.float64], freqs: Floats, band: tuple[float, float]) -> Floats:
    inside = (freqs >= band[0]) & (freqs < band[1])
    if not inside.any():
        return np.full(len(power), np.mean(band))
    weights = power[:, inside]
    centre = (weights @ freqs[inside]) / (weights.sum(axis=1) + 1e-30)
    return np.asarray(centre, dtype=np.float64)


def _mel_energy(power: npt.NDArray[np.float64], n_fft: int, sample_rate: int) -> Floats:
    # Each triangle spans few bins: summing over its own bins is cheaper than a product
    # with the whole (mostly zero) filterbank, and wakes no BLAS threads.
    filters = _mel_filters(n_fft, sample_rate)
    out = np.empty((len(power), MEL_BANDS))
    for band in range(MEL_BANDS):
        inside = np.flatnonzero(filters[:, band])
        out[:, band] = np.einsum("fb,b->f", power[:, inside], filters[inside, band])
    return out


@lru_cache(maxsize=16)
def _mel_filters(n_fft: int, sample_rate: int) -> Floats:
    """(n_fft // 2 + 1, MEL_BANDS): triangles evenly spaced in mel over MEL_RANGE."""
    freqs = np.fft.rfftfreq(n_fft, 1 / sample_rate)
    top = min(MEL_RANGE[1], sample_rate / 2)
    mels = np.linspace(_mel(MEL_RANGE[0]), _mel(top), MEL_BANDS + 2)
    edges = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    filters = np.zeros((len(freqs), MEL_BANDS))
    for band in range(MEL_BANDS):
        low, centre, high = edges[band : band + 3]
        rising, falling = (freqs - low) / (centre - low), (high - freqs) / (high - centre)
        filters[:, band] = np.clip(np.minimum(rising, falling), 0.0, None)
    filters.setflags(write=False)
    return filters


def _mel(hz: float) -> float:
    return float(2595.0 * np.log10(1.0 + hz / 700.0))
