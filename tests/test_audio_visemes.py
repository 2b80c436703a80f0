"""Mouth shapes heard in the audio: agreement with espeak's timings, and synthetic sounds."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pytest

from host.avatar.audio_features import HOP, audio_features
from host.avatar.audio_visemes import (
    PSEUDO_PHONEMES,
    ROUNDED,
    Agreement,
    audio_phonemes,
    audio_viseme_track,
    openness_class,
    track_agreement,
)
from host.avatar.pose import REST, VISEMES
from host.avatar.visemes import EASE, MIN_HOLD, shape_of, viseme_at, viseme_track
from host.voice.espeak import EspeakVoice
from host.voice.resample import resample
from host.voice.speech import Speech, Timed

RATE = 22050
FPS = 30
# Sentences the estimator was never fitted on (it was fitted on template pitch lines).
SENTENCES = {
    "en": [
        "Good evening and welcome, I am so happy to see you all here tonight.",
        "This blender crushes ice in seconds and cleans itself with warm water.",
        "Look at the colour of this scarf: soft blue wool, made in Scotland.",
        "Only twelve pieces are left, so please do not wait too long.",
        "My favourite part is the smooth finish on the leather strap.",
        "Thank you for watching, and see you tomorrow morning for more deals.",
    ],
    "fr": [
        "Bonsoir à toutes et à tous, je suis ravie de vous retrouver ce soir.",
        "Ce mixeur broie la glace en quelques secondes et se nettoie tout seul.",
        "Regardez la couleur de cette écharpe : une laine bleue très douce.",
        "Il ne reste que douze pièces, alors ne tardez pas trop.",
        "Ce que je préfère, c'est la finition lisse du bracelet en cuir.",
        "Merci de votre fidélité, et à demain matin pour de nouvelles offres.",
    ],
}
# Measured on these sentences with the two-layer estimator (exact, openness, coarse): en 84.8%,
# 90.0%, 87.9%; fr 83.8%, 90.5%, 86.8%; at 48 kHz, as segments are built, en 83.5%, 90.4%,
# 87.0%; fr 85.7%, 90.2%, 87.9%. The floors sit about five points under the lowest: a real
# regression fails, noise not.
FLOORS = {"exact": 0.79, "openness": 0.85, "coarse": 0.82}


@pytest.fixture(scope="module")
def voices() -> dict[str, EspeakVoice]:
    return {"en": EspeakVoice("en", "en-us"), "fr": EspeakVoice("fr")}


def assert_sound_track(track: tuple[Timed, ...], duration: float) -> None:
    """Covers [0, duration] contiguously, with known shapes held MIN_HOLD or easing between."""
    assert track[0].start == 0 and track[-1].end == duration
    for before, after in itertools.pairwise(track):
        assert before.end == after.start
        assert before.value != after.value
    for item in track:
        assert item.value in VISEMES
        length = item.end - item.start
        in_between = item.value in "BC" and length == pytest.approx(EASE)
        assert length >= MIN_HOLD - 1e-9 or in_between or len(track) == 1, track


def tone(
    seconds: float, f0: float, formants: tuple[float, ...], rate: int = RATE
) -> npt.NDArray[np.float64]:
    """A voiced, vowel-like sound: the harmonics of f0 shaped by resonances at `formants`."""
    t = np.arange(round(seconds * rate)) / rate
    wave = np.zeros_like(t)
    for k in range(1, int(min(5000, rate / 2) / f0)):
        freq = k * f0
        # A glottal source falls 6 dB per octave once radiated; each resonance is 120 Hz wide.
        gain = sum(1 / (1 + ((freq - f) / 60) ** 2) for f in formants) / k
        wave += gain * np.sin(2 * np.pi * freq * t + k)
    return wave / np.abs(wave).max()


def hiss(seconds: float, rate: int = RATE, low_cut: float = 3500.0) -> npt.NDArray[np.float64]:
    """Noise with its energy above `low_cut` Hz, like an s."""
    rng = np.random.default_rng(7)
    spectrum = np.fft.rfft(rng.standard_normal(round(seconds * rate)))
    spectrum[np.fft.rfftfreq(round(seconds * rate), 1 / rate) < low_cut] = 0
    noise = np.fft.irfft(spectrum, round(seconds * rate))
    return noise / np.abs(noise).max()


def speech_of(*parts: npt.NDArray[np.float64], rate: int = RATE, loud: float = 0.5) -> Speech:
    pcm = (np.concatenate(parts) * loud * 32767).astype(np.int16)
    return Speech(pcm, rate, ())


def silence(seconds: float, rate: int = RATE) -> npt.NDArray[np.float64]:
    return np.zeros(round(seconds * rate))


def shapes_between(track: tuple[Timed, ...], start: float, end: float) -> list[str]:
    return [viseme_at(track, float(t)) for t in np.arange(start, end, 1 / FPS)]


@pytest.mark.parametrize("rate", [None, 48000])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_agrees_with_espeak_timings_on_unseen_sentences(
    lang: str, rate: int | None, voices: dict[str, EspeakVoice], capsys: pytest.CaptureFixture[str]
) -> None:
    found = Agreement()
    for text in SENTENCES[lang]:
        speech = voices[lang].speak(text)
        if rate is not None:  # as the segment builder hands it over
            speech = resample(speech, rate)
        expected = viseme_track(speech)
        found += track_agreement(expected, audio_viseme_track(speech), speech.duration, FPS)
    shares = {m: round(found.share(m), 3) for m in ("exact", "openness", "rounding", "coarse")}
    with capsys.disabled():
        print(f"\n{lang} at {rate or RATE} Hz, {found.frames} frames: {shares}")
    assert found.frames > 600  # some 25 s of speech
    for measure, floor in FLOORS.items():
        assert found.share(measure) >= floor, (measure, shares)


def test_silence_rests() -> None:
    for seconds in (0.2, 3.0):
        speech = speech_of(silence(seconds))
        assert audio_viseme_track(speech) == (Timed(0.0, speech.duration, REST),)
    # A faint hum far under speech level in a line is still a pause, not a word.
    hum = speech_of(silence(0.5), 0.002 * tone(0.5, 100, (500,)), silence(0.2), vowel("a"))
    assert set(shapes_between(audio_viseme_track(hum), 0.05, 0.95)) == {REST}


def vowel(name: str, seconds: float = 0.4, f0: float = 120) -> npt.NDArray[np.float64]:
    """A vowel-like tone with textbook formants; open vowels are louder, as in speech."""
    formants, loudness = {
        "a": ((750, 1200), 1.0), "i": ((280, 2300), 0.5), "u": ((300, 800), 0.5),
    }[name]  # fmt: skip
    return loudness * tone(seconds, f0, formants)


def test_vowel_tones_open_spread_and_round_the_mouth() -> None:
    # Formants are judged against the line's own, so a line holds more than one vowel.
    speech = speech_of(silence(0.4), vowel("i"), vowel("a"), vowel("u"), silence(0.4))
    track = audio_viseme_track(speech)
    assert_sound_track(track, speech.duration)
    assert set(shapes_between(track, 0.0, 0.3)) == {REST}
    assert set(shapes_between(track, 1.7, speech.duration)) == {REST}
    middle = {name: shapes_between(track, start + 0.1, start + 0.3) for name, start in
              (("i", 0.4), ("a", 0.8), ("u", 1.2))}  # fmt: skip
    assert all(openness_class(s) == 2 for s in middle["a"]), middle
    assert all(s in ROUNDED for s in middle["u"]), middle
    assert all(openness_class(s) == 1 and s not in ROUNDED for s in middle["i"]), middle


def test_noise_bursts_give_fricative_shapes() -> None:
    speech = speech_of(
        silence(0.4), vowel("i"), hiss(0.25), vowel("a"), hiss(0.25), vowel("u"), silence(0.4)
    )
    track = audio_viseme_track(speech)
    assert_sound_track(track, speech.duration)
    for start in (0.8, 1.45):  # each burst, away from its edges
        shapes = shapes_between(track, start + 0.07, start + 0.2)
        assert all(openness_class(s) == 1 and s not in ROUNDED for s in shapes), shapes
    assert openness_class(viseme_at(track, 1.25)) == 2  # the vowel between them opens


def test_hold_and_easing_are_those_of_the_espeak_path(voices: dict[str, EspeakVoice]) -> None:
    for lang, texts in SENTENCES.items():
        for text in texts[:3]:
            speech = resample(voices[lang].speak(text), 48000)
            track = audio_viseme_track(speech)
            assert_sound_track(track, speech.duration)
            assert len({item.value for item in track}) >= 5  # the mouth really moves
            # The very track viseme_track makes of the pseudo-phonemes: the same rules.
            phonemes = audio_phonemes(speech.pcm, speech.sample_rate)
            assert track == viseme_track(Speech(speech.pcm, speech.sample_rate, phonemes))


def test_pseudo_phonemes_cover_the_audio_and_map_back_to_their_shapes() -> None:
    speech = speech_of(silence(0.3), tone(0.5, 120, (750, 1200)), hiss(0.2), silence(0.31))
    phonemes = audio_phonemes(speech.pcm, speech.sample_rate)
    assert phonemes[0].start == 0 and phonemes[-1].end == speech.duration
    for before, after in itertools.pairwise(phonemes):
        assert before.end == pytest.approx(after.start)
    for shape, name in PSEUDO_PHONEMES.items():
        assert shape_of(name) == shape or (shape == REST and name.startswith("_"))


@pytest.mark.parametrize("samples", [1, 7, 100, 441, 1000])
def test_very_short_audio_gives_a_track_as_long_as_it(samples: int) -> None:
    loud = speech_of(tone(1.0, 120, (750, 1200))[:samples])
    for speech in (loud, speech_of(silence(samples / RATE))):
        track = audio_viseme_track(speech)
        assert_sound_track(track, speech.duration)


def test_empty_audio_gives_an_empty_track() -> None:
    speech = Speech(np.zeros(0, np.int16), RATE, ())
    assert audio_phonemes(speech.pcm, RATE) == ()
    assert audio_viseme_track(speech) == ()
    assert len(audio_features(speech.pcm, RATE)) == 0


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 44100, 48000])
def test_any_sample_rate_gives_the_same_mouth(rate: int, voices: dict[str, EspeakVoice]) -> None:
    original = voices["en"].speak(SENTENCES["en"][1])
    speech = resample(original, rate)
    track = audio_viseme_track(speech)
    assert_sound_track(track, speech.duration)
    assert len(audio_features(speech.pcm, rate)) == -(-len(speech.pcm) // round(HOP * rate))
    same = track_agreement(audio_viseme_track(original), track, speech.duration, FPS)
    assert same.share("openness") >= 0.85, same
    # Measured 0.91 to 0.94 from 16 kHz up, 0.88 at 8 kHz, which has nothing above 4 kHz
    # where an s hisses.
    floor = 0.85 if rate >= 16000 else 0.8
    assert same.share("exact") >= floor, same


def test_agreement_counts_frames_by_each_measure() -> None:
    expected = (Timed(0.0, 0.5, "D"), Timed(0.5, 1.0, "F"))
    estimated = (Timed(0.0, 0.5, "C"), Timed(0.5, 1.0, "X"))
    found = track_agreement(expected, estimated, 1.0, FPS)
    assert found.frames == FPS
    assert found.exact == 0
    assert found.openness == 15  # D and C are both open; F is mid, X closed
    assert found.rounding == 15  # F is rounded, X is not
    assert found.coarse == 15
    assert track_agreement(expected, expected, 1.0, FPS).share("exact") == 1.0
    assert (found + found).frames == 2 * FPS
    assert [openness_class(v) for v in "XABGFECHD"] == [0, 0, 1, 1, 1, 1, 2, 2, 2]
    with pytest.raises(ValueError):
        track_agreement(expected, estimated, 1.0, 0)


def test_the_estimate_is_the_same_every_time(voices: dict[str, EspeakVoice]) -> None:
    speech = voices["fr"].speak(SENTENCES["fr"][0])
    assert audio_viseme_track(speech) == audio_viseme_track(speech)
