"""The daemon's configuration file: the example loads, and each mistake is named by its key."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO

from hostcast.schedule import InvalidConfigError, load_config

FR = REPO / "demo" / "catalog.fr.json"
EN = REPO / "demo" / "catalog.en.json"
NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)

CHANNEL = f"""
[[channel]]
name = "beauty"
catalog = "{FR}"
timezone = "Europe/Paris"
"""

SLOTS = """
[[channel.slot]]
name = "morning"
days = "weekdays"
start = "08:00"
end = "12:00"

[[channel.slot]]
name = "late"
days = ["sun"]
start = "23:00"
end = "01:00"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hostcast.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidConfigError) as caught:
        load_config(path, now=NOW)
    return list(caught.value.problems)


def only_problem(path: Path) -> str:
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}: "), found
    return found[0]


def test_the_example_config_loads_with_its_channels_and_slots() -> None:
    config = load_config(REPO / "examples" / "hostcast.toml", now=NOW)
    assert config.warnings == ()
    assert [c.name for c in config.channels] == ["beauty", "shop-en"]
    beauty, shop = config.channels
    assert [s.name for s in beauty.slots] == [
        "morning-glow", "small-prices", "weekend-sale", "night-tech"
    ]
    assert beauty.timezone == "Europe/Paris" and shop.timezone == "Europe/London"
    assert beauty.outputs.rtmp == ("rtmp://127.0.0.1/live/beauty-key",)
    assert beauty.outputs.preview == ("127.0.0.1", 8081)
    assert beauty.outputs.record == REPO / "out" / "recordings" / "beauty"
    assert config.daemon.state == REPO / "out" / "state" / "hostcast.sqlite"
    assert config.daemon.health == ("127.0.0.1", 8090)
    assert beauty.programme.catalog == FR and beauty.programme.lang == "fr"
    assert shop.programme.lang == "en" and shop.programme.voice == "en-gb"
    small = beauty.slot("small-prices")
    assert small.programme.style == "calm" and small.programme.voice == "fr"
    assert set(config.catalogs) == {FR, EN}


def test_a_minimal_config_takes_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, CHANNEL), now=NOW)
    channel = config.channel("beauty")
    assert channel.programme.lang == "fr"  # the catalog's language
    assert channel.programme.voice == "fr"
    assert channel.programme.avatar == "default" and channel.programme.writer.kind == "template"
    assert (channel.size, channel.fps, channel.slots) == ((720, 1280), 30, ())
    assert config.daemon.state == tmp_path / "state" / "hostcast.sqlite"
    assert config.daemon.timezone == "UTC"


def test_overlapping_slots_name_both_slots_and_the_weekday_and_time(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS + """
[[channel.slot]]
name = "brunch"
days = ["wed"]
start = "11:30"
end = "13:00"
"""
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].slot[brunch]" in problem
    assert "overlaps slot[morning] on wed 11:30-12:00" in problem


def test_overlap_across_the_sunday_to_monday_midnight_is_found(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS + """
[[channel.slot]]
name = "early"
days = ["mon"]
start = "00:30"
end = "02:00"
"""
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].slot[early]: overlaps slot[late] on mon 00:30-01:00" in problem


def test_slots_in_two_time_zones_are_compared_in_instants(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS + """
[[channel.slot]]
name = "new-york"
days = ["mon"]
start = "05:00"
end = "06:00"
timezone = "America/New_York"
"""
    # 05:00 in New York is 11:00 in Paris: inside the morning slot.
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].slot[new-york]: overlaps slot[morning] from Mon 2026-03-30" in problem


def test_unknown_time_zone_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = CHANNEL.replace("Europe/Paris", "Europe/Pariss")
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].timezone: unknown time zone 'Europe/Pariss'" in problem
    assert "did you mean 'Europe/Paris'?" in problem


def test_unknown_avatar_names_the_key(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS + 'avatar = "nobody"\n'
    found = problems(write(tmp_path, text))
    assert any("channel[beauty].slot[late].avatar: " in p and "nobody" in p for p in found)


def test_a_slot_cannot_change_the_channels_avatar(tmp_path: Path) -> None:
    # One picture per channel: a slot's presenter could not take over between two lines.
    text = CHANNEL + SLOTS + 'avatar = "default"\n'
    assert load_config(write(tmp_path, text), now=NOW).channels[0].slots[1].name == "late"
    shutil.copytree(REPO / "avatars" / "default", tmp_path / "other")
    problem = only_problem(write(tmp_path, CHANNEL + SLOTS + 'avatar = "other"\n'))
    assert "channel[beauty].slot[late].avatar: a slot cannot change the channel's avatar" in problem


def test_a_bad_url_names_the_list_entry(tmp_path: Path) -> None:
    text = CHANNEL + """
[channel.outputs]
rtmp = ["rtmp://127.0.0.1/live/key", "http://example.com/live/key"]
whip = ["ftp://example.com/whip"]
"""
    found = problems(write(tmp_path, text))
    assert len(found) == 2, found
    assert "channel[beauty].outputs.rtmp[2]: 'http://example.com/live/***' is not an RTMP URL" in (
        found[0]
    )
    assert "channel[beauty].outputs.whip[1]: " in found[1] and "WHIP" in found[1]


def test_unknown_keys_are_typos_with_a_suggestion(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS.replace('start = "08:00"', 'strat = "08:00"\nstart = "08:00"')
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].slot[morning].strat: unknown key, did you mean 'start'?" in problem
    top = problems(write(tmp_path, "[[channels]]\nname = 'x'\n"))
    assert any("channels: unknown key, did you mean 'channel'?" in p for p in top)


@pytest.mark.parametrize("bad", ['"25:00"', '"8h"', '"12:60"', "8", '"24:00"'])
def test_a_bad_start_time_names_the_key(tmp_path: Path, bad: str) -> None:
    text = CHANNEL + SLOTS.replace('start = "08:00"', f"start = {bad}")
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].slot[morning].start: " in problem
    assert "is not a time HH:MM between 00:00 and 23:59" in problem


def test_end_may_be_midnight_and_toml_times_are_understood(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS.replace('end = "12:00"', 'end = "24:00"').replace(
        'start = "23:00"', "start = 23:00:00"
    ).replace('days = ["sun"]', 'days = ["Sunday"]')
    channel = load_config(write(tmp_path, text), now=NOW).channel("beauty")
    assert channel.slot("morning").window.minutes == 16 * 60
    assert channel.slot("late").window.describe() == "sun 23:00-01:00"


def test_bad_days_and_duplicate_names(tmp_path: Path) -> None:
    text = (CHANNEL + SLOTS).replace('"weekdays"', '["mon", "funday"]') + CHANNEL
    found = problems(write(tmp_path, text))
    assert any("channel[1].slot[morning].days: 'funday' is not a day" in p for p in found), found
    assert any("channel[2].name: 'beauty' names another channel too" in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = f"""
[daemon]
health = "0.0.0.0:8090"
timezone = "Mars/Olympus"

[[channel]]
name = "Beauty!"
catalog = "{FR}"
size = "700x1280"
voice = "en"
writer = "openai:http://127.0.0.1:8000/v1"

[channel.outputs]
preview = "127.0.0.1:99999"

[[channel.slot]]
name = "default"
days = "weekdays"
start = "09:00"
end = "10:00"
tags = ["no-such-tag"]
deal = {{ percent = 120 }}
"""
    found = problems(write(tmp_path, text))
    expected = [
        "daemon.health: '0.0.0.0:8090': 0.0.0.0 is not a loopback address",
        "daemon.timezone: unknown time zone 'Mars/Olympus'",
        "channel[1].name: 'Beauty!' is not a name",
        "channel[1].writer: the openai writer needs channel[1].model = NAME",
        "channel[1].voice: profile 'en' speaks 'en', the script is in 'fr'",
        "channel[1].size: unsupported frame size 700x1280",
        "channel[1].outputs.preview: '127.0.0.1:99999': port 99999 is out of range",
        "channel[1].slot[default].name: 'default' names the default programme",
        "channel[1].slot[default].deal.percent: must be between 1 and 90, got 120",
    ]
    for part in expected:
        assert any(part in problem for problem in found), (part, found)
    assert all(problem.startswith(f"{tmp_path}/hostcast.toml: ") for problem in found)


def test_catalog_problems_name_the_key(tmp_path: Path) -> None:
    text = CHANNEL + SLOTS + 'catalog = "missing.json"\n'
    problem = only_problem(write(tmp_path, text))
    assert "channel[beauty].slot[late].catalog: " in problem and "missing.json" in problem
    assert "no such file" in problem


def test_a_slot_that_selects_nothing_is_an_error_one_sold_out_a_warning(tmp_path: Path) -> None:
    empty = CHANNEL + SLOTS + 'brands = ["Nobody"]\n'
    problem = only_problem(write(tmp_path, empty))
    assert "channel[beauty].slot[late]: selects no product of" in problem
    sold_out = CHANNEL + SLOTS + 'ids = ["chocolates-12"]\nfeatured = ["gone"]\n'
    config = load_config(write(tmp_path, sold_out), now=NOW)
    assert any("slot[late]: every product it selects" in w for w in config.warnings)
    assert any("slot[late].featured: not in" in w and "gone" in w for w in config.warnings)


def test_slots_inherit_the_channel_and_may_switch_catalog_and_language(tmp_path: Path) -> None:
    text = CHANNEL + 'style = "luxury"\n' + SLOTS + f'catalog = "{EN}"\n'
    channel = load_config(write(tmp_path, text), now=NOW).channel("beauty")
    late = channel.slot("late").programme
    assert (late.catalog, late.lang, late.voice, late.style) == (EN, "en", "en", "luxury")
    assert channel.slot("morning").programme.lang == "fr"
    mismatch = CHANNEL + 'voice = "fr"\n' + SLOTS + f'catalog = "{EN}"\n'
    problem = only_problem(write(tmp_path, mismatch))
    assert "channel[beauty].voice: profile 'fr' speaks 'fr', the script is in 'en'" in problem


def test_paths_are_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    shutil.copy(FR, folder / "shop.json")
    (folder / "hostcast.toml").write_text(
        '[[channel]]\nname = "a"\ncatalog = "shop.json"\n'
        '[channel.outputs]\nrecord = "rec"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    channel = load_config(Path("conf/hostcast.toml"), now=NOW).channel("a")
    assert channel.programme.catalog == folder / "shop.json"
    assert channel.outputs.record == folder / "rec"


def test_an_unreadable_or_broken_file_is_one_problem(tmp_path: Path) -> None:
    assert "cannot be read" in only_problem(tmp_path / "hostcast.toml")
    broken = write(tmp_path, "[[channel]\nname = 'x'\n")
    assert only_problem(broken).startswith(f"{broken}: line 1: ")
    assert "no [[channel]] table" in only_problem(write(tmp_path, "[daemon]\n"))


def test_a_photo_avatar_must_exist_and_be_a_photo(tmp_path: Path) -> None:
    missing = CHANNEL.replace('[[channel]]\n', '[[channel]]\navatar = "photo:anna.jpg"\n', 1)
    problem = only_problem(write(tmp_path, missing + SLOTS))
    assert "channel[beauty].avatar: photo not found: " in problem and "anna.jpg" in problem
    (tmp_path / "anna.jpg").write_bytes(b"not a picture")  # refused before air, by name
    problem = only_problem(write(tmp_path, missing + SLOTS))
    assert "channel[beauty].avatar: " in problem and "anna.jpg: not a readable image" in problem
