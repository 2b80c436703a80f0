"""Channels on air by the clock: the daemon's configuration and its weekly schedule."""

from hostcast.schedule.config import (
    DEFAULT_SLOT,
    Channel,
    HostcastConfig,
    InvalidConfigError,
    Programme,
    Slot,
    load_config,
)
from hostcast.schedule.plan import Airing, PlanEntry, airing, channel_plan, plan
from hostcast.schedule.selection import Deal, Lineup, Selection
from hostcast.schedule.slots import Occurrence, Timetable, WeeklyWindow

__all__ = [
    "DEFAULT_SLOT",
    "Airing",
    "Channel",
    "Deal",
    "HostcastConfig",
    "InvalidConfigError",
    "Lineup",
    "Occurrence",
    "PlanEntry",
    "Programme",
    "Selection",
    "Slot",
    "Timetable",
    "WeeklyWindow",
    "airing",
    "channel_plan",
    "load_config",
    "plan",
]
