"""The show options that both `hostcast render|stream` flags and a daemon channel set.

One table: each option's config key, its flag (the key with dashes), its help and the
one function that checks it. The CLI adds its flags from the table and the config
reader reads a channel's keys with it, so every such option is both a flag and a key,
is checked once, and an error names the flag (`--llm-deadline: ...`) or the key
(`hostcast.toml: channel[shop].llm_deadline: ...`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from host.catalog.model import Product
from host.errors import ConfigError
from host.script import spoken

X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow")
DEFAULT_DEADLINE = 3.0
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class ShowSettings:
    """How a channel's shows are voiced, encoded and written, whatever programme airs."""

    fallback_voice: str | None = None  # None: the language's espeak voice behind coqui
    preset: str = "veryfast"
    llm_deadline: float = DEFAULT_DEADLINE  # seconds a model may take for one kind of line
    api_key_env: str | None = None  # the variable holding the model server's key
    pitch_cache: Path | None = None  # SQLite file of model answers
    audit_log: Path | None = None  # JSON lines of every line the guard refused


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, got {value!r}")
    return value.strip()


def _preset(value: object) -> str:
    text = _text(value)
    if text not in X264_PRESETS:
        raise ValueError(f"{text!r} is not an x264 preset: one of {', '.join(X264_PRESETS)}")
    return text


def _deadline(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be a number of seconds, got {value!r}")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"must be a number of seconds, got {value!r}") from None
    if not 0 < seconds <= 120:
        raise ValueError(f"between 0 and 120 s, got {value}")
    return seconds


def _env_name(value: object) -> str:
    text = _text(value)
    if not _ENV_NAME.fullmatch(text):
        raise ValueError(f"{text!r} is not an environment variable name (the key itself "
                         "never goes in a file or on the command line)")
    return text


def _path(value: object) -> Path:
    return Path(_text(value)).expanduser()


@dataclass(frozen=True)
class Setting:
    key: str
    check: Callable[[object], Any]
    metavar: str
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")


SETTINGS = (
    Setting("fallback_voice", _text, "VOICE",
            "voice profile that speaks when the voice fails or is slower than real time "
            "(default: the language's espeak voice behind a coqui one; 'none' for none)"),
    Setting("preset", _preset, "PRESET", "x264 preset: speed against size (veryfast)"),
    Setting("llm_deadline", _deadline, "S",
            f"seconds a model may take before the templates fill in ({DEFAULT_DEADLINE:g})"),
    Setting("api_key_env", _env_name, "VAR",
            "environment variable holding the model server's API key"),
    Setting("pitch_cache", _path, "FILE",
            "SQLite file keeping model pitches across restarts (default: none)"),
    Setting("audit_log", _path, "FILE", "append every line the guard refused, as JSON lines"),
)
KEYS = tuple(setting.key for setting in SETTINGS)
assert tuple(f.name for f in fields(ShowSettings)) == KEYS


def read_settings(
    values: Mapping[str, object],
    name: Callable[[Setting], str],
    *,
    relative_to: Path | None = None,
) -> tuple[ShowSettings, list[str]]:
    """The settings given in `values` (absent or None: the default), and every problem.

    Each problem starts with `name(setting)`: the flag, or the config key with its place.
    Paths are taken relative to `relative_to` (a config file's folder) when given.
    """
    found: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        value = values.get(setting.key)
        if value is None:
            continue
        try:
            checked = setting.check(value)
        except ValueError as exc:
            problems.append(f"{name(setting)}: {exc}")
            continue
        if isinstance(checked, Path) and relative_to is not None and not checked.is_absolute():
            checked = relative_to / checked
        found[setting.key] = checked
    return ShowSettings(**found), problems


def add_flags(parser: Any, keys: tuple[str, ...]) -> None:
    """Add the flags of the settings `keys` to an argparse parser or argument group."""
    for setting in SETTINGS:
        if setting.key in keys:
            parser.add_argument(setting.flag, metavar=setting.metavar, help=setting.help)


def settings_from_args(args: Any) -> ShowSettings:
    """The settings given as flags (argparse's namespace); ConfigError naming each flag."""
    values = {key: getattr(args, key, None) for key in KEYS}
    settings, problems = read_settings(values, lambda setting: setting.flag)
    if problems:
        raise ConfigError("; ".join(problems))
    return settings


def show_language(requested: str | None, products: Sequence[Product]) -> str:
    """The language asked for, else the catalog's (its first product that says), else English.

    ValueError when the one asked for is not spoken; the caller names the flag or key.
    """
    if requested is not None:
        return spoken.check_lang(requested)
    for product in products:
        if product.content_language:
            try:
                return spoken.check_lang(product.content_language)
            except ValueError:
                break
    return "en"
