"""The espeak-ng voice, on the real library: audio, timings, bad text, threads."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest

from host.errors import VoiceError
from host.voice.espeak import MAX_CHARS, EspeakVoice, clean_text, is_pause
from host.voice.speech import Speech

SENTENCE_EN = "Today we have something really special for all of you."
SENTENCE_FR = "Aujourd'hui, nous avons quelque chose de vraiment spécial pour vous."


@pytest.fixture(scope="module")
def english() -> EspeakVoice:
    return EspeakVoice("en", "en-us")


@pytest.fixture(scope="module")
def french() -> EspeakVoice:
    return EspeakVoice("fr")


def rms(speech: Speech) -> float:
    return float(np.sqrt(np.mean(speech.pcm.astype(np.float64) ** 2)))


def assert_well_timed(speech: Speech) -> None:
    starts = [p.start for p in speech.phonemes]
    assert starts == sorted(starts)
    for before, after in itertools.pairwise(speech.phonemes):
        assert before.end == pytest.approx(after.start)  # each ends where the next starts
    for item in (*speech.phonemes, *speech.words):
        assert 0 <= item.start <= item.end <= speech.duration + 1e-9


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_sentence_is_loud_and_lasts_as_long_as_it_should(
    lang: str, english: EspeakVoice, french: EspeakVoice
) -> None:
    voice, text = (english, SENTENCE_EN) if lang == "en" else (french, SENTENCE_FR)
    speech = voice.speak(text)
    assert speech.pcm.dtype == np.int16 and speech.pcm.ndim == 1
    assert speech.sample_rate == 22050
    assert rms(speech) > 1000  # int16 full scale is 32767: clearly not silence
    assert 1.5 < speech.duration < 6.0  # ten words
    assert len(speech.phonemes) > 20
    assert_well_timed(speech)


def test_words_carry_their_text_and_follow_each_other(english: EspeakVoice) -> None:
    speech = english.speak("Hello world, café.")
    assert [w.value for w in speech.words] == ["Hello", "world", "café"]
    for before, after in itertools.pairwise(speech.words):
        assert before.end <= after.start + 1e-9
    # The comma makes a pause between "world" and "café".
    assert speech.words[2].start - speech.words[1].end > 0.1
    assert all(w.end - w.start > 0.1 for w in speech.words)
    assert_well_timed(speech)


def test_word_positions_count_characters_not_bytes(french: EspeakVoice) -> None:
    speech = french.speak("Éléonore a été très gâtée, vraiment.")
    assert [w.value for w in speech.words] == ["Éléonore", "a", "été", "très", "gâtée", "vraiment"]


def test_pauses_are_phonemes_named_with_an_underscore(english: EspeakVoice) -> None:
    speech = english.speak("Hello. Goodbye.")
    pauses = [p for p in speech.phonemes if is_pause(p.value)]
    assert pauses and max(p.end - p.start for p in pauses) > 0.15
    assert is_pause(speech.phonemes[-1].value)  # the end of the text is silence


def test_a_faster_rate_says_the_same_text_in_less_time() -> None:
    slow = EspeakVoice("en", rate=100).speak(SENTENCE_EN)
    fast = EspeakVoice("en", rate=300).speak(SENTENCE_EN)
    assert slow.duration > 1.8 * fast.duration


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\x00\x01\x02"])
def test_nothing_to_say_is_an_error(english: EspeakVoice, text: str) -> None:
    with pytest.raises(VoiceError, match="nothing to say"):
        english.speak(text)


def test_a_huge_text_is_refused_at_once(english: EspeakVoice) -> None:
    text = "This is far too long. " * 5000  # 110 kB
    began = time.monotonic()
    with pytest.raises(VoiceError) as caught:
        english.speak(text)
    assert time.monotonic() - began < 1.0
    assert str(len(text)) in str(caught.value) and str(MAX_CHARS) in str(caught.value)


def test_the_longest_text_allowed_is_spoken_quickly(english: EspeakVoice) -> None:
    text = ("The serum is light and fresh. " * 200)[:MAX_CHARS]
    began = time.monotonic()
    speech = english.speak(text)
    assert time.monotonic() - began < 10.0
    assert speech.duration > 60


@pytest.mark.parametrize("text", ["!!! ??? ...", "€€€", "🙂", "👩‍👩‍👧", "—", "\ud800", "  .  "])
def test_symbols_and_emoji_give_speech_not_a_crash(english: EspeakVoice, text: str) -> None:
    try:
        speech = english.speak(text)
    except VoiceError as error:  # only when nothing is left once control characters go
        assert str(error) == "nothing to say"
        assert not clean_text(text).strip()
        return
    assert len(speech.pcm) > 0
    assert_well_timed(speech)


def test_markup_is_spoken_as_text(english: EspeakVoice) -> None:
    tagged = english.speak("<speak>hello</speak>")
    assert rms(tagged) > 500
    assert "speak" in [w.value for w in tagged.words]  # the tag is read out, not obeyed
    plain = english.speak("hello")
    phonemes = english.speak("[[h@loU]]")  # phoneme input only with espeakPHONEMES
    assert [p.value for p in phonemes.phonemes] != [p.value for p in plain.phonemes]
    assert phonemes.duration > plain.duration


def test_control_characters_are_dropped(english: EspeakVoice) -> None:
    assert clean_text("a\x00b\x01c\nd\te\ud800") == "abc d e"
    speech = english.speak("Hello\x00 \x01world\x7f")
    assert [w.value for w in speech.words] == ["Hello", "world"]


def test_an_unknown_voice_is_named_in_the_error() -> None:
    with pytest.raises(VoiceError, match="no voice named 'martian'"):
        EspeakVoice("en", "martian")


@pytest.mark.parametrize(
    ("field", "value"), [("rate", 1000), ("rate", 79), ("pitch", 101), ("volume", -1)]
)
def test_settings_out_of_range_are_refused(field: str, value: int) -> None:
    with pytest.raises(VoiceError, match=f"{field} must be a whole number"):
        EspeakVoice("en", **{field: value})  # type: ignore[arg-type]


def test_a_variant_voice_speaks() -> None:
    assert rms(EspeakVoice("en", "en-us+f3").speak("Hello there.")) > 500


def test_two_threads_speaking_at_once_each_get_their_own_audio() -> None:
    texts = {
        "en": "One, two, three, four, five.",
        "fr": "Un, deux, trois, quatre, cinq, six, sept.",
    }
    voices = {"en": EspeakVoice("en"), "fr": EspeakVoice("fr", rate=200)}
    alone = {lang: voices[lang].speak(text) for lang, text in texts.items()}
    results: dict[str, list[Speech]] = {"en": [], "fr": []}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def speak(lang: str) -> None:
        try:
            barrier.wait()
            for _ in range(8):
                results[lang].append(voices[lang].speak(texts[lang]))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for lang, speeches in results.items():
        assert len(speeches) == 8
        for speech in speeches:
            # espeak is not sample-exact from call to call, but the same text in the
            # same voice keeps its phonemes and its length within a few milliseconds.
            assert [p.value for p in speech.phonemes] == [p.value for p in alone[lang].phonemes]
            assert speech.duration == pytest.approx(alone[lang].duration, abs=0.05)
            assert rms(speech) > 1000
