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
from host.voice.speech import Voice

ENGINES = ("espeak", "coqui")
_REQUIRED = {"espeak": ("engine", "language", "voice"), "coqui": ("engine", "language", "model")}
_DEFAULTS: dict[str, dict[str, Any]] = {
    "espeak": {"rate": 160, "pitch": 50, "volume": 100},
    "coqui": {"device": "auto"},
}
_OPTIONAL = {"espeak": (), "coqui": ("model_language", "speaker", "speaker_wav")}
_PATHS = ("model", "speaker_wav")  # written relative to the profile's own folder
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
        if not isinstance(self.voice, str) or not self.voice.strip():
            self._fail("voice", f"must name one of the engine's voices, got {self.voice!r}")
        self._whole("rate", self.rate, RATE_RANGE, " of words per minute")
        self._whole("pitch", self.pitch, PITCH_RANGE, "")
        self._whole("volume", self.volume, VOLUME_RANGE, "")
        for field in ("model", "model_language", "speaker", "speaker_wav"):
            if getattr(self, field) is not None:
                self._fail(field, "is a key of the coqui engine; this profile's engine is espeak")

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
    if engine not in ENGINES:
        raise ConfigError(
            f"{source}: engine: must be one of {', '.join(ENGINES)}, got {engine!r}"
        )
    known = (*_REQUIRED[engine], *_DEFAULTS[engine], *_OPTIONAL[engine])
    strays = sorted(set(data) - set(known))
    unknown = [_unknown_key(key, known) for key in strays if _engine_of(key) is None]
    for other in ENGINES:
        theirs = [key for key in strays if _engine_of(key) == other]
        if theirs:
            unknown.append(
                f"{', '.join(theirs)}: {'is a key' if len(theirs) == 1 else 'are keys'} of the "
                f"{other} engine; this profile's engine is {engine}"
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
    """The engine's voice that a profile describes, ready to speak."""
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


def _engine_of(key: str) -> str | None:
    """The engine whose own key this is (not one every engine has), if any."""
    owners = [e for e in ENGINES if key in (*_REQUIRED[e], *_DEFAULTS[e], *_OPTIONAL[e])]
    return owners[0] if len(owners) == 1 else None


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"the keys are {', '.join(known)}"
    return f"{key}: unknown key, {hint}"


def _beside(profile: Path, key: str, value: object, source: str) -> Path:
    """A path from the profile, relative to the folder the profile is in."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{source}: {key}: must be a path (a string), got {value!r}")
    return profile.parent / Path(value).expanduser()



