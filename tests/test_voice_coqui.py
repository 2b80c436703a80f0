"""The coqui voice: a tiny VITS saved here speaks through its profile, is timed, and airs."""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from conftest import NOW, REPO, require_module

from host.avatar.visemes import shape_of, viseme_track
from host.errors import ConfigError
from host.voice.coqui import CoquiVoice
from host.voice.ipa import PAUSE, espeak_mnemonic, timed_phonemes
from host.voice.profile import (
    available_profiles,
    find_profile,
    load_profile,
    voice_from_profile,
)
from hostcast.cli.show import Show, ShowOptions
from stream.encoder import AUDIO_RATE

SAMPLE_RATE = 16000
HOP = 64  # samples per frame of the model's durations: the product of its upsampling
LETTERS = "abcdefghijklmnopqrstuvwxyz"
LINE = "Buy the serum today."


def require_coqui() -> None:
    """Skip when coqui-tts is not installed, with the reason; fail instead when CI is set."""
    for name in ("torch", "TTS"):
        require_module(name, "pip install 'hostcast[coqui]'")


@dataclass(frozen=True)
class TinyVits:
    folder: Path  # config.json + model.pth, as coqui's trainer writes them


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> TinyVits:
    """A VITS with random weights and a few thousand parameters, reading plain letters."""
    require_coqui()
    import torch
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits

    args = VitsArgs(
        hidden_channels=16, hidden_channels_ffn_text_encoder=32, num_heads_text_encoder=2,
        num_layers_text_encoder=1, num_layers_posterior_encoder=1, num_layers_flow=1,
        out_channels=129, resblock_type_decoder="2", resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3]], upsample_rates_decoder=[8, 8],
        upsample_kernel_sizes_decoder=[16, 16], upsample_initial_channel_decoder=16,
        use_sdp=False,  # the deterministic duration predictor: the test can recompute it
        init_discriminator=False,
        length_scale=6.0,  # random weights give about one frame a token: slow it to speech
    )
    audio = BaseAudioConfig(
        sample_rate=SAMPLE_RATE, fft_size=256, win_length=256, hop_length=HOP, num_mels=20
    )
    characters = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters", pad="<PAD>", eos="<EOS>",
        bos="<BOS>", blank="<BLNK>", characters=LETTERS, punctuations="!,.? ", phonemes=None,
        is_unique=False, is_sorted=True,
    )
    config = VitsConfig(
        model_args=args, audio=audio, characters=characters, use_phonemes=False,
        text_cleaner="basic_cleaners", add_blank=True,
    )
    torch.manual_seed(9)
    model = Vits(config)
    folder = tmp_path_factory.mktemp("models") / "tiny-vits"
    folder.mkdir()
    config.save_json(str(folder / "config.json"))
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    return TinyVits(folder)


def write_profile(folder: Path, model: str, extra: str = "", name: str = "tiny.toml") -> Path:
    path = folder / name
    path.write_text(
        f'engine = "coqui"\nlanguage = "en"\nmodel = "{model}"\n{extra}', encoding="utf-8"
    )
    return path


def profile_beside(tiny: TinyVits, extra: str = "") -> Path:
    """A profile in the folder above the model, naming it by a relative path."""
    return write_profile(tiny.folder.parent, tiny.folder.name, extra)


def model_durations(folder: Path, text: str) -> tuple[list[str | None], list[float]]:
    """The tokens and frame counts the saved model gives `text`, computed without Hostcast."""
    import torch
    from TTS.config import load_config
    from TTS.tts.models import setup_model

    config = load_config(str(folder / "config.json"))
    model = setup_model(config)
    model.load_checkpoint(config, str(folder / "model.pth"), eval=True)
    ids = model.tokenizer.text_to_ids(text)
    with torch.inference_mode():
        outputs = model.inference(torch.tensor([ids]))
    characters = model.tokenizer.characters
    tokens = [None if i == characters.blank_id else characters.id_to_char(i) for i in ids]
    return tokens, outputs["durations"].reshape(-1).tolist()


def test_a_tiny_vits_speaks_through_its_profile_with_the_models_timing(tiny_vits: TinyVits) -> None:
    profile = find_profile(str(profile_beside(tiny_vits)))
    assert profile.engine == "coqui" and profile.model == tiny_vits.folder.parent / "tiny-vits"
    voice = voice_from_profile(profile)
    assert isinstance(voice, CoquiVoice) and voice.device in ("cpu", "cuda")
    speech = voice.speak(LINE)
    assert speech.pcm.dtype == np.int16 and speech.pcm.ndim == 1
    assert speech.sample_rate == SAMPLE_RATE
    assert np.abs(speech.pcm).max() > 0

    tokens, frames = model_durations(tiny_vits.folder, LINE)
    assert len(speech.pcm) == sum(frames) * HOP  # every frame is one hop of audio

    phonemes = speech.phonemes
    assert phonemes[0].start == 0 and phonemes[-1].end == pytest.approx(speech.duration)
    for before, after in itertools.pairwise(phonemes):
        assert before.end == pytest.approx(after.start) and after.end > after.start
    # One timed sound per letter, in order, as the espeak phoneme it looks like.
    letters = [c for c in LINE.lower() if c in LETTERS]
    assert [p.value for p in phonemes if p.value != PAUSE] == [
        espeak_mnemonic(c, letters=True) for c in letters
    ]
    # The first letter starts where the model's leading blank ends.
    first = next(p for p in phonemes if p.value != PAUSE)
    assert tokens[0] is None
    assert first.start == pytest.approx(frames[0] * HOP / SAMPLE_RATE)


def test_its_timings_drive_the_mouth(tiny_vits: TinyVits) -> None:
    voice = voice_from_profile(load_profile(profile_beside(tiny_vits)))
    speech = voice.speak("Open wide, mama.")
    track = viseme_track(speech)
    assert track[0].start == 0 and track[-1].end == pytest.approx(speech.duration)
    shapes = {t.value for t in track}
    assert "A" in shapes  # the lips shut for m
    assert shapes & {"C", "D", "E"}  # and open for the vowels


def test_a_segment_built_with_it_renders(tiny_vits: TinyVits, tmp_path: Path) -> None:
    show = Show.open(
        ShowOptions(
            catalog=REPO / "demo" / "catalog.en.json", lang="en",
            voice=str(profile_beside(tiny_vits)), size=(180, 320), at=NOW, opening=False,
        )
    )
    segment = next(show.segments())
    assert segment.speech.sample_rate == AUDIO_RATE  # brought to the stream's rate
    # The tiny model's own timings reach the segment: one sound for each letter it read.
    spoken = [p.value for p in segment.speech.phonemes if p.value != PAUSE]
    read = [c for c in segment.text.lower() if c in LETTERS]
    assert spoken == [espeak_mnemonic(c, letters=True) for c in read]
    assert segment.visemes[-1].end == pytest.approx(segment.speech.duration)
    assert {v.value for v in segment.visemes} - {"X"}

    seconds, fps = 1.5, 30
    states: list[Any] = []
    out = tmp_path / "coqui.mp4"
    report = show.render(out, seconds, on_frame=states.append)
    assert report.frames == len(states) == round(seconds * fps)
    with av.open(str(out)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    with av.open(str(out)) as container:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    assert frames == report.frames
    assert np.abs(audio).max() > 0.001  # the tiny voice is heard
    assert any(s.talking and s.mouth != "X" for s in states)


def test_a_speaker_the_model_lacks_is_refused(tiny_vits: TinyVits) -> None:
    path = profile_beside(tiny_vits, 'speaker = "bob"\n')
    with pytest.raises(ConfigError, match=r"tiny\.toml: speaker: .*has a single speaker"):
        voice_from_profile(load_profile(path))


def test_a_model_that_needs_a_vocoder_is_refused(tiny_vits: TinyVits, tmp_path: Path) -> None:
    folder = tmp_path / "glow"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model": "glow_tts"}), encoding="utf-8")
    (folder / "model.pth").write_bytes((tiny_vits.folder / "model.pth").read_bytes())
    with pytest.raises(ConfigError, match=r"model: .*'glow_tts' model; Hostcast speaks with vits"):
        voice_from_profile(load_profile(write_profile(tmp_path, "glow")))


def test_cuda_is_used_when_there_is_one(tiny_vits: TinyVits) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    voice = voice_from_profile(load_profile(profile_beside(tiny_vits)))
    assert isinstance(voice, CoquiVoice) and voice.device == "cuda"
    assert len(voice.speak(LINE).pcm) > 0


# Set-up errors: these need no coqui-tts, and say which file and field to fix.


def test_a_missing_extra_gives_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.pth").write_bytes(b"")
    for name in ("TTS", "TTS.config", "TTS.tts.models"):
        monkeypatch.setitem(sys.modules, name, None)  # what an install without it looks like
    profile = load_profile(write_profile(tmp_path, "model"))
    with pytest.raises(ConfigError) as caught:
        voice_from_profile(profile)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "tiny.toml"))
    assert "engine: coqui needs the coqui extra" in message
    assert "pip install 'hostcast[coqui]'" in message


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("nothing", "model: no model folder at {folder}"),
        ("file", "model: {folder} is a file"),
        ("empty", "model: no config.json in {folder}"),
        ("config only", "model: no checkpoint (.pth) in {folder}"),
        ("two checkpoints", "model: 2 checkpoints in {folder}"),
    ],
)
def test_a_missing_model_names_the_path_and_field(tmp_path: Path, make: str, expected: str) -> None:
    folder = tmp_path / "voices" / "models" / "mine"
    folder.parent.mkdir(parents=True)
    if make == "file":
        folder.write_text("", encoding="utf-8")
    elif make != "nothing":
        folder.mkdir()
    if make in ("config only", "two checkpoints"):
        (folder / "config.json").write_text("{}", encoding="utf-8")
    if make == "two checkpoints":
        (folder / "a.pth").write_bytes(b"")
        (folder / "b.pth").write_bytes(b"")
    path = write_profile(tmp_path / "voices", "models/mine")
    with pytest.raises(ConfigError) as caught:
        voice_from_profile(load_profile(path))
    assert str(caught.value).startswith(f"{path}: " + expected.format(folder=folder))


def test_a_missing_reference_recording_names_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "xtts"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.pth").write_bytes(b"")
    path = write_profile(tmp_path, "xtts", 'speaker_wav = "me.wav"\n')
    with pytest.raises(ConfigError) as caught:
        voice_from_profile(load_profile(path))
    wav = tmp_path / "me.wav"
    assert str(caught.value) == f"{path}: speaker_wav: no reference recording at {wav}"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('voice = "en"\n', "voice: is a key of the espeak engine; this profile's engine is coqui"),
        ("rate = 160\npitch = 50\n", "pitch, rate: are keys of the espeak engine"),
        ('device = "tpu"\n', "device: must be auto, cpu, cuda or cuda:N, got 'tpu'"),
        ('speaker = ""\n', "speaker: must be a name the model knows, got ''"),
        ("speaker_wav = 3\n", "speaker_wav: must be a path (a string), got 3"),
        ('modl_language = "fr"\n', "modl_language: unknown key, did you mean 'model_language'?"),
    ],
)
def test_a_bad_coqui_profile_names_its_file_and_field(
    tmp_path: Path, extra: str, expected: str
) -> None:
    path = write_profile(tmp_path, "model", extra)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


def test_coqui_paths_are_read_beside_the_profile(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = write_profile(tmp_path / "sub", "../models/x", 'speaker_wav = "refs/me.wav"\n')
    profile = load_profile(path)
    assert profile.model == tmp_path / "sub" / "../models/x"
    assert profile.speaker_wav == tmp_path / "sub" / "refs" / "me.wav"
    assert (profile.device, profile.speaker, profile.model_language) == ("auto", None, None)


def test_the_example_profile_reads_but_is_not_a_bundled_voice() -> None:
    example = REPO / "voices" / "examples" / "coqui-vits.toml"
    profile = load_profile(example)
    assert profile.engine == "coqui" and profile.model == example.parent / "../models/vits-en"
    assert "coqui-vits" not in available_profiles()  # only voices/ itself is looked up


def test_an_espeak_profile_refuses_the_coqui_keys(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text('engine = "espeak"\nlanguage = "en"\nvoice = "en"\nmodel = "m"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"e\.toml: model: is a key of the piper and coqui eng"):
        load_profile(path)


# Token timings to espeak phonemes, on IPA as a phoneme-reading VITS spells it.


def test_ipa_tokens_become_espeak_phonemes_the_mouth_knows() -> None:
    # "hello" as espeak-ng writes it in IPA, with the blank VITS puts between tokens.
    ipa = ["h", "ə", "l", "ˈ", "o", "ʊ", "ː", ","]
    tokens: list[str | None] = [None]
    for symbol in ipa:
        tokens += [symbol, None]
    frames = [2.0] + [4.0, 2.0] * len(ipa)
    timed = timed_phonemes(tokens, frames, 0.01)
    assert [t.value for t in timed] == ["_", "h", "@", "l", "o", "U", "_"]
    assert [shape_of(t.value) for t in timed[1:-1]] == ["B", "C", "H", "F", "F"]
    starts = [round(t.start, 3) for t in timed]
    # A blank is shared by the sounds either side (h ends at 0.07, in the middle of the
    # blank from 0.06 to 0.08); the stress mark's time is the vowel's after it (o starts
    # at 0.19, mid-blank before ˈ); the length mark's is the sound's before it (U lasts
    # until 0.43, mid-blank after ː); the comma is a pause to the end.
    assert starts == [0.0, 0.02, 0.07, 0.13, 0.19, 0.31, 0.43]
    assert timed[-1].end == pytest.approx(sum(frames) * 0.01)


def test_no_tokens_no_timings() -> None:
    assert timed_phonemes([None, None], [3.0, 2.0], 0.01) == ()
    with pytest.raises(ValueError, match="2 tokens but 1 durations"):
        timed_phonemes(["a", None], [1.0], 0.01)
