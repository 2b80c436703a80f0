"""The shows a channel's programmes speak with: one per voice, language, writer and style."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from host.compose.picture import Picture
from host.errors import ConfigError
from host.paths import shown
from hostcast.cli.show import Show, ShowOptions
from hostcast.environment import Environment
from hostcast.programme import Programme
from hostcast.schedule.config import Channel, HostcastConfig
from hostcast.writer_choice import WriterChoice

log = logging.getLogger(__name__)

ProgrammeKey = tuple[str, str, WriterChoice]


def programme_key(programme: Programme) -> ProgrammeKey:
    """What makes two programmes sound different; the catalog does not (products are read live)."""
    return (programme.lang, programme.voice, programme.writer)


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
        self,
        channel: Channel,
        config: HostcastConfig,
        clock: Callable[[], datetime],
        env: Environment | None = None,
    ) -> None:
        """`env`: the channel process's environment, read at its start (model API keys)."""
        self.clock = clock
        self.env = env or Environment()
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
        try:
            opts = ShowOptions.of(
                programme, channel.settings, self.env, opening=True, cache=config.daemon.cache
            )
        except ValueError as exc:
            raise ConfigError(f"{where}.api_key_env: {exc}") from None
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
