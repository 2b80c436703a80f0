"""How often mouth shapes heard in the audio agree with espeak-ng's timings, per 30 fps frame.

`python benchmarks/viseme_agreement.py` measures on the template lines that were not used to
fit the estimator, with the bundled voices and two espeak variants it never heard;
`--fit` fits the estimator's weights again on the other half and prints them.
"""

from __future__ import annotations

import argparse
import textwrap
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from host.avatar import audio_visemes
from host.avatar.audio_features import HOP, audio_features
from host.avatar.audio_visemes import (
    SHAPES,
    SILENT_LEVEL,
    Agreement,
    audio_viseme_track,
    frame_inputs,
    track_agreement,
    with_context,
)
from host.avatar.visemes import viseme_at, viseme_track
from host.catalog.loader import load_catalog
from host.script.template_writer import TemplateWriter
from host.voice.espeak import EspeakVoice
from host.voice.profile import find_profile, voice_from_profile
from host.voice.speech import Speech, Voice

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
DEMO = Path(__file__).resolve().parent.parent / "demo"
FPS = 30
SEEDS = 4  # sentence rotations of the demo pitches: about 160 distinct lines per language
MEASURES = ("exact", "openness", "rounding", "coarse")
# Fitted on: the default voices and four variants. Measured with the bundled profiles (en-gb
# never fitted) and two variants never fitted, at other pitches and rates.
FIT_VARIANTS = (
    ("en", "en-us+m3", 150, 40), ("en", "en-us+f1", 175, 60),
    ("fr", "fr+m3", 170, 45), ("fr", "fr+f4", 150, 55),
)  # fmt: skip
UNSEEN_VARIANTS = (("en", "en-us+f3", 185, 70), ("fr", "fr+f2", 190, 65))
HOP_MS = round(HOP * 1000)
ITERATIONS = 400  # gradient steps of the fit; the loss has levelled off well before


def template_lines(lang: str) -> list[str]:
    """Every distinct line the demo pitches say in `lang` over SEEDS rotations."""
    products = load_catalog(DEMO / f"catalog.{lang}.json").products
    said: dict[str, None] = {}
    for seed in range(SEEDS):
        writer = TemplateWriter(seed=seed, clock=lambda: AT)
        for product in products:
            said.update((line.text, None) for line in writer.pitch(product, lang))
    return list(said)


def held_out(text: str) -> bool:
    """Whether a line is measured (True) or used for the fit (False): a fixed half."""
    return zlib.crc32(text.encode()) % 2 == 1


def voices(fitting: bool) -> Iterator[tuple[str, str, Voice]]:
    """(language, name, voice) for the fit, or for the measurement."""
    profiles = ("fr", "en") if fitting else ("fr", "en", "en-gb")
    for name in profiles:
        profile = find_profile(name)
        yield profile.language, name, voice_from_profile(profile)
    for lang, variant, rate, pitch in FIT_VARIANTS if fitting else UNSEEN_VARIANTS:
        yield lang, variant, EspeakVoice(lang, variant, rate=rate, pitch=pitch)


def speeches(fitting: bool) -> Iterator[tuple[str, Speech]]:
    """(voice name, speech) for every line of its half, in each voice."""
    lines = {lang: template_lines(lang) for lang in ("fr", "en")}
    for lang, name, voice in voices(fitting):
        for text in lines[lang]:
            if held_out(text) != fitting:
                yield name, voice.speak(text)


def measure() -> None:
    by_voice: dict[str, Agreement] = {}
    seconds = cpu = 0.0
    for name, speech in speeches(fitting=False):
        expected = viseme_track(speech)
        start = time.process_time()
        estimated = audio_viseme_track(speech)
        cpu += time.process_time() - start
        seconds += speech.duration
        found = track_agreement(expected, estimated, speech.duration, FPS)
        by_voice[name] = by_voice.get(name, Agreement()) + found
    total = sum(by_voice.values(), Agreement())
    print(f"agreement with espeak-ng's timings per {FPS} fps frame, on lines not fitted:")
    print(f"  {'voice':<10} {'frames':>7} " + " ".join(f"{m:>9}" for m in MEASURES))
    for name, found in [*by_voice.items(), ("all", total)]:
        shares = " ".join(f"{found.share(m):>9.1%}" for m in MEASURES)
        print(f"  {name:<10} {found.frames:>7} {shares}")
    print(
        f"{seconds:.0f} s of audio analysed in {cpu:.2f} CPU s: "
        f"{seconds / cpu:,.0f} s of audio per CPU second"
    )


def fit() -> None:
    inputs: list[npt.NDArray[np.float64]] = []
    labels: list[npt.NDArray[np.int64]] = []
    for _name, speech in speeches(fitting=True):
        features = audio_features(speech.pcm, speech.sample_rate)
        track = viseme_track(speech)
        shapes = [viseme_at(track, (i + 0.5) * features.hop) for i in range(len(features))]
        loud = features.level > SILENT_LEVEL  # the frames the weights decide
        inputs.append(with_context(frame_inputs(features))[loud])
        labels.append(np.array([SHAPES.index(s) for s in shapes])[loud])
    weights = logistic_regression(np.concatenate(inputs), np.concatenate(labels), len(SHAPES))
    rows = "".join(
        f"        [  # {shape}\n"
        + textwrap.indent(textwrap.fill(", ".join(f"{w:.4g}" for w in row) + ",", 86), " " * 12)
        + "\n        ],\n"
        for shape, row in zip(SHAPES, weights, strict=True)
    )
    print(f"# fitted on {sum(len(x) for x in labels)} frames of {HOP_MS} ms")
    print(f"_WEIGHTS = np.array(\n    [\n{rows}    ]\n)  # fmt: skip")


def logistic_regression(
    inputs: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], classes: int
) -> npt.NDArray[np.float64]:
    """Weights (classes, inputs + 1) of a multinomial logistic regression, bias last."""
    mean, scale = inputs.mean(axis=0), inputs.std(axis=0) + 1e-9
    x = np.column_stack([(inputs - mean) / scale, np.ones(len(inputs))])
    target = np.eye(classes)[labels]
    w = np.zeros((x.shape[1], classes))
    velocity = np.zeros_like(w)
    for _ in range(ITERATIONS):
        z = x @ w
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        velocity = 0.9 * velocity - (x.T @ (p - target) / len(x) + 1e-4 * w)
        w += velocity
    # Fold the scaling in, so the module applies the weights to raw inputs.
    raw = (w[:-1] / scale[:, None]).T
    bias = w[-1] - (mean / scale) @ w[:-1]
    return np.asarray(np.column_stack([raw, bias]), dtype=np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="fit the weights and print them")
    if parser.parse_args().fit:
        fit()
    else:
        print(f"estimator: {audio_visemes.__name__}, context {audio_visemes.CONTEXT} frames")
        measure()


if __name__ == "__main__":
    main()
