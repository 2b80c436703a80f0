"""`--chat` specs and `[[channel.chat]]` tables: what they read, and what they refuse by name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO

from hostcast.chat.irc import TWITCH_HOST, TWITCH_TLS_PORT, IrcChat
from hostcast.chat.platform_chats import PlatformChats
from hostcast.chat.specs import parse_chat_setting, parse_spec
from hostcast.chat.state import chat_summary
from hostcast.schedule import InvalidConfigError, load_config
from hostcast.show_settings import read_settings

NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)


def test_addresses_of_each_kind() -> None:
    twitch = parse_spec("twitch:#MyShop,token_env=TWITCH_OAUTH,nick=myshopbot")
    assert (twitch.kind, twitch.target, twitch.source) == ("twitch", "#myshop", "twitch")
    irc = parse_spec("ircs://irc.example.org/#shop,ignore=bot1 bot2")
    assert (irc.host, irc.port, irc.tls, irc.options["ignore"]) == (
        "irc.example.org", 6697, True, ("bot1", "bot2"))
    assert parse_spec("irc://127.0.0.1:6668/#shop").port == 6668
    youtube = parse_spec("youtube:video=dQw4w9WgXcQ,key_env=YOUTUBE_API_KEY")
    assert (youtube.kind, youtube.target) == ("youtube", "video=dQw4w9WgXcQ")
    hook = parse_spec("webhook:tiktok,secret_env=TIKTOK_HOOK")
    assert (hook.kind, hook.source) == ("webhook", "tiktok")


@pytest.mark.parametrize(("text", "says"), [
    ("twitch:myshop", "a Twitch channel is # and its login"),
    ("irc://127.0.0.1:6667/shop", "no channel"),
    ("irc://127.0.0.1:99999/#shop", "port"),
    ("mastodon:#shop", "not a chat address"),
    ("youtube:video=abc", "key_env or token_env"),
    ("youtube:mine,key_env=K", "token_env: youtube:mine"),
    ("youtube:video=abc,key_env=K,token_env=T", "exactly one"),
    ("twitch:#shop,token=oauth:abc", "token: not an option of a twitch chat"),
    ("twitch:#shop,token_env=oauth:abc", "not an environment variable name"),
    ("webhook:tiktok", "secret_env: a webhook needs"),
    ("webhook:page,secret_env=S", "Hostcast's own"),
    ("twitch:#shop,nick", "not key=value"),
])
def test_bad_specs_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_spec(text)
    assert "oauth:abc" not in says


def test_config_tables_and_flags_read_through_the_settings_table() -> None:
    settings, problems = read_settings(
        {"chat": [{"address": "twitch:#shop", "token_env": "TW"},
                  {"address": "webhook:tiktok", "secret_env": "HOOK"}]},
        lambda s: f"channel[shop].{s.key}",
    )
    assert problems == [] and [c.kind for c in settings.chat] == ["twitch", "webhook"]
    _, problems = read_settings({"chat": [{"address": "twitch:#shop"}, {"adress": "x"}]},
                                lambda s: f"channel[shop].{s.key}")
    assert problems == ['channel[shop].chat: [2] address: missing; e.g. '
                        'address = "twitch:#myshop"']
    _, problems = read_settings({"chat": ["irc://h/#a", "twitch:shop"]}, lambda s: s.flag)
    assert problems[0].startswith("--chat: [2] 'twitch:shop': ")


def test_connectors_are_built_with_credentials_from_the_environment() -> None:
    specs = parse_chat_setting(["twitch:#shop,token_env=TW",
                                "webhook:tiktok,secret_env=HOOK"])
    chats = PlatformChats(specs, {"TW": "abc123", "HOOK": "a-long-enough-secret"})
    [twitch] = chats.connectors
    assert isinstance(twitch, IrcChat)
    assert (twitch.host, twitch.port, twitch.tls) == (TWITCH_HOST, TWITCH_TLS_PORT, True)
    assert chats.webhooks == {"tiktok": "a-long-enough-secret"}
    with pytest.raises(ValueError, match=r"twitch:#shop: token_env: \$TW is not set"):
        PlatformChats(specs[:1], {})
    with pytest.raises(ValueError, match=r"secret_env: \$HOOK is not set"):
        PlatformChats(specs[1:], {})


def test_a_status_line_sums_up_each_chat() -> None:
    words = chat_summary([{"name": "twitch:#shop", "state": "backing_off",
                           "reason": "login refused", "received": 4, "answered": 2,
                           "dropped": 1}])
    assert words == ["twitch:#shop: backing_off (login refused), 4 in, 2 answered, "
                     "1 over the limit"]


def test_a_daemon_channel_reads_its_chat_tables_and_names_a_bad_one(tmp_path: Path) -> None:
    catalog = REPO / "demo" / "catalog.en.json"
    path = tmp_path / "hostcast.toml"
    path.write_text(f"""
[[channel]]
name = "shop"
catalog = "{catalog}"

[[channel.chat]]
address = "twitch:#myshop"
token_env = "TWITCH_OAUTH"

[[channel.chat]]
address = "irc://127.0.0.1:6667/#shop"
nick = "hostbot"
""", encoding="utf-8")
    config = load_config(path, now=NOW)
    specs = config.channel("shop").settings.chat
    assert [(s.kind, s.target) for s in specs] == [("twitch", "#myshop"), ("irc", "#shop")]
    path.write_text(path.read_text().replace('token_env = "TWITCH_OAUTH"',
                                             'token = "oauth:leaked"'))
    with pytest.raises(InvalidConfigError) as refused:
        load_config(path, now=NOW)
    said = str(refused.value)
    assert "channel[shop].chat: [1] token: not an option of a twitch chat" in said, said
    assert "hostcast.toml" in said and "oauth:leaked" not in said
