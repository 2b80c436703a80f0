"""`hostcast schedule check`: the plan of a valid configuration, every problem of a broken one."""

import argparse
from pathlib import Path

import pytest
from conftest import REPO

from host.errors import ConfigError
from hostcast.cli import schedule_cmd

EXAMPLE = REPO / "examples" / "hostcast.toml"


def check(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="hostcast")
    schedule_cmd.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["schedule", "check", *map(str, argv)])
    code: int = args.run(args)
    return code


def test_the_plan_of_the_example_in_local_time_and_utc(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(EXAMPLE, "--from", "2026-03-28T20:00+01:00", "--hours", "24") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("valid, 2 channels; plan for 24 h from 2026-03-28 19:00 UTC")
    assert "channel beauty: 720x1280 at 30 fps, times in Europe/Paris [UTC]" in out
    assert any("rtmp rtmp://127.0.0.1/live/***" in line for line in out)
    assert not any("beauty-key" in line for line in out)  # the stream key stays hidden
    night = next(line for line in out if "night-tech" in line)
    # The spring-forward night: 02:00 does not exist, the slot ends at 03:00 CEST.
    assert "Sat 28 Mar 22:00 CET → Sun 29 Mar 03:00 CEST" in night
    assert "[Sat 28 Mar 21:00 → Sun 29 Mar 01:00 UTC]" in night
    assert "2 products, 1 featured" in night
    sale = next(line for line in out if "weekend-sale" in line)
    assert "Sun 29 Mar 10:00 → 18:00 CEST" in sale and "20 % off on 10" in sale
    default = [line for line in out if "]  default " in line]
    assert default and all("10 products (1 sold out)" in line for line in default)
    assert any("evening-home" in line and "19:00 → 23:00 GMT" in line for line in out)


def test_an_invalid_config_exits_2_with_every_problem_on_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        .replace("../demo/", f"{REPO}/demo/")
        .replace('timezone = "Europe/London"', 'timezone = "Europe/Londres"')
        .replace('"rtmp://127.0.0.1/live/beauty-key"', '"rtmp://"')
        .replace('start = "12:00"', 'start = "12h"')
        .replace('avatar = "default"', 'avatar = "nobody"'),
        encoding="utf-8",
    )
    assert check(broken) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = captured.err.splitlines()
    assert len(errors) == 4, errors
    assert all(line.startswith(f"{broken}: ") for line in errors)
    keys = [line.split(": ")[1] for line in errors]
    assert keys == [
        "channel[beauty].avatar",
        "channel[beauty].outputs.rtmp[1]",
        "channel[beauty].slot[small-prices].start",
        "channel[shop-en].timezone",
    ]


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--from: 'tomorrow'"):
        check(EXAMPLE, "--from", "tomorrow")
    with pytest.raises(ConfigError, match="--hours"):
        check(EXAMPLE, "--hours", "0")


def test_warnings_are_printed_with_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hostcast.toml"
    config.write_text(
        f'[[channel]]\nname = "a"\ncatalog = "{REPO}/demo/catalog.en.json"\n'
        '[[channel.slot]]\nname = "sweets"\ndays = "daily"\nstart = "10:00"\nend = "11:00"\n'
        'ids = ["chocolates-12"]\n',
        encoding="utf-8",
    )
    assert check(config, "--from", "2026-03-28T09:00Z", "--hours", "3") == 0
    out = capsys.readouterr().out
    assert "warning: " in out and "slot[sweets]: every product it selects" in out
    sweets = next(line for line in out.splitlines() if "]  sweets " in line)
    assert "Sat 28 Mar 10:00 → 11:00 UTC" in sweets
    assert sweets.endswith(" 1 product (1 sold out), 0 featured")
