"""Mouth shapes estimated from the audio alone, for voices that give no phoneme timings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from host.avatar.audio_features import BANDS, AudioFeatures, audio_features
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
SMOOTHING = 7  # frames in the majority vote: about MIN_HOLD, so a shape must win its time

# What each frame is judged on. Levels are relative to the line's loud frames and formant
# centres to the line's own median, so a loud or a quiet, a high or a low voice reads alike.
INPUTS = (
    "level", "voicing", "log_f1", "log_f2",
    *(f"band_{int(low)}_{int(high)}" for low, high in BANDS),
    "log_zcr", "dip", "rise",
)  # fmt: skip
SHAPES = "XABCDEFGH"  # rest too: a breath or a fading vowel is not yet speech

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


# The linear map from inputs to shapes: one row per shape in SHAPES, one column per input
# at each offset of (0, *CONTEXT), then a bias; the highest score names the shape. Fitted
# by `python benchmarks/viseme_agreement.py --fit` (multinomial logistic regression) to
# espeak-ng's own timings on half of the template lines, in English and French, spoken by
# six espeak voices: 174,908 frames of 10 ms.
_WEIGHTS = np.array(
    [
        [  # X
            -0.1626, -1.71, -0.66, -0.8959, -0.07321, -0.0478, -0.03832, -0.05634, -0.05761,
            0.07301, -0.04054, -0.6114, 0.01709, 0.0007494, -0.09081, 0.3066, -0.4841, 0.533,
            -0.0553, 0.05449, -0.01235, -0.0348, 0.0286, -0.002732, 0.03999, -0.174, 0.008224,
            0.002293, -0.1775, 4.316, 0.3133, 0.0689, -0.06916, 0.03693, -0.02304, -0.05156,
            -0.003854, -0.04009, -0.007341, 0.5138, 0.04376, 0.008529, -13.24,
        ],
        [  # A
            -0.05313, -0.4557, -1.64, -1.564, 0.0409, -0.1487, -0.01071, 0.03751, 0.01502, 0.0105,
            0.01776, -0.6158, 0.02583, 0.01045, 0.02965, -0.8855, 0.1944, -0.03591, 0.07629,
            -0.04304, -0.01698, 0.01952, -0.03765, -0.009153, -0.006579, -0.1401, -0.03856,
            -0.01889, 0.04202, -0.2661, -0.251, -0.1033, 0.07602, 0.03021, 0.02098, 0.002365,
            0.001555, 0.0282, 0.004325, -0.675, -0.03594, 0.02182, 14.57,
        ],
        [  # B
            -0.05758, -0.7515, 1.366, 1.009, 0.04595, -0.1391, -0.04775, -0.04371, 0.008973,
            -0.0004124, -0.006248, 0.2451, -0.001102, 0.005597, 0.03412, -0.1095, 0.05026,
            0.02321, 0.02948, -0.0005487, -0.005649, -0.01897, 0.007774, -0.007968, -0.004058,
            0.1116, -0.04988, -0.0005949, 0.02796, -0.8026, -0.5225, 0.4924, 0.0239, -0.01764,
            0.005198, -0.003057, -0.004186, -0.002713, 0.006761, 0.05555, -0.03434, 0.0007381,
            -1.326,
        ],
        [  # C
            0.0881, -0.2389, 0.3194, 0.8734, -0.03583, -0.02813, 0.01444, -0.0155, 0.06715,
            0.01724, -0.03715, 0.6248, -0.0396, -0.006332, 0.02947, 0.3882, -0.165, -0.001831,
            0.00982, -0.04627, 0.04626, -0.01203, 0.02347, -0.0192, -0.01292, 0.275, -0.0117,
            0.001052, -0.003273, -0.5878, 0.5075, -0.3492, -0.004384, 0.002063, 0.008133,
            -0.008118, 0.0002767, -0.01209, 0.003757, 0.1241, 0.007431, -0.01811, -4.536,
        ],
        [  # D
            0.02346, 0.8364, 3.723, 0.8323, 0.02382, -0.1167, 0.1764, 0.03223, 0.03457, -0.05195,
            -0.0619, 0.7391, 0.04571, -0.004474, -0.006111, 0.1926, -0.4362, -0.3079, 0.003618,
            -0.06072, 0.0782, -0.0116, 0.0292, 0.03224, -0.01268, 0.2275, 0.07074, 0.01163,
            -0.02011, -0.06786, 0.2338, -0.1992, 0.02294, -0.05708, 0.01824, -0.0009143,
            -8.622e-05, 0.01291, 0.003962, 0.08446, 0.04473, -0.02131, -6.069,
        ],
        [  # E
            0.09134, 0.3081, 1.692, 0.07311, 0.01847, 0.0003592, -0.002245, 0.01624, 0.02123,
            -0.05341, -0.03894, 0.367, 0.05216, -0.01795, 0.1121, -0.2206, -0.0744, -0.4697,
            -0.03331, -0.004511, 0.005906, 0.02264, 0.01845, 0.02259, 0.001379, 0.08976, -0.04278,
            0.007215, 0.0007982, -0.8124, -0.5268, 0.4171, -0.08014, 0.03373, -0.004148, 0.03051,
            -0.01729, -0.0489, 0.01003, 0.03353, 0.07184, -0.01085, -1.082,
        ],
        [  # F
            0.1733, -0.1331, -3.229, -1.179, 0.03356, 0.2299, 0.05218, -0.02867, 0.0007448,
            -0.03237, -0.006288, -0.1898, -0.01821, -0.01033, -0.05097, -0.5621, 0.6131, -0.3015,
            -0.01398, 0.01421, -0.0259, -0.005064, 0.008136, -0.03198, 0.006331, -0.349, 0.08171,
            0.009562, 0.04332, -1.097, 0.465, -0.3214, -0.02727, 0.03768, -0.02996, 0.01614,
            -0.01278, -0.02122, 0.009746, 0.2015, -0.02832, -0.01055, 6.421,
        ],
        [  # G
            -0.02947, 1.937, -2.062, 0.7297, -0.07079, -0.02692, -0.07673, 0.04527, 0.005461,
            -0.118, 0.1239, -0.2133, -0.1155, 0.001711, -0.005244, 0.8859, -0.04042, 0.651,
            0.01618, -0.03599, -0.04657, 0.02107, -0.01086, 0.009115, -0.009055, -0.187, -0.04419,
            -0.0005122, -0.000346, -0.08522, 0.1848, 0.2464, 0.02092, -6.171e-05, -0.01778,
            0.0007778, 0.01133, -0.01904, -0.02095, 0.2017, -0.06678, 0.01872, -5.07,
        ],
        [  # H
            -0.07339, 0.208, 0.4906, 0.1227, 0.01713, 0.277, -0.06725, 0.01297, -0.09554, 0.1554,
            0.04937, -0.3456, 0.0336, 0.02058, -0.05225, 0.004354, 0.3424, -0.09047, -0.03279,
            0.1224, -0.02291, 0.01924, -0.06711, 0.007085, -0.002398, 0.1462, 0.02644, -0.01176,
            0.08713, -0.598, -0.4041, -0.2518, 0.03719, -0.06584, 0.02238, 0.01386, 0.02504,
            0.1029, -0.01029, -0.5396, -0.002379, 0.01102, 10.34,
        ],
    ]
)  # fmt: skip


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
    scores = with_context(frame_inputs(features)) @ _WEIGHTS[:, :-1].T + _WEIGHTS[:, -1]
    best = np.argmax(scores, axis=1)
    loud = features.level > SILENT_LEVEL
    return [SHAPES[int(best[i])] if loud[i] else "X" for i in range(len(features))]


def frame_inputs(features: AudioFeatures) -> npt.NDArray[np.float64]:
    """(frames, len(INPUTS)): what each frame is judged on, in the order of INPUTS."""
    level = np.maximum(features.level, FLOOR_LEVEL)
    vowel_like = (features.level > VOWEL_LEVEL) & (features.voicing >= VOICED)
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
