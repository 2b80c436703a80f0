"""Mouth shapes estimated from the audio alone, for voices that give no phoneme timings.

Measured by `python benchmarks/viseme_agreement.py` against espeak-ng's own timings, exact
shape per 30 fps frame on template lines never fitted: fr 85.6%, en 87.2%, en-gb (a voice
never fitted) 81.5%, and the variants never fitted in any language en-us+f3 75.2%, fr+f2
75.7%; 81.4% overall (openness class 87.9%), at about 420 s of audio per CPU second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from host.avatar.audio_features import (
    BANDS,
    MEL_BANDS,
    MEL_RANGE,
    AudioFeatures,
    audio_features,
)
from host.avatar.audio_viseme_weights import HIDDEN, OUTPUT
from host.avatar.visemes import mouth_openness, viseme_at, viseme_track
from host.voice.speech import Speech, Timed

# One espeak mnemonic per shape that visemes.shape_of maps back to it, so the estimate goes
# through the very same hold, pause and easing rules as a voice's own timings. "m" rather
# than "p" for closed lips: "p" is a stop, which viseme_track moves earlier by its closure,
# while a closure heard in the audio is already where it is.
PSEUDO_PHONEMES = {
    "A": "m", "B": "n", "C": "E", "D": "a", "E": "O", "F": "u", "G": "f", "H": "l", "X": "_",
}  # fmt: skip

SILENT_LEVEL = -50.0  # dB under the line's loud frames: surely a pause, the mouth rests
FLOOR_LEVEL = -60.0  # dB: levels are floored here, so a digital zero weighs like a hush
VOWEL_LEVEL = -16.0  # dB: louder voiced frames set the line's own formant references
VOICED = 0.55  # autocorrelation peak above which a frame counts as voiced
DIP_SPAN = 8  # frames each side: a dip is measured against the loudest frame this near
RISE_SPAN = 3  # frames each side: a rise is the level after minus the level before
CONTEXT = (-4, 4)  # frames: each frame also sees the inputs this far before and after
LINE_LEVEL = -30.0  # dB: frames this near the line's loud ones set its average spectrum
CEPSTRA = 12  # cosine terms of the mel outline, the first (overall level) left out
SMOOTHING = 7  # frames in the majority vote: about MIN_HOLD, so a shape must win its time

# What each frame is judged on. Levels are relative to the line's loud frames, formant
# centres to the line's own median and the mel outline to the line's average outline (as
# cepstral terms), so a loud or a quiet, a high or a low, a male or a female voice reads alike.
INPUTS = (
    "level", "voicing", "log_f1", "log_f2",
    *(f"band_{int(low)}_{int(high)}" for low, high in BANDS),
    "log_zcr", "dip", "rise", *(f"cepstrum_{k}" for k in range(1, CEPSTRA + 1)),
)  # fmt: skip
SHAPES = "XABCDEFGH"  # rest too: a breath or a fading vowel is not yet speech

_COSINES = (
    np.cos(np.pi / MEL_BANDS * np.outer(np.arange(1, CEPSTRA + 1), np.arange(MEL_BANDS) + 0.5))
    / MEL_BANDS
)

ROUNDED = "EF"  # the shapes with rounded lips
CLOSED_BELOW, OPEN_FROM = 0.05, 0.5  # openness classes: closed (X, A), mid (G B F E), open


@dataclass(frozen=True)
class Agreement:
    """How many video frames two mouth-shape tracks agree on, by each measure."""

    frames: int = 0
    exact: int = 0  # the very same shape
    openness: int = 0  # the same class of opening: closed, mid or open
    rounding: int = 0  # both rounded (E, F) or both not
    coarse: int = 0  # the same opening class and the same rounding

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            self.frames + other.frames,
            self.exact + other.exact,
            self.openness + other.openness,
            self.rounding + other.rounding,
            self.coarse + other.coarse,
        )

    def share(self, measure: str) -> float:
        """The share of frames that agree by `measure` ("exact", "openness", ...)."""
        count: int = getattr(self, measure)
        return count / self.frames if self.frames else 1.0


def track_agreement(
    expected: Sequence[Timed], estimated: Sequence[Timed], duration: float, fps: float
) -> Agreement:
    """How the shapes of two tracks compare at each video frame n / fps within `duration`."""
    if fps <= 0:
        raise ValueError(f"bad frame rate {fps}")
    frames = exact = openness = rounding = coarse = 0
    for frame in range(max(0, math.ceil(duration * fps))):
        t = frame / fps
        if t >= duration:
            break
        want, got = viseme_at(expected, t), viseme_at(estimated, t)
        same_opening = openness_class(want) == openness_class(got)
        same_rounding = (want in ROUNDED) == (got in ROUNDED)
        exact += want == got
        openness += same_opening
        rounding += same_rounding
        coarse += same_opening and same_rounding
        frames += 1
    return Agreement(frames, exact, openness, rounding, coarse)


def openness_class(viseme: str) -> int:
    """0 for a closed mouth (rest, lips shut), 1 for a mid opening, 2 for an open one."""
    opening = mouth_openness(viseme)
    return 0 if opening < CLOSED_BELOW else 1 if opening < OPEN_FROM else 2


def audio_phonemes(pcm: npt.NDArray[np.int16], sample_rate: int) -> tuple[Timed, ...]:
    """Pseudo-phoneme timings, in espeak mnemonics, that cover the audio from end to end."""
    features = audio_features(pcm, sample_rate)
    if len(features) == 0:
        return ()
    shapes = _smoothed(frame_shapes(features))
    duration = len(pcm) / sample_rate
    timed = []
    start = 0
    for index in range(1, len(shapes) + 1):
        if index == len(shapes) or shapes[index] != shapes[start]:
            end = min(index * features.hop, duration)
            timed.append(Timed(start * features.hop, end, PSEUDO_PHONEMES[shapes[start]]))
            start = index
    return tuple(timed)


def audio_viseme_track(speech: Speech) -> tuple[Timed, ...]:
    """The mouth-shape track of `speech` with timings heard in its audio, not its own."""
    return viseme_track(replace(speech, phonemes=audio_phonemes(speech.pcm, speech.sample_rate)))


def frame_shapes(features: AudioFeatures) -> list[str]:
    """The mouth shape each frame of audio sounds like, before any smoothing."""
    if len(features) == 0:
        return []
    # einsum rather than @: these products are small, and a threaded BLAS would spend more
    # CPU time waking and spinning its threads than on the sums themselves.
    inputs = with_context(frame_inputs(features))
    hidden = np.tanh(np.einsum("fi,ui->fu", inputs, HIDDEN[:, :-1]) + HIDDEN[:, -1])
    best = np.argmax(np.einsum("fu,su->fs", hidden, OUTPUT[:, :-1]) + OUTPUT[:, -1], axis=1)
    loud = features.level > SILENT_LEVEL
    return [SHAPES[int(best[i])] if loud[i] else "X" for i in range(len(features))]


def frame_inputs(features: AudioFeatures) -> npt.NDArray[np.float64]:
    """(frames, len(INPUTS)): what each frame is judged on, in the order of INPUTS."""
    level = np.maximum(features.level, FLOOR_LEVEL)
    vowel_like = (features.level > VOWEL_LEVEL) & (features.voicing >= VOICED)
    speech_like = features.level > LINE_LEVEL
    outline = features.mel - features.mel[speech_like if speech_like.any() else slice(None)].mean(0)
    # The outline counts as much as the share of energy it covers: next to nothing in an s,
    # whose hiss lies above MEL_RANGE and is told by the high bands instead.
    below = features.bands[:, [i for i, (_, high) in enumerate(BANDS) if high <= MEL_RANGE[1]]]
    below = below.sum(axis=1)
    padded = np.pad(level, DIP_SPAN, mode="edge")
    loudest_near = np.lib.stride_tricks.sliding_window_view(padded, 2 * DIP_SPAN + 1).max(axis=1)
    edges = np.pad(level, RISE_SPAN, mode="edge")
    return np.column_stack(
        [
            level,
            features.voicing,
            np.log(np.maximum(features.f1, 1.0) / _median(features.f1, vowel_like)),
            np.log(np.maximum(features.f2, 1.0) / _median(features.f2, vowel_like)),
            10 * np.log10(features.bands + 1e-4),
            np.log(features.zcr + 100.0),
            level - loudest_near,
            edges[2 * RISE_SPAN :] - edges[: -2 * RISE_SPAN],
            np.einsum("fm,km->fk", outline, _COSINES) * below[:, None],
        ]
    )


def with_context(inputs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each frame's inputs followed by those CONTEXT frames away (the edges repeat)."""
    index = np.arange(len(inputs))
    near = [inputs[np.clip(index + offset, 0, len(inputs) - 1)] for offset in CONTEXT]
    return np.column_stack([inputs, *near])


def _median(values: npt.NDArray[np.float64], where: npt.NDArray[np.bool_]) -> float:
    chosen = values[where & (values > 0)]
    return float(np.median(chosen)) if len(chosen) else 1.0


def _smoothed(shapes: list[str]) -> list[str]:
    # A majority over a few frames: a shape must win its neighbourhood to be kept. Ties go
    # to the frame's own shape, then to the one heard first, so the result never varies.
    half = SMOOTHING // 2
    out = []
    for index in range(len(shapes)):
        window = shapes[max(0, index - half) : index + half + 1]
        here = shapes[index]
        out.append(max(dict.fromkeys(window), key=lambda s: (window.count(s), s == here)))
    return out
