"""A music bed from the user's own file: decoded once before air, levelled, looped seamlessly."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from host.errors import ConfigError
from host.paths import shown
from host.voice.loudness import PROGRAMME_LUFS, integrated_lufs

BED_LU = -8.0  # the bed's level against the programme's, when nobody speaks
MAX_SECONDS = 15 * 60  # a bed is a loop, not a playlist: longer files are cut here
MIN_SECONDS = 2.0
CROSSFADE_S = 1.0  # the end of the file blends into its start: the loop has no seam


class MusicBed:
    """Music that plays under the programme, at `rate`, round and round without a click."""

    def __init__(self, samples: npt.NDArray[np.float32], rate: int, source: str) -> None:
        self.rate = rate
        self.source = source
        self._loop = samples

    def __repr__(self) -> str:
        return f"MusicBed({self.source!r}, {len(self._loop) / self.rate:.1f} s)"

    @classmethod
    def load(cls, path: Path, rate: int) -> MusicBed:
        """The file at `path` as a bed; ConfigError naming the file when it cannot be one."""
        source = shown(path)
        decoded = _decode(path, rate, source)
        seconds = len(decoded) / rate
        if seconds < MIN_SECONDS:
            raise ConfigError(f"{source}: the music is {seconds:.1f} s long; a bed loops "
                              f"at least {MIN_SECONDS:g} s of it")
        loudness = integrated_lufs(decoded.astype(np.float64), rate)
        if not loudness > -70:
            raise ConfigError(f"{source}: the music is silent")
        gain = 10 ** ((PROGRAMME_LUFS + BED_LU - loudness) / 20)
        levelled = np.clip(decoded * gain, -1.0, 1.0).astype(np.float32)
        return cls(_seamless(levelled, round(min(CROSSFADE_S, seconds / 4) * rate)), rate,
                   source)

    def samples(self, start: int, count: int) -> npt.NDArray[np.float32]:
        """Samples [start, start + count) of the endless loop."""
        indices = np.arange(start, start + count) % len(self._loop)
        return self._loop[indices]


def _decode(path: Path, rate: int, source: str) -> npt.NDArray[np.float32]:
    chunks: list[npt.NDArray[np.float32]] = []
    total = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise ConfigError(f"{source}: no audio in the file")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1).astype(np.float32)
                    chunks.append(chunk)
                    total += len(chunk)
                if total >= MAX_SECONDS * rate:
                    break
    except ConfigError:
        raise
    except (OSError, av.FFmpegError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"{source}: cannot read the music: {why}") from None
    if not chunks:
        raise ConfigError(f"{source}: no audio in the file")
    return np.concatenate(chunks)[: MAX_SECONDS * rate]


def _seamless(samples: npt.NDArray[np.float32], fade: int) -> npt.NDArray[np.float32]:
    """A loop whose end crossfades (equal power) into its start, so it wraps with no seam."""
    head, body, tail = samples[:fade], samples[fade:len(samples) - fade], samples[-fade:]
    ramp = np.linspace(0.0, np.pi / 2, fade, dtype=np.float32)
    blended = tail * np.cos(ramp) + head * np.sin(ramp)
    # The loop plays body then the blend; the blend ends where the body starts: seamless.
    return np.concatenate([body, blended]).astype(np.float32)
