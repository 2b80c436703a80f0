"""One table of show settings: each is a flag of render and stream and a channel key."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO

from host.errors import ConfigError
from hostcast.cli import build_parser
from hostcast.daemon.programmes import ProgrammeShows
from hostcast.schedule import InvalidConfigError, load_config
from hostcast.show_settings import SETTINGS, ShowSettings, settings_from_args

NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
CHANNEL = f"""
[[channel]]
name = "beauty"
catalog = "{REPO / 'demo' / 'catalog.fr.json'}"
"""


def flags_of(command: str) -> set[str]:
    parser = build_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {flag for action in sub.choices[command]._actions for flag in action.option_strings}


@pytest.mark.parametrize("command", ["render", "stream"])
def test_every_setting_is_a_flag_of_the_command(command: str) -> None:
    assert {s.flag for s in SETTINGS} <= flags_of(command)


def test_a_channel_takes_every_setting_as_a_key_and_its_shows_use_them(tmp_path: Path) -> None:
    path = tmp_path / "hostcast.toml"
    path.write_text(CHANNEL + """
preset = "ultrafast"
fallback_voice = "fr"
llm_deadline = 1.5
api_key_env = "SHOP_LLM_KEY"
pitch_cache = "state/pitches.sqlite"
audit_log = "state/refused.jsonl"
""", encoding="utf-8")
    config = load_config(path, now=NOW)
    (channel,) = config.channels
    assert channel.settings == ShowSettings(
        fallback_voice="fr", preset="ultrafast", llm_deadline=1.5, api_key_env="SHOP_LLM_KEY",
        pitch_cache=tmp_path / "state" / "pitches.sqlite",
        audit_log=tmp_path / "state" / "refused.jsonl",
    )
    shows = ProgrammeShows(channel, config, clock=lambda: NOW, seed=0)
    try:
        show = shows.get(channel.programme, channel, config)
        assert show.settings.preset == "ultrafast"
        assert show.guard.audit is not None and show.guard.audit.path == channel.settings.audit_log
    finally:
        shows.close()


def test_a_bad_setting_is_named_by_its_key_or_its_flag(tmp_path: Path) -> None:
    path = tmp_path / "hostcast.toml"
    path.write_text(CHANNEL + 'preset = "turbo"\nllm_deadline = 0\n', encoding="utf-8")
    with pytest.raises(InvalidConfigError) as caught:
        load_config(path, now=NOW)
    assert [p.split(": ", 2)[1] for p in caught.value.problems] == [
        "channel[beauty].preset", "channel[beauty].llm_deadline"]
    args = argparse.Namespace(preset="turbo", llm_deadline="0")
    with pytest.raises(ConfigError, match=r"--preset: 'turbo' .*; --llm-deadline: between"):
        settings_from_args(args)
