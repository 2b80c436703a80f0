"""Mouth-shape timelines from real espeak speech, and their invariants on made-up timings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from host.avatar.pose import REST, VISEMES
from host.avatar.visemes import (
    EASE,
    EASE_JUMP,
    MIN_HOLD,
    mouth_openness,
    shape_of,
    viseme_at,
    viseme_track,
)
from host.voice.espeak import EspeakVoice
from host.voice.speech import Speech, Timed

RATE = 22050
FRAME = 1 / 30


@pytest.fixture(scope="module")
def english() -> EspeakVoice:
    return EspeakVoice("en", "en-us")


@pytest.fixture(scope="module")
def french() -> EspeakVoice:
    return EspeakVoice("fr")


def is_in_between(track: tuple[Timed, ...], index: int) -> bool:
    """Whether a shape is an easing frame between two shapes far apart in opening."""
    if not 0 < index < len(track) - 1:
        return False
    before, here, after = (mouth_openness(track[i].value) for i in (index - 1, index, index + 1))
    short = track[index].end - track[index].start == pytest.approx(EASE)
    return (
        short
        and track[index].value in "BC"
        and abs(after - before) > EASE_JUMP
        and min(before, after) < here < max(before, after)
    )


def assert_sound_track(track: tuple[Timed, ...], duration: float) -> None:
    assert track[0].start == 0 and track[-1].end == duration
    for before, after in itertools.pairwise(track):
        assert before.end == after.start  # contiguous, to the bit
        assert before.value != after.value
    for index, item in enumerate(track):
        assert item.value in VISEMES
        long_enough = item.end - item.start >= MIN_HOLD - 1e-9
        assert long_enough or is_in_between(track, index) or len(track) == 1, (index, track)


def speech_of(phonemes: list[tuple[float, str]], duration: float) -> Speech:
    """A silent Speech whose phonemes start at the given times, each ending at the next."""
    timed = [
        Timed(start, phonemes[i + 1][0] if i + 1 < len(phonemes) else duration, name)
        for i, (start, name) in enumerate(phonemes)
    ]
    return Speech(np.zeros(round(duration * RATE), np.int16), RATE, tuple(timed))


@pytest.mark.parametrize(
    "text",
    [
        "Hello everyone, and welcome back to the show!",
        "It was thirty-nine ninety, now just twenty-seven ninety. Buy it now!",
        "Bonjour à tous et bienvenue dans l'émission !",
    ],
)
def test_the_track_covers_the_speech_with_no_flicker(
    text: str, english: EspeakVoice, french: EspeakVoice
) -> None:
    speech = (french if "Bonjour" in text else english).speak(text)
    track = viseme_track(speech)
    assert_sound_track(track, speech.duration)
    assert len({item.value for item in track}) >= 5  # the mouth really moves


def test_the_mouth_rests_in_a_pause_and_at_the_end(english: EspeakVoice) -> None:
    speech = english.speak("Hello. ... Goodbye.")
    track = viseme_track(speech)
    pauses = [p for p in speech.phonemes if p.value.startswith("_") and p.end - p.start > 0.2]
    assert len(pauses) >= 2  # after "Hello." and at the end
    middle = pauses[0]
    for t in np.linspace(middle.start + 0.05, middle.end - 0.05, 10):
        assert viseme_at(track, float(t)) in ("X", "A")
    assert track[-1].value == REST
    assert viseme_at(track, speech.duration - 0.01) == REST


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_lips_close_on_m_p_and_b(lang: str, english: EspeakVoice, french: EspeakVoice) -> None:
    speech = (english if lang == "en" else french).speak("mama papa, baby bob")
    track = viseme_track(speech)
    bilabials = [p for p in speech.phonemes if p.value.lstrip("',") in ("m", "p", "b")]
    assert len(bilabials) >= 8
    for phoneme in bilabials:
        # Somewhere from a little before its burst to its end, the lips are shut.
        times = np.linspace(phoneme.start - 0.045, phoneme.end, 12)
        assert "A" in {viseme_at(track, float(t)) for t in times}, phoneme


def test_big_jumps_pass_through_an_in_between(english: EspeakVoice) -> None:
    track = viseme_track(english.speak("Father, I am bob. Papa, hi! Ah, my pie."))
    in_betweens = [i for i in range(len(track)) if is_in_between(track, i)]
    assert in_betweens
    # A closed mouth never opens wide (or shuts from wide) in a single step when there is room.
    for before, after in itertools.pairwise(track):
        jump = abs(mouth_openness(before.value) - mouth_openness(after.value))
        if jump > EASE_JUMP:
            room = min(before.end - before.start, after.end - after.start)
            assert room < MIN_HOLD + EASE + 1e-9, (before, after)


def test_envelope_and_mouth_opening_move_together(
    english: EspeakVoice, french: EspeakVoice, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = {
        "en": "Hello everyone, and welcome back to the show! Today we have something really "
        "special for you. This serum is light, fresh, and absorbs in seconds.",
        "fr": "Bonjour à tous et bienvenue ! Aujourd'hui, nous avons quelque chose de vraiment "
        "spécial pour vous. Ce sérum est léger, frais, et pénètre en quelques secondes.",
    }
    found = {}
    for lang, text in texts.items():
        speech = (english if lang == "en" else french).speak(text)
        track = viseme_track(speech)
        hop = round(speech.sample_rate * FRAME)
        samples = speech.pcm.astype(np.float64)
        frames = len(samples) // hop
        envelope = np.sqrt(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, axis=1))
        opening = [mouth_openness(viseme_at(track, (i + 0.5) * FRAME)) for i in range(frames)]
        found[lang] = float(np.corrcoef(envelope, opening)[0, 1])
    with capsys.disabled():
        print(f"\nRMS envelope / mouth openness correlation per 33 ms frame: {found}")
    assert all(value > 0.45 for value in found.values()), found


def test_viseme_at_looks_up_any_time() -> None:
    track = (Timed(0.0, 0.1, "X"), Timed(0.1, 0.2, "A"), Timed(0.2, 0.5, "D"))
    assert [viseme_at(track, t) for t in (0.0, 0.05, 0.1, 0.15, 0.2, 0.49)] == list("XXAADD")
    assert viseme_at(track, -1.0) == REST
    assert viseme_at(track, 0.5) == REST
    assert viseme_at((), 0.3) == REST


def test_diphthongs_and_stress_marks() -> None:
    assert shape_of("'aI") == "DC"
    assert shape_of(",oU") == "EF"
    assert shape_of("p") == shape_of("b") == shape_of("m") == "A"
    assert shape_of("f") == shape_of("v") == "G"
    assert shape_of("t2") == shape_of("z2") == shape_of("tS") == "B"
    assert shape_of("'A~") == "D" and shape_of("O~") == "E" and shape_of("y") == "F"


def test_silence_is_one_rest() -> None:
    speech = Speech(np.zeros(4410, np.int16), RATE, ())
    assert viseme_track(speech) == (Timed(0.0, 0.2, REST),)
    assert viseme_track(Speech(np.zeros(0, np.int16), RATE, ())) == ()


def test_a_short_pause_holds_the_mouth_and_a_long_one_rests_it() -> None:
    short = viseme_track(speech_of([(0.0, "a"), (0.2, "_"), (0.23, "a"), (0.4, "_:")], 0.7))
    assert [item.value for item in short] == ["D", "C", "X"]  # "a _ a" is one open stretch
    long = viseme_track(speech_of([(0.0, "a"), (0.2, "_:"), (0.5, "a"), (0.7, "_:")], 1.0))
    assert "X" in [item.value for item in long[1:-1]]


NAMES = ["p", "m", "a", "'aI", "E", "@", "u:", "O~", "f", "l", "t", "s", "_", "_:", ";", "(en)"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 0.3), st.sampled_from(NAMES)),
        max_size=40,
    ),
    st.floats(0.0, 0.5),
)
def test_any_timings_give_a_sound_track(steps: list[tuple[float, str]], tail: float) -> None:
    phonemes, clock = [], 0.0
    for length, name in steps:
        phonemes.append((round(clock * RATE) / RATE, name))  # on the sample grid, as espeak
        clock += length
    duration = round((clock + tail) * RATE) / RATE
    if duration == 0:
        return
    speech = speech_of(phonemes, duration)
    track = viseme_track(speech)
    assert_sound_track(track, speech.duration)
