"""The show settings that both `hostcast render|stream` flags and a daemon channel set.

One table: each setting's config key, its flag (the key with dashes), its help and the
one function that checks it. (What a show pitches, and in whose voice and face, is its
programme: `hostcast.programme`.) The CLI adds its flags from the table and the config
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

from babel.numbers import list_currencies

from host.catalog.model import Product
from host.compose.layout import layout_for
from host.script import spoken
from hostcast.chat.specs import ChatSpec, parse_chat_setting

X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow")
DEFAULT_DEADLINE = 3.0
BARGE_IN_MODES = ("word", "sentence", "next")  # where a viewer's answer cuts into a line
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class ShowSettings:
    """How a channel's shows are drawn, voiced, encoded and written, whatever programme airs."""

    size: tuple[int, int] = (720, 1280)
    fps: int = 30
    seed: int = 0  # of the lines' variants and the presenter's motion
    currency: str | None = None  # of prices a catalog writes without one
    # Voices behind the show's, tried in order; None: the language's espeak voice behind a
    # neural one; (): none.
    fallback_voice: tuple[str, ...] | None = None
    preset: str = "veryfast"
    llm_deadline: float = DEFAULT_DEADLINE  # seconds a model may take for one kind of line
    api_key_env: str | None = None  # the variable holding the model server's key
    pitch_cache: Path | None = None  # SQLite file of model answers
    audit_log: Path | None = None  # JSON lines of every line the guard refused
    lookahead: float = 30.0  # seconds of lines prepared ahead of air
    barge_in: str = "word"  # where a viewer's answer cuts in
    chat_feed: Path | None = None  # viewers' comments as JSON lines, from a file or a FIFO
    chat: tuple[ChatSpec, ...] = ()  # the platforms' chats read: YouTube, Twitch, IRC, webhooks
    music: Path | None = None  # an audio file looped under the programme, ducked under speech


def _size(value: object) -> tuple[int, int]:
    text = _text(value)
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"{text!r} is not WIDTHxHEIGHT, e.g. 720x1280") from None
    layout_for(width, height)  # ValueError names the sizes there are layouts for
    return width, height


def _whole(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}, got {value}")
        return value

    return check


def _seconds(low: float, high: float) -> Callable[[object], float]:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"must be a number of seconds, got {value!r}")
        try:
            seconds = float(value)
        except ValueError:
            raise ValueError(f"must be a number of seconds, got {value!r}") from None
        if not low < seconds <= high:
            raise ValueError(f"between {low:g} and {high:g} s, got {value}")
        return seconds

    return check


def _currency(value: object) -> str:
    code = _text(value).upper()
    if code not in list_currencies():
        raise ValueError(f"{code!r} is not an ISO 4217 currency code, e.g. EUR or USD")
    return code


def _voices(value: object) -> tuple[str, ...]:
    """`a,b` on the command line, ["a", "b"] or "a" in a file; "none" for no fallback."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise ValueError(f'must be a voice, "a,b" or a list of voices, got {value!r}')
    names = tuple(_text(item) for item in items)
    if "none" in names:
        if len(names) > 1:
            raise ValueError(f"'none' means no fallback voice; it cannot be one of {names}")
        return ()
    return names


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, got {value!r}")
    return value.strip()


def _one_of(choices: tuple[str, ...], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _text(value)
        if text not in choices:
            raise ValueError(f"{text!r}{what}: one of {', '.join(choices)}")
        return text

    return check


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
    repeated: bool = False  # a flag given once per value; a list in a config file

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")


SETTINGS = (
    Setting("size", _size, "WxH", "720x1280 (default) or 1280x720, or either scaled"),
    Setting("fps", _whole(1, 60), "N", "frames per second (30)"),
    Setting("seed", _whole(0, 2**31 - 1), "N", "seed of the lines' variants and motion (0)"),
    Setting("currency", _currency, "CODE", "currency of prices written without one"),
    Setting("fallback_voice", _voices, "VOICE[,VOICE]",
            "voice profiles that speak, in this order, when the voice fails or is slower "
            "than real time (default: the language's espeak voice behind a neural one; "
            "'none' for none)"),
    Setting("preset", _one_of(X264_PRESETS, " is not an x264 preset"), "PRESET",
            "x264 preset: speed against size (veryfast)"),
    Setting("llm_deadline", _seconds(0, 120), "S",
            f"seconds a model may take before the templates fill in ({DEFAULT_DEADLINE:g})"),
    Setting("api_key_env", _env_name, "VAR",
            "environment variable holding the model server's API key"),
    Setting("pitch_cache", _path, "FILE",
            "SQLite file keeping model pitches across restarts (default: none)"),
    Setting("audit_log", _path, "FILE", "append every line the guard refused, as JSON lines"),
    Setting("lookahead", _seconds(0, 600), "S", "seconds of lines prepared ahead of air (30)"),
    Setting("barge_in", _one_of(BARGE_IN_MODES, ""), "MODE",
            "where a viewer's answer cuts in: at the next word (default) or sentence end of "
            "the line airing, or after it (next)"),
    Setting("chat_feed", _path, "PATH",
            'viewers\' comments from a JSON-lines file or FIFO: one {"name": ..., "text": ...} '
            "a line"),
    Setting("chat", parse_chat_setting, "SPEC",
            "read a platform's chat, repeatable: twitch:#CHANNEL, irc://HOST:PORT/#CHANNEL "
            "(ircs:// for TLS), youtube:video=ID or youtube:chat=ID or youtube:mine, "
            "webhook:SOURCE; options follow as ,key=value (token_env=VAR, key_env=VAR, "
            "secret_env=VAR, nick=NAME, ignore=NAMES...)", repeated=True),
    Setting("music", _path, "FILE",
            "an audio file (MP3, WAV, FLAC, OGG...) looped under the programme as a bed, "
            "8 LU under it, and 13 dB lower still under speech"),
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
            parser.add_argument(setting.flag, metavar=setting.metavar, help=setting.help,
                                action="append" if setting.repeated else "store")


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
