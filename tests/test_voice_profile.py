"""Voice profiles: the bundled ones load and speak; broken ones say which file and field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from host import paths
from host.errors import ConfigError
from host.voice.espeak import EspeakVoice
from host.voice.profile import (
    VoiceProfile,
    available_profiles,
    find_profile,
    load_profile,
    voice_from_profile,
)

GOOD = """\
engine = "espeak"
language = "fr"
voice = "fr"
rate = 160
pitch = 50
volume = 100
"""


def write(folder: Path, text: str, name: str = "x.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "language"), [("en-espeak", "en"), ("fr", "fr"), ("en-gb", "en")]
)
def test_bundled_espeak_profiles_load_and_speak(name: str, language: str) -> None:
    profile = find_profile(name)
    assert profile.name == name and profile.language == language
    assert profile.source.endswith(f"{name}.toml")
    voice = voice_from_profile(profile)
    assert isinstance(voice, EspeakVoice)
    speech = voice.speak("Bonjour !" if language == "fr" else "Hello!")
    assert np.abs(speech.pcm).max() > 1000


def test_every_script_language_has_a_profile_of_its_name() -> None:
    # The CLI looks up a voice by the script's language when none is given.
    for lang in ("en", "fr"):
        assert lang in available_profiles()


def test_a_profile_is_found_by_path(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, "mine.toml")
    profile = find_profile(str(path))
    assert profile == load_profile(path)
    assert (profile.name, profile.voice, profile.rate) == ("mine", "fr", 160)


def test_missing_numbers_take_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'engine = "espeak"\nlanguage = "en"\nvoice = "en-us"\n')
    profile = load_profile(path)
    assert (profile.rate, profile.pitch, profile.volume) == (160, 50, 100)


def test_an_unknown_name_lists_the_profiles_there_are() -> None:
    with pytest.raises(ConfigError) as caught:
        find_profile("klingon")
    message = str(caught.value)
    assert "'klingon'" in message and "en, en-espeak, en-gb, fr" in message


def test_profiles_are_looked_up_under_hostcast_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSTCAST_HOME", str(tmp_path))
    (tmp_path / "voices").mkdir()
    write(tmp_path / "voices", GOOD, "studio.toml")
    assert paths.voices_dir() == tmp_path / "voices"
    assert find_profile("studio").name == "studio"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("rate = 160", "rate = 1000"),
            "x.toml: rate: must be a whole number of words per minute between 80 and 450, got 1000",
        ),
        (GOOD.replace("rate = 160", "rate = 160.5"), "x.toml: rate: must be a whole number"),
        (GOOD.replace("rate = 160", "rate = true"), "x.toml: rate: must be a whole number"),
        (GOOD.replace("pitch = 50", "pitch = -3"), "x.toml: pitch: must be a whole number"),
        (GOOD.replace("volume = 100", "volume = 300"), "x.toml: volume: must be a whole number"),
        (
            GOOD.replace('"espeak"', '"festival"'),
            "x.toml: engine: must be one of espeak, piper, coqui, got 'festival'",
        ),
        (GOOD.replace('language = "fr"\n', ""), "x.toml: language: missing"),
        (GOOD.replace('voice = "fr"\n', ""), "x.toml: voice: missing"),
        (GOOD.replace('language = "fr"', 'language = "French"'), "x.toml: language: must be"),
        (GOOD.replace('voice = "fr"', 'voice = ""'), "x.toml: voice: must name"),
        (GOOD + "rte = 150\n", "x.toml: rte: unknown key, did you mean 'rate'?"),
        (GOOD + "colour = 1\n", "x.toml: colour: unknown key, the keys are engine, language"),
        (GOOD.replace('voice = "fr"', 'voice = "fr'), "x.toml: line 3: "),
        (GOOD.replace("rate = 160", "rate = = 160"), "x.toml: line 4: "),
    ],
)
def test_a_bad_profile_names_its_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_a_path_inside_the_working_folder_is_shown_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "voices").mkdir()
    path = write(tmp_path / "voices", GOOD.replace("rate = 160", "rate = 1000"), "fr.toml")
    with pytest.raises(ConfigError, match=r"^voices/fr\.toml: rate: "):
        load_profile(path)


def test_an_unreadable_profile_names_its_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml: cannot read"):
        find_profile(str(tmp_path / "nowhere.toml"))


def test_a_voice_the_engine_lacks_is_reported_against_the_profile(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, GOOD.replace('voice = "fr"', 'voice = "martian"')))
    with pytest.raises(ConfigError, match=r"x\.toml: voice: .*no voice named 'martian'"):
        voice_from_profile(profile)


def test_a_profile_built_in_code_is_checked_too() -> None:
    with pytest.raises(ConfigError, match="<profile>: engine: must be one of espeak"):
        VoiceProfile(name="p", engine="festival", language="en", voice="en")
