"""One set of show options: every flag of render and stream is a channel key, checked once."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO

from host.errors import ConfigError
from hostcast.cli import build_parser, main
from hostcast.cli.show_flags import LIVE_SETTINGS, read_show
from hostcast.cli.writer_setup import writer_from
from hostcast.daemon.programmes import ProgrammeShows
from hostcast.environment import Environment
from hostcast.programme import PROGRAMME_KEYS
from hostcast.schedule import InvalidConfigError, load_config
from hostcast.show_settings import SETTINGS, ShowSettings
from hostcast.writer_choice import WriterChoice

NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
FR = REPO / "demo" / "catalog.fr.json"
CHANNEL = f"""
[[channel]]
name = "beauty"
catalog = "{FR}"
"""


def flags_of(command: str) -> set[str]:
    parser = build_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {flag for action in sub.choices[command]._actions for flag in action.option_strings}


@pytest.mark.parametrize("command", ["render", "stream"])
def test_every_show_option_is_a_flag_and_a_key(command: str) -> None:
    flags = flags_of(command)
    live = command == "stream"
    settings = {s.flag for s in SETTINGS if live or s.key not in LIVE_SETTINGS}
    assert settings <= flags
    assert {"--" + key for key in PROGRAMME_KEYS} <= flags
    if not live:
        assert not {"--lookahead", "--barge-in"} & flags


def test_a_channel_takes_every_setting_as_a_key_and_its_shows_use_them(tmp_path: Path) -> None:
    path = tmp_path / "hostcast.toml"
    path.write_text(CHANNEL + """
size = "360x640"
fps = 25
seed = 7
currency = "eur"
preset = "ultrafast"
fallback_voice = "fr"
llm_deadline = 1.5
api_key_env = "SHOP_LLM_KEY"
pitch_cache = "state/pitches.sqlite"
audit_log = "state/refused.jsonl"
lookahead = 12
barge_in = "sentence"
chat_feed = "comments.jsonl"
""", encoding="utf-8")
    config = load_config(path, now=NOW)
    (channel,) = config.channels
    assert channel.settings == ShowSettings(
        size=(360, 640), fps=25, seed=7, currency="EUR",
        fallback_voice=("fr",), preset="ultrafast", llm_deadline=1.5, api_key_env="SHOP_LLM_KEY",
        pitch_cache=tmp_path / "state" / "pitches.sqlite",
        audit_log=tmp_path / "state" / "refused.jsonl", lookahead=12.0, barge_in="sentence",
        chat_feed=tmp_path / "comments.jsonl",
    )
    assert (channel.size, channel.fps) == ((360, 640), 25)
    shows = ProgrammeShows(channel, config, clock=lambda: NOW)
    try:
        show = shows.get(channel.programme, channel, config)
        assert show.settings.preset == "ultrafast"
        assert (show.settings.width, show.settings.height, show.settings.fps) == (360, 640, 25)
        assert show.seed == 7
        assert show.guard.audit is not None and show.guard.audit.path == channel.settings.audit_log
    finally:
        shows.close()


def test_the_flags_give_the_same_options_as_the_keys(tmp_path: Path) -> None:
    values: dict[str, str | int] = {
        "size": "360x640", "fps": 25, "seed": 7, "currency": "eur", "preset": "ultrafast",
        "lookahead": 12, "barge_in": "sentence", "style": "calm", "lang": "fr",
    }
    flags = [part for key, value in values.items()
             for part in ("--" + key.replace("_", "-"), str(value))]
    args = build_parser("stream").parse_args(["stream", "--catalog", str(FR), *flags])
    programme, settings, _ = read_show(args, args.catalog)
    path = tmp_path / "hostcast.toml"
    keys = "".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in values.items())
    path.write_text(CHANNEL + keys, encoding="utf-8")
    (channel,) = load_config(path, now=NOW).channels
    assert settings == channel.settings
    assert programme == channel.programme


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("size", "720x720", "unsupported frame size 720x720"),
        ("fps", "0", "must be between 1 and 60, got 0"),
        ("currency", "EURO", "'EURO' is not an ISO 4217 currency code"),
        ("voice", "en", "profile 'en' speaks 'en', the script is in 'fr'"),
        ("style", "shouty", "unknown style 'shouty'"),
        ("writer", "gpt", "unknown writer 'gpt'"),
        ("avatar", "nobody", "no avatar pack named 'nobody'"),
        ("lang", "de", "unsupported language 'de'"),
        ("barge_in", "never", "'never': one of word, sentence, next"),
    ],
)
def test_a_bad_value_gets_one_message_named_by_its_flag_or_its_key(
    tmp_path: Path, flag: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dashed = "--" + flag.replace("_", "-")
    argv = ["stream", "--catalog", str(FR), "--no-preview", "--duration", "1", dashed, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{dashed}: " in err and message in err, err
    path = tmp_path / "hostcast.toml"
    toml_value = value if flag == "fps" else f'"{value}"'
    path.write_text(CHANNEL + f"{flag} = {toml_value}\n", encoding="utf-8")
    with pytest.raises(InvalidConfigError) as caught:
        load_config(path, now=NOW)
    (problem,) = caught.value.problems
    assert f"channel[beauty].{flag}: " in problem and message in problem, problem


def test_every_bad_flag_is_named_at_once() -> None:
    args = build_parser("render").parse_args(
        ["render", "--catalog", str(FR), "--out", "x.mp4", "--preset", "turbo",
         "--llm-deadline", "0", "--voice", "en"])
    with pytest.raises(ConfigError, match=r"--preset: 'turbo' .*; --llm-deadline: between .*; "
                       r"--voice: profile 'en' speaks 'en'"):
        read_show(args, args.catalog)


def test_the_api_key_comes_from_the_environment_read_at_the_edge() -> None:
    env = Environment.read({"SHOP_KEY": "sk-secret", "HOSTCAST_TOKEN": "op-secret"})
    assert env.operator_token == "op-secret"
    options = writer_from(WriterChoice("openai", "http://127.0.0.1:9", "m"),
                          ShowSettings(api_key_env="SHOP_KEY"), env)
    assert options.api_key == "sk-secret"
    assert "secret" not in repr(options) + repr(env)
    with pytest.raises(ValueError, match=r"environment variable NOPE .* is unset"):
        writer_from(WriterChoice("openai", "http://127.0.0.1:9", "m"),
                    ShowSettings(api_key_env="NOPE"), env)
    # The templates need no key, so a variable named for a later model is not required yet.
    assert writer_from(WriterChoice(), ShowSettings(api_key_env="NOPE"), env).api_key is None


def test_fallback_voices_are_a_chain_in_the_order_given(tmp_path: Path) -> None:
    path = tmp_path / "hostcast.toml"
    path.write_text(CHANNEL + 'fallback_voice = ["fr", "fr"]\n', encoding="utf-8")
    (channel,) = load_config(path, now=NOW).channels
    assert channel.settings.fallback_voice == ("fr", "fr")
    args = build_parser("render").parse_args(
        ["render", "--catalog", str(FR), "--out", "x.mp4", "--fallback-voice", "fr,fr"])
    assert read_show(args, args.catalog)[1].fallback_voice == ("fr", "fr")
    # A fallback in another language than a slot's programme is named at the channel's key.
    path.write_text(CHANNEL + f"""fallback_voice = "fr"
[[channel.slot]]
name = "evening"
days = "daily"
start = "18:00"
end = "20:00"
catalog = "{REPO / 'demo' / 'catalog.en.json'}"
""", encoding="utf-8")
    with pytest.raises(InvalidConfigError) as caught:
        load_config(path, now=NOW)
    (problem,) = caught.value.problems
    assert "channel[beauty].fallback_voice: profile 'fr' speaks 'fr', the script is in 'en'" \
        in problem
