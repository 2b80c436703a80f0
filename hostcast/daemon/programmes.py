"""The shows a channel's programmes speak with: one per voice, language, writer and style."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from host.compose.picture import Picture
from host.errors import ConfigError
from host.paths import shown
from hostcast.cli.show import Show, ShowOptions
from hostcast.cli.writer_choice import parse_writer
from hostcast.cli.writer_setup import writer_from
from hostcast.schedule.config import Channel, HostcastConfig, Programme

log = logging.getLogger(__name__)

ProgrammeKey = tuple[str, str, str, str, str]


def programme_key(programme: Programme) -> ProgrammeKey:
    """What makes two programmes sound different; the catalog does not (products are read live)."""
    return (programme.lang, programme.voice, programme.writer, programme.model, programme.style)


def check_one_presenter(config: HostcastConfig, channel: Channel) -> None:
    """Refuse slots that ask another avatar than the channel's: one presenter stays on air."""
    problems = [
        f"{shown(config.path)}: channel[{channel.name}].slot[{slot.name}].avatar: "
        f"{slot.programme.avatar!r} differs from the channel's {channel.programme.avatar!r}; "
        "a channel keeps one presenter on air, so set avatar on the channel only"
        for slot in channel.slots
        if slot.programme.avatar != channel.programme.avatar
    ]
    if problems:
        raise ConfigError("\n".join(problems))


class ProgrammeShows:
    """Builds and keeps the show of each programme a channel airs; all share one picture.

    The first show made (the channel's default programme) loads the avatar and owns the
    picture; every later one draws with it, so a switch changes voice and words, never
    the presenter. Shows are kept until `close()`: a slot that comes back every day
    finds its writer (and its model's cache) warm.
    """

    def __init__(
        self, channel: Channel, config: HostcastConfig, clock: Callable[[], datetime], seed: int
    ) -> None:
        self.clock = clock
        self.seed = seed
        self._shows: dict[ProgrammeKey, Show] = {}
        self._picture: Picture | None = None
        self.main = self.get(channel.programme, channel, config)

    def get(self, programme: Programme, channel: Channel, config: HostcastConfig) -> Show:
        """The show for `programme`, made on first use; ConfigError if it cannot be made."""
        key = programme_key(programme)
        show = self._shows.get(key)
        if show is None:
            show = self._open(programme, channel, config)
            self._shows[key] = show
            if self._picture is None:
                self._picture = show.picture
        return show

    def prepare(self, channel: Channel, config: HostcastConfig) -> None:
        """Make every programme's show now, so a bad one is refused before it is due on air."""
        check_one_presenter(config, channel)
        for programme in (channel.programme, *(s.programme for s in channel.slots)):
            self.get(programme, channel, config)

    def _open(self, programme: Programme, channel: Channel, config: HostcastConfig) -> Show:
        where = f"{shown(config.path)}: channel[{channel.name}]"
        writer = programme.writer
        kind, sep, target = writer.partition(":")
        if kind == "transformers" and target and not Path(target).expanduser().is_absolute():
            writer = f"{kind}{sep}{config.path.parent.absolute() / target}"
        try:
            choice = parse_writer(writer, model=programme.model, style=programme.style)
        except ValueError as exc:
            raise ConfigError(f"{where}: writer: {exc}") from None
        opts = ShowOptions(
            catalog=programme.catalog,
            lang=programme.lang,
            voice=programme.voice,
            avatar=programme.avatar,
            size=channel.size,
            fps=channel.fps,
            seed=self.seed,
            opening=True,
            fallback_voice=channel.settings.fallback_voice,
            preset=channel.settings.preset,
            writer=writer_from(choice, channel.settings),
        )
        loaded = config.catalogs.get(programme.catalog)
        try:
            show = Show.open(opts, loaded=loaded, picture=self._picture, clock=self.clock)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        log.info("channel %s: programme ready: %s, voice %s, writer %s", channel.name,
                 programme.lang, programme.voice, show.writer.name)
        return show

    def stats(self, current: Show) -> dict[str, Any]:
        """The writer figures of `current`, its counters summed over every programme's show.

        Summed so that counters (lines kept off air, model fallbacks) never go down when
        the channel switches programmes.
        """
        merged = dict(current.stats())
        for show in list(self._shows.values()):
            if show is current:
                continue
            for name, value in show.stats().items():
                if isinstance(value, int) and not isinstance(value, bool):
                    base = merged.get(name, 0)
                    if isinstance(base, int) and not isinstance(base, bool):
                        merged[name] = base + value
        return merged

    def close(self) -> None:
        for show in self._shows.values():
            show.close()
