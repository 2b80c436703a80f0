"""The flags that say what a show pitches and how it looks and sounds, read as a channel's keys are.

`render`, `stream` and `script` add these flags; `read_show` checks them with the same
`ProgrammeReader` and settings table the daemon's config reader uses, and reports every
problem at once, each naming its flag.
"""

from __future__ import annotations

import argparse
from typing import Any

from host.catalog import CatalogLoad
from host.catalog.fetch.feed_mirror import FeedMirrors
from host.errors import ConfigError
from host.script.llm.prompt import STYLES
from hostcast.cli.options import moment
from hostcast.cli.show import ShowOptions
from hostcast.fetching import add_fetch_flags, cache_folder, feed_mirrors
from hostcast.programme import PROGRAMME_KEYS, Programme
from hostcast.programme_reader import ProgrammeReader
from hostcast.show_settings import KEYS, SETTINGS, ShowSettings, add_flags, read_settings
from hostcast.writer_choice import WRITER_HELP

LOOK_AND_SOUND = ("size", "fps", "seed", "currency", "fallback_voice", "preset", "music")
WRITER_SETTINGS = ("api_key_env", "llm_deadline", "pitch_cache", "audit_log")
# `stream` only: a render has no viewers
LIVE_SETTINGS = ("lookahead", "barge_in", "chat_feed", "chat")


def add_show_flags(parser: argparse.ArgumentParser, *, live: bool = False) -> None:
    """The flags of a show's programme and settings; `live` adds those only a stream has."""
    parser.add_argument("--lang", help="fr or en (default: the catalog's language, else en)")
    parser.add_argument("--voice", help="voice profile name in voices/ or a .toml path")
    parser.add_argument(
        "--avatar",
        help="avatar pack in avatars/ (default) or a path; photo:FILE, a head-and-shoulders "
        "photo (or a folder of a loop's frames, or a video of a few seconds) of one person "
        "that the CPU animates (needs hostcast[photo]); or neural:FOLDER, a folder with "
        "photo.png, photo.toml (face and mouth boxes) and lipsync.pt (needs hostcast[neural])",
    )
    parser.add_argument("--at", metavar="ISO_TIME", help="judge sales at this time (now)")
    add_flags(parser, LOOK_AND_SOUND + (LIVE_SETTINGS if live else ()))
    add_writer_flags(parser)
    add_fetch_flags(parser, refresh=live)


def add_writer_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pitch writer")
    group.add_argument("--writer", metavar="SPEC", help=WRITER_HELP)
    group.add_argument("--model", help="model name for --writer openai:URL")
    group.add_argument(
        "--style", help=f"how the model speaks: {', '.join(sorted(STYLES))} (energetic)"
    )
    add_flags(group, WRITER_SETTINGS)


def read_show(
    args: argparse.Namespace,
    catalog: str,
    *,
    orderable_needed: bool = True,
    feeds: FeedMirrors | None = None,
) -> tuple[Programme, ShowSettings, CatalogLoad]:
    """The programme and settings the flags give (`catalog` is the catalog's path or URL as
    given), with the catalog as loaded; ConfigError naming every flag that is wrong. Flags
    the command does not have take their defaults. A URL is fetched through `feeds`
    (default: mirrors in the `--cache` folder)."""
    given = vars(args)
    settings, problems = read_settings(
        {key: given.get(key) for key in KEYS}, lambda setting: setting.flag
    )

    def report(key: str, problem: str) -> None:
        problems.append(f"{key}: {problem}")

    if feeds is None:
        feeds = feed_mirrors(cache_folder(given.get("cache")))
    reader = ProgrammeReader(report, feeds=feeds)
    values: dict[str, Any] = {key: given.get(key) for key in PROGRAMME_KEYS}
    values["catalog"] = catalog  # `--catalog`, or `script`'s positional CATALOG
    programme = reader.read(
        values, lambda key: "--" + key, orderable_needed=orderable_needed,
        currency=settings.currency, fallback_voices=settings.fallback_voice or (),
    )
    if problems or programme is None:
        raise ConfigError("; ".join(problems) or "the show's options are wrong")
    loaded = reader.catalogs[programme.catalog]
    assert loaded is not None
    return programme, settings, loaded


def show_options(
    args: argparse.Namespace, *, feeds: FeedMirrors | None = None, **extra: Any
) -> tuple[ShowOptions, ShowSettings, CatalogLoad]:
    """The show the flags describe, with its settings and catalog; its API key is taken from
    the environment `main` read (`args.env`); `feeds` as for `read_show`; `extra` as for
    `ShowOptions.of`."""
    programme, settings, loaded = read_show(args, args.catalog, feeds=feeds)
    at = moment(args.at) if args.at else None
    cache = cache_folder(getattr(args, "cache", None))
    try:
        opts = ShowOptions.of(programme, settings, args.env, at=at, cache=cache, **extra)
    except ValueError as exc:
        raise ConfigError(f"--api-key-env: {exc}") from None
    return opts, settings, loaded


assert set(WRITER_SETTINGS + LOOK_AND_SOUND + LIVE_SETTINGS) == {s.key for s in SETTINGS}
