"""Every line at one loudness: −16 LUFS integrated (ITU-R BS.1770), true peak under −1 dBTP.

A line is measured once, whole, when its segment is built, and brought to the target
by a gain; peaks the gain would push past the ceiling are held down by a look-ahead
limiter. Whichever voice speaks, and whoever wrote the line, the programme airs at one
level.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from host.voice.speech import Speech

PROGRAMME_LUFS = -16.0  # what streaming platforms recommend for speech
# Each line a little louder: the breaths between lines take about 0.4 LU off the whole.
TARGET_LUFS = PROGRAMME_LUFS + 0.4
CEILING_DBTP = -3.0  # two decibels under the −1 dBTP limit: the AAC encoder overshoots
SILENT_LUFS = -70.0  # BS.1770's absolute gate: quieter than this is silence, left alone
FILTER_MARGIN_DB = 0.5
MAX_GAIN_DB = 30.0  # a whisper is not made into a shout
_BLOCK_S, _STEP_S = 0.4, 0.1  # gating blocks of 400 ms, overlapping by 75 %
_OVERSAMPLE = 4  # true peak: the signal between samples, at four times the rate
_ATTACK_S = 0.005  # how far ahead the limiter sees a peak coming
_RELEASE_S = 0.03  # how long it holds the gain down after one


def k_weighting(freqs: npt.NDArray[np.float64], rate: int) -> npt.NDArray[np.float64]:
    """The magnitude of BS.1770's K filter (a high shelf and a high pass) at `freqs`."""
    def biquad(b: tuple[float, ...], a: tuple[float, ...]) -> npt.NDArray[np.float64]:
        z = np.exp(-1j * 2 * np.pi * freqs / rate)
        num = b[0] + b[1] * z + b[2] * z * z
        den = a[0] + a[1] * z + a[2] * z * z
        return np.asarray(np.abs(num / den), np.float64)

    # The shelf: +4 dB above about 1.7 kHz, for the head's effect on what we hear.
    k = np.tan(np.pi * 1681.974450955533 / rate)
    gain, q = 10 ** (3.999843853973347 / 20), 0.7071752369554196
    vh, vb = gain, gain ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = biquad(
        ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
        (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0),
    )
    # The high pass: the ear's falling sensitivity under about 40 Hz.
    k = np.tan(np.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = biquad((1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))
    return shelf * high_pass


def integrated_lufs(samples: npt.NDArray[np.float64], rate: int) -> float:
    """Integrated loudness of mono float samples (full scale 1.0), gated as BS.1770-4 says."""
    return _gated(_k_weighted(samples, rate), rate)


def true_peak_dbtp(samples: npt.NDArray[np.float64]) -> float:
    """The highest level of the signal between its samples, in dB true peak (read at four
    times the rate through the FFT: exact, where the limiter's filter is quick)."""
    peak = float(np.abs(_oversampled(samples)).max()) if len(samples) else 0.0
    return 20 * np.log10(peak) if peak > 0 else -np.inf


def level(speech: Speech, target: float = TARGET_LUFS, ceiling: float = CEILING_DBTP) -> Speech:
    """`speech` at `target` LUFS, its true peaks held under `ceiling` dBTP."""
    rate = speech.sample_rate
    samples = speech.pcm.astype(np.float64) / 32768
    weighted = _k_weighted(samples, rate)
    loudness = _gated(weighted, rate)
    if not loudness > SILENT_LUFS:
        return speech
    # The limiter's quick filter reads peaks up to a few tenths of a decibel low: it
    # aims that much under the ceiling, and the exact check after it seldom has to act.
    peaks, limit = _peaks(samples), 10 ** ((ceiling - FILTER_MARGIN_DB) / 20)
    # The limiter takes loudness off the peakiest lines: aim the gain again until the
    # line, limited, is at the target. The gain moves slowly against the K filter, so the
    # limited line's loudness is measured on the weighted samples times the gain.
    gain_db = min(target - loudness, MAX_GAIN_DB)
    for _ in range(6):
        gain = 10 ** (gain_db / 20) * _limiter_gain(peaks * 10 ** (gain_db / 20), rate, limit)
        shortfall = target - _gated(weighted * gain, rate)
        if abs(shortfall) < 0.1 or gain_db >= MAX_GAIN_DB:
            break
        gain_db = min(gain_db + shortfall * 1.5, MAX_GAIN_DB)
    out = samples * gain
    over = true_peak_dbtp(out) - ceiling  # the estimate's error, if any, taken off whole
    if over > 0:
        out *= 10 ** (-over / 20)
    pcm = np.round(np.clip(out, -1.0, 32767 / 32768) * 32768).astype(np.int16)
    return replace(speech, pcm=pcm)


def _k_weighted(samples: npt.NDArray[np.float64], rate: int) -> npt.NDArray[np.float64]:
    """The samples through the K filter, applied by its magnitude in the frequency domain:
    loudness is energy, which the filter's phase does not change."""
    if len(samples) == 0:
        return samples
    size = _fast_size(len(samples) + rate // 10)
    spectrum = np.fft.rfft(samples, size)
    weighted = np.fft.irfft(spectrum * _k_curve(size, rate), size)
    return np.asarray(weighted[: len(samples)], np.float64)


@lru_cache(maxsize=8)
def _k_curve(size: int, rate: int) -> npt.NDArray[np.float64]:
    """The K filter at every bin of an FFT of `size` at `rate`: lines of like length share
    one (sizes are rounded to fast ones), and it costs as much as the FFT to work out."""
    curve = k_weighting(np.asarray(np.fft.rfftfreq(size, 1 / rate), np.float64), rate)
    curve.flags.writeable = False
    return curve


def _gated(weighted: npt.NDArray[np.float64], rate: int) -> float:
    """BS.1770's gated mean of K-weighted samples: 400 ms blocks, absolute and relative gates."""
    if len(weighted) == 0:
        return -np.inf
    block, step = round(_BLOCK_S * rate), round(_STEP_S * rate)
    if len(weighted) <= block:
        powers = np.array([np.mean(weighted**2)])
    else:
        squares = np.concatenate([[0.0], np.cumsum(weighted**2)])
        starts = np.arange(0, len(weighted) - block + 1, step)
        powers = (squares[starts + block] - squares[starts]) / block
    loud = powers[_lufs(powers) > SILENT_LUFS]
    if len(loud) == 0:
        return -np.inf
    gated = loud[_lufs(loud) > _lufs(np.array([loud.mean()]))[0] - 10]
    return float(_lufs(np.array([gated.mean()]))[0])


def _lufs(powers: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    with np.errstate(divide="ignore"):
        return np.asarray(-0.691 + 10 * np.log10(powers), np.float64)


def _oversampled(samples: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    size = _fast_size(len(samples))  # a length the FFT is quick at; the tail is silence
    spectrum = np.fft.rfft(samples, size)
    up = np.fft.irfft(spectrum, size * _OVERSAMPLE) * _OVERSAMPLE
    return np.asarray(up[: len(samples) * _OVERSAMPLE], np.float64)


def _fast_size(n: int) -> int:
    """The smallest 2^k or 3 * 2^k at or over n (with room for the FFT's wrap-around)."""
    n += 64
    power = 1 << max(0, (n - 1).bit_length())
    return min(power, 3 * power // 4) if 3 * power // 4 >= n else power


def _running_min(
    values: npt.NDArray[np.float64], before: int, after: int
) -> npt.NDArray[np.float64]:
    """The minimum of each value's window, `before` values back to `after` ahead (van
    Herk/Gil-Werman: two passes, whatever the window's width)."""
    width = before + after + 1
    count = len(values)
    blocks = -(-(count + before + after) // width) + 1
    padded = np.ones(blocks * width)
    padded[before: before + count] = values
    grid = padded.reshape(-1, width)
    ahead = np.minimum.accumulate(grid, axis=1).reshape(-1)  # min from its block's start
    behind = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].reshape(-1)  # to its end
    starts = np.arange(count)
    return np.minimum(behind[starts], ahead[starts + width - 1])


def _peaks(samples: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each sample's true peak: the highest of the signal up to the next sample, read at
    four times the rate through BS.1770's kind of interpolating filter (12 taps a phase)."""
    if len(samples) == 0:
        return samples
    peaks = np.abs(samples)
    for phase in _PHASES[1:]:
        between = np.convolve(samples, phase)[_HALF: _HALF + len(samples)]
        np.maximum(peaks, np.abs(between), out=peaks)
    return peaks


def _interpolator(taps_per_phase: int = 12) -> list[npt.NDArray[np.float64]]:
    """The four phases of a windowed-sinc filter that reads the signal between samples."""
    size = _OVERSAMPLE * taps_per_phase
    n = np.arange(size) - (size - 1) / 2
    taps = np.sinc(n / _OVERSAMPLE) * np.kaiser(size, 8.0)
    return [taps[k::_OVERSAMPLE] / taps[k::_OVERSAMPLE].sum() * 1.0 for k in range(_OVERSAMPLE)]


_PHASES = _interpolator()
_HALF = len(_PHASES[0]) // 2 - 1


def _limiter_gain(
    peaks: npt.NDArray[np.float64], rate: int, ceiling: float
) -> npt.NDArray[np.float64]:
    """A gain per sample that dips smoothly ahead of each of `peaks` over `ceiling`.

    The gain each sample needs is held from `_ATTACK_S` before to `_RELEASE_S` after it,
    then averaged over `_ATTACK_S`: every average covers a hold of the sample's own
    need, so no peak passes, and the gain ramps instead of jumping (a jump is a click
    the AAC encoder would turn into an overshoot).
    """
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if needed.min() >= 1.0:
        return needed
    attack, release = max(1, round(_ATTACK_S * rate)), round(_RELEASE_S * rate)
    held = _running_min(needed, release, attack - 1)
    sums = np.concatenate([[0.0], np.cumsum(np.pad(held, (attack - 1, 0), mode="edge"))])
    return np.asarray((sums[attack:] - sums[:-attack])[: len(peaks)] / attack, np.float64)
