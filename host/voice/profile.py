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
from host.voice.espeak import PITCH_RANGE, RATE_RANGE, VOLUME_RANGE, EspeakVoice
from host.voice.speech import Voice

ENGINES = ("espeak",)
_REQUIRED = ("engine", "language", "voice")
_DEFAULTS = {"rate": 160, "pitch": 50, "volume": 100}
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class VoiceProfile:
    """A validated voice profile: which engine, which of its voices, at what rate and pitch."""

    name: str  # the file's stem: "fr" for voices/fr.toml
    engine: str
    language: str  # the script language it serves
    voice: str  # the engine's own name for the voice
    rate: int = _DEFAULTS["rate"]  # words per minute
    pitch: int = _DEFAULTS["pitch"]
    volume: int = _DEFAULTS["volume"]
    source: str = "<profile>"  # where it was read from, for error messages

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            self._fail("engine", f"must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if not isinstance(self.language, str) or not _LANGUAGE.fullmatch(self.language):
            self._fail(
                "language", f"must be a language code like 'en' or 'fr', got {self.language!r}"
            )
        if not isinstance(self.voice, str) or not self.voice.strip():
            self._fail("voice", f"must name one of the engine's voices, got {self.voice!r}")
        self._whole("rate", self.rate, RATE_RANGE, " of words per minute")
        self._whole("pitch", self.pitch, PITCH_RANGE, "")
        self._whole("volume", self.volume, VOLUME_RANGE, "")

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
    source = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read the voice profile: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {_toml_message(exc)}") from None
    known = (*_REQUIRED, *_DEFAULTS)
    unknown = [_unknown_key(key, known) for key in sorted(set(data) - set(known))]
    if unknown:
        raise ConfigError(f"{source}: " + "; ".join(unknown))
    for key in _REQUIRED:
        if key not in data:
            raise ConfigError(f"{source}: {key}: missing")
    values: dict[str, Any] = {**_DEFAULTS, **data}
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
    raise ConfigError(
        f"{profile.source}: engine: must be one of {', '.join(ENGINES)}, got {profile.engine!r}"
    )


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"the keys are {', '.join(known)}"
    return f"{key}: unknown key, {hint}"


def _shown(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    # tomllib ends its messages with "(at line 3, column 7)"; lead with the line instead.
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if found:
        return f"line {found.group(1)}: {message[: found.start()]}"
    if "(at end of document)" in message:
        return f"end of file: {message.replace(' (at end of document)', '')}"
    return message
