"""The daemon's configuration file: channels, their outputs and weekly slots, checked whole.

`load_config` reads the TOML file and checks everything a daemon would trip over later:
unknown keys, types, names, times, days, time zones, overlapping slots, catalogs, avatars,
voices, writers, URLs and bind addresses. It reports every problem it finds at once, each
naming the file and the key (`channel[beauty].slot[morning].start`; a table without a
usable name is named by its position, from 1: `channel[2]`). The checks live in
`hostcast.schedule.config_reader`; the checked values are the types below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from host.catalog import CatalogLoad
from host.errors import ConfigError
from hostcast.fetching import DEFAULT_CACHE, DEFAULT_REFRESH_MINUTES
from hostcast.programme import Programme
from hostcast.schedule.selection import Lineup
from hostcast.schedule.slots import Timetable, WeeklyWindow
from hostcast.show_settings import ShowSettings

DEFAULT_SLOT = "default"  # the name plans give the default programme; no slot may take it
DEFAULT_STATE = "state/hostcast.sqlite"
DEFAULT_HEALTH = "127.0.0.1:8090"


class InvalidConfigError(ConfigError):
    """A configuration file with problems; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class DaemonSettings:
    state: Path  # the SQLite file
    health: tuple[str, int]  # where the health JSON and /metrics are served
    timezone: str
    allow_remote: bool  # whether health and preview may bind a non-loopback address
    cache: Path = DEFAULT_CACHE  # fetched feeds and product photos
    catalog_refresh: float = DEFAULT_REFRESH_MINUTES  # minutes between two fetches of a feed


@dataclass(frozen=True)
class Outputs:
    rtmp: tuple[str, ...] = ()
    whip: tuple[str, ...] = ()
    record: Path | None = None
    roll_minutes: float = 10.0
    preview: tuple[str, int] | None = None


@dataclass(frozen=True)
class Slot:
    name: str
    window: WeeklyWindow
    programme: Programme
    lineup: Lineup


@dataclass(frozen=True)
class Channel:
    name: str
    programme: Programme  # the default programme, on air outside every slot
    timezone: str
    outputs: Outputs
    slots: tuple[Slot, ...] = ()
    settings: ShowSettings = field(default_factory=ShowSettings)  # size, voice, preset, model

    @property
    def size(self) -> tuple[int, int]:
        return self.settings.size

    @property
    def fps(self) -> int:
        return self.settings.fps

    def timetable(self) -> Timetable:
        return Timetable({slot.name: slot.window for slot in self.slots})

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(name)


@dataclass(frozen=True)
class HostcastConfig:
    """A checked configuration, with the catalogs as they were when it was checked."""

    path: Path
    daemon: DaemonSettings
    channels: tuple[Channel, ...]
    catalogs: Mapping[Path, CatalogLoad]
    warnings: tuple[str, ...] = ()
    text: str = field(default="", repr=False, compare=False)  # the TOML it was read from
    feeds: tuple[tuple[str, str | None], ...] = ()  # catalog URLs, with their currency

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)


def load_config(
    path: str | Path, *, now: datetime | None = None, text: str | None = None
) -> HostcastConfig:
    """Read and check a configuration file; InvalidConfigError lists every problem found.

    With `text`, that TOML is checked instead of the file's content; `path` still names
    the file in messages and is the folder the paths it holds are relative to.
    """
    # Imported here: the reader builds the types above, so it imports this module.
    from hostcast.schedule.config_reader import ConfigReader

    return ConfigReader(Path(path), now or datetime.now(UTC), text).config()
