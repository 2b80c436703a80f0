"""Voice profiles: a small TOML file in voices/ says which engine speaks, and how."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from host import paths
from host.errors import ConfigError, VoiceError
from host.paths import shown
from host.toml_errors import toml_message
from host.voice.coqui import DEVICES, CoquiVoice
from host.voice.espeak import PITCH_RANGE, RATE_RANGE, VOLUME_RANGE, EspeakVoice
from host.voice.loading import LoadingVoice
from host.voice.piper import LENGTH_SCALE_RANGE, THREADS_RANGE, PiperFiles, PiperVoice
from host.voice.speech import Voice

ENGINES = ("espeak", "piper", "coqui")
_REQUIRED = {
    "espeak": ("engine", "language", "voice"),
    "piper": ("engine", "language"),
    "coqui": ("engine", "language", "model"),
}
_DEFAULTS: dict[str, dict[str, Any]] = {
    "espeak": {"rate": 160, "pitch": 50, "volume": 100},
    "piper": {"threads": 1},
    "coqui": {"device": "auto"},
}
_OPTIONAL = {
    "espeak": (),
    "piper": ("model", "package", "config", "phonemizer", "speaker", "length_scale"),
    "coqui": ("model_language", "speaker", "speaker_wav"),
}
_PATHS = ("model", "config", "speaker_wav")  # written relative to the profile's own folder
_PIPER_ONLY = ("package", "config", "phonemizer", "length_scale")
_PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class VoiceProfile:
    """A validated voice profile: which engine, which of its voices, and how it speaks."""

    name: str  # the file's stem: "fr" for voices/fr.toml
    engine: str
    language: str  # the script language it serves
    voice: str = ""  # espeak: the engine's own name for the voice
    rate: int = _DEFAULTS["espeak"]["rate"]  # espeak: words per minute
    pitch: int = _DEFAULTS["espeak"]["pitch"]
    volume: int = _DEFAULTS["espeak"]["volume"]
    source: str = "<profile>"  # where it was read from, for error messages
    model: Path | None = None  # coqui: the folder with config.json and the checkpoint
    model_language: str | None = None  # coqui: the model's name for the language, if not ours
    speaker: str | None = None  # coqui: a speaker of a multi-speaker model
    speaker_wav: Path | None = None  # coqui: a recording of the voice an XTTS model clones
    device: str = "auto"  # coqui: auto (CUDA when there is one), cpu, cuda or cuda:N
    package: str | None = None  # piper: an installed voice package that holds the model
    config: Path | None = None  # piper: the model's .onnx.json, if not next to it
    phonemizer: str | None = None  # piper: espeak-ng's voice for its phonemes, if not its own
    length_scale: float | None = None  # piper: > 1 speaks slower
    threads: int = 1  # piper: inference threads

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            self._fail("engine", f"must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if not isinstance(self.language, str) or not _LANGUAGE.fullmatch(self.language):
            self._fail(
                "language", f"must be a language code like 'en' or 'fr', got {self.language!r}"
            )
        if self.engine == "coqui":
            self._check_coqui()
            return
        if self.engine == "piper":
            self._check_piper()
            return
        if not isinstance(self.voice, str) or not self.voice.strip():
            self._fail("voice", f"must name one of the engine's voices, got {self.voice!r}")
        self._whole("rate", self.rate, RATE_RANGE, " of words per minute")
        self._whole("pitch", self.pitch, PITCH_RANGE, "")
        self._whole("volume", self.volume, VOLUME_RANGE, "")
        for field in ("model", "model_language", "speaker", "speaker_wav", *_PIPER_ONLY):
            if getattr(self, field) is not None:
                self._fail(field, "is not a key of the espeak engine")

    def _check_piper(self) -> None:
        if self.voice:
            self._fail("voice", "is a key of the espeak engine; a piper profile names a model")
        if (self.model is None) == (self.package is None):
            self._fail("model", "name either the .onnx file (model) or a voice package (package)")
        if self.model is not None and not isinstance(self.model, Path):
            self._fail("model", f"must be the path of a .onnx file, got {self.model!r}")
        if self.package is not None and (
            not isinstance(self.package, str) or not _PACKAGE.fullmatch(self.package)
        ):
            self._fail("package", f"must be a Python package name, got {self.package!r}")
        if self.config is not None and not isinstance(self.config, Path):
            self._fail("config", f"must be the path of a .onnx.json file, got {self.config!r}")
        if self.phonemizer is not None and (
            not isinstance(self.phonemizer, str) or not _LANGUAGE.fullmatch(self.phonemizer)
        ):
            self._fail("phonemizer", f"must be an espeak-ng voice like 'fr', got "
                       f"{self.phonemizer!r}")
        if self.speaker is not None and (not isinstance(self.speaker, str) or not self.speaker):
            self._fail("speaker", f"must be a name the model knows, got {self.speaker!r}")
        if self.length_scale is not None:
            low, high = LENGTH_SCALE_RANGE
            scale = self.length_scale
            if isinstance(scale, bool) or not isinstance(scale, int | float) or not (
                low <= scale <= high
            ):
                self._fail("length_scale", f"must be a number from {low} to {high}, got {scale!r}")
        self._whole("threads", self.threads, THREADS_RANGE, " of threads")
        for field in ("model_language", "speaker_wav"):
            if getattr(self, field) is not None:
                self._fail(field, "is a key of the coqui engine; this profile's engine is piper")

    def _check_coqui(self) -> None:
        if self.voice:
            self._fail("voice", "is a key of the espeak engine; a coqui profile names a model")
        if not isinstance(self.model, Path):
            self._fail("model", f"must be the path of a model folder, got {self.model!r}")
        if self.speaker_wav is not None and not isinstance(self.speaker_wav, Path):
            self._fail("speaker_wav", f"must be the path of a WAV file, got {self.speaker_wav!r}")
        for field in ("model_language", "speaker"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                self._fail(field, f"must be a name the model knows, got {value!r}")
        if not isinstance(self.device, str) or not DEVICES.fullmatch(self.device):
            self._fail("device", f"must be auto, cpu, cuda or cuda:N, got {self.device!r}")

    def _whole(self, field: str, value: object, bounds: tuple[int, int], unit: str) -> None:
        low, high = bounds
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self._fail(
                field, f"must be a whole number{unit} between {low} and {high}, got {value!r}"
            )

    def _fail(self, field: str, message: str) -> None:
        raise ConfigError(f"{self.source}: {field}: {message}")


def load_profile(path: Path | str) -> VoiceProfile:
    """Read and check one profile file."""
    path = Path(path)
    source = shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read the voice profile: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {toml_message(exc)}") from None
    engine = data.get("engine")
    if engine is None:
        raise ConfigError(f"{source}: engine: missing")
    if not isinstance(engine, str) or engine not in ENGINES:
        raise ConfigError(
            f"{source}: engine: must be one of {', '.join(ENGINES)}, got {engine!r}"
        )
    known = _keys(engine)
    strays = sorted(set(data) - set(known))
    unknown = [_unknown_key(key, known) for key in strays if not _owners(key)]
    by_owners: dict[tuple[str, ...], list[str]] = {}
    for key in strays:
        if _owners(key):
            by_owners.setdefault(_owners(key), []).append(key)
    for owners, theirs in by_owners.items():
        engines = " and ".join(owners)
        unknown.append(
            f"{', '.join(theirs)}: {'is a key' if len(theirs) == 1 else 'are keys'} of the "
            f"{engines} engine{'s' if len(owners) > 1 else ''}; this profile's engine is {engine}"
        )
    if unknown:
        raise ConfigError(f"{source}: " + "; ".join(unknown))
    for key in _REQUIRED[engine]:
        if key not in data:
            raise ConfigError(f"{source}: {key}: missing")
    values: dict[str, Any] = {**_DEFAULTS[engine], **data}
    for key in _PATHS:
        if key in values:
            values[key] = _beside(path, key, values[key], source)
    return VoiceProfile(name=path.stem, source=source, **values)


def find_profile(name_or_path: str) -> VoiceProfile:
    """A profile by path to a .toml file, or by name among the bundled voices/."""
    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        return load_profile(Path(name_or_path))
    path = paths.voices_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        names = ", ".join(available_profiles()) or "none"
        raise ConfigError(f"no voice profile named {name_or_path!r} (available: {names})")
    return load_profile(path)


def available_profiles() -> list[str]:
    """The names of the bundled profiles, sorted."""
    folder = paths.voices_dir()
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def voice_from_profile(profile: VoiceProfile) -> Voice:
    """The engine's voice that a profile describes: ready to speak, or (piper) loading in
    the background, so that the show opens at once on its fallback voice."""
    if profile.engine == "piper":
        return _shared_piper(profile)
    if profile.engine == "espeak":
        try:
            return EspeakVoice(
                profile.language,
                voice=profile.voice,
                rate=profile.rate,
                pitch=profile.pitch,
                volume=profile.volume,
            )
        except VoiceError as exc:
            raise ConfigError(f"{profile.source}: voice: {exc}") from None
    if profile.engine == "coqui" and profile.model is not None:
        try:
            return CoquiVoice(
                profile.model,
                model_language=profile.model_language or profile.language,
                speaker=profile.speaker,
                speaker_wav=profile.speaker_wav,
                device=profile.device,
            )
        except VoiceError as exc:  # its messages start with the field they are about
            raise ConfigError(f"{profile.source}: {exc}") from None
    raise ConfigError(
        f"{profile.source}: engine: must be one of {', '.join(ENGINES)}, got {profile.engine!r}"
    )


_PIPER_VOICES: dict[VoiceProfile, LoadingVoice] = {}


def _shared_piper(profile: VoiceProfile) -> LoadingVoice:
    """One loaded model per profile in a process: a channel's programmes, and the shows a
    daemon reopens at each slot, share it (it speaks one line at a time). A load that
    failed is tried again: the file may have been fixed since."""
    voice = _PIPER_VOICES.get(profile)
    if voice is None or voice.error is not None:
        voice = LoadingVoice(lambda: _piper_voice(profile), f"Piper voice {profile.name!r}")
        _PIPER_VOICES[profile] = voice
    return voice


def _piper_voice(profile: VoiceProfile) -> PiperVoice:
    try:
        files = PiperFiles.find(profile.model, profile.config, profile.package)
        return PiperVoice(
            files, phonemizer=profile.phonemizer, speaker=profile.speaker,
            length_scale=profile.length_scale, threads=profile.threads,
        )
    except VoiceError as exc:  # its messages start with the field they are about
        raise VoiceError(f"{profile.source}: {exc}") from None


def _keys(engine: str) -> tuple[str, ...]:
    return (*_REQUIRED[engine], *_DEFAULTS[engine], *_OPTIONAL[engine])


def _owners(key: str) -> tuple[str, ...]:
    """The engines that have `key`, when not every engine has it."""
    owners = tuple(e for e in ENGINES if key in _keys(e))
    return owners if len(owners) < len(ENGINES) else ()


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"the keys are {', '.join(known)}"
    return f"{key}: unknown key, {hint}"


def _beside(profile: Path, key: str, value: object, source: str) -> Path:
    """A path from the profile, relative to the folder the profile is in."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{source}: {key}: must be a path (a string), got {value!r}")
    return profile.parent / Path(value).expanduser()



