"""The reader behind `load_config`: TOML in, a checked HostcastConfig out, every problem named.

It collects problems instead of stopping at the first, each naming the file and the key
(`channel[beauty].slot[morning].start`; a table without a usable name is named by its
position, from 1: `channel[2]`).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from host.paths import shown
from host.toml_errors import toml_message
from hostcast.fetching import DEFAULT_REFRESH_MINUTES, cache_folder, feed_mirrors, refresh_minutes
from hostcast.programme import PROGRAMME_KEYS
from hostcast.programme_reader import ProgrammeReader
from hostcast.schedule.config import (
    DEFAULT_HEALTH,
    DEFAULT_SLOT,
    DEFAULT_STATE,
    Channel,
    DaemonSettings,
    HostcastConfig,
    InvalidConfigError,
    Outputs,
    Programme,
    Slot,
)
from hostcast.schedule.selection import Deal, Lineup, Selection
from hostcast.schedule.slots import (
    DAY_GROUPS,
    DAY_MINUTES,
    DAY_NAMES,
    WeeklyWindow,
    clock_text,
    first_overlap,
    wall_overlap,
    week_text,
)
from hostcast.show_settings import KEYS as SETTING_KEYS
from hostcast.show_settings import ShowSettings, read_settings

_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_OVERLAP_HORIZON = timedelta(days=371)  # slots in two zones are compared over a year ahead

_TOP_KEYS = ("daemon", "channel")
_DAEMON_KEYS = ("state", "health", "timezone", "allow_remote", "cache", "catalog_refresh")
_CHANNEL_KEYS = ("name", *PROGRAMME_KEYS, "timezone", "outputs", "slot", *SETTING_KEYS)
_OUTPUT_KEYS = ("rtmp", "whip", "record", "roll_minutes", "preview")
_FILTER_KEYS = ("ids", "tags", "brands", "price_min", "price_max", "featured", "deal")
_SLOT_KEYS = ("name", "days", "start", "end", "timezone", *PROGRAMME_KEYS, *_FILTER_KEYS)
_DEAL_KEYS = ("percent", "ids")


@dataclass(frozen=True)
class _Set:
    """A programme key's value and the key path it was written at."""

    value: Any
    key: str


class ConfigReader:
    """Reads one file (or `text` given for it), collecting problems instead of stopping."""

    def __init__(self, path: Path, now: datetime, text: str | None = None) -> None:
        self.path = path
        self.text = text
        self.folder = path.parent.absolute()
        self.source = shown(path)
        self.now = now
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.programmes = ProgrammeReader(self.error, self._place)
        self.catalogs = self.programmes.catalogs  # each catalog the file names, as loaded

    def error(self, key: str, problem: str) -> None:
        line = f"{self.source}: {key}: {problem}"
        if line not in self.errors:  # an inherited value is reported once, where it is written
            self.errors.append(line)

    def warn(self, key: str, problem: str) -> None:
        line = f"{self.source}: {key}: {problem}"
        if line not in self.warnings:
            self.warnings.append(line)

    def config(self) -> HostcastConfig:
        data = self._parse()
        self._known(data, _TOP_KEYS, "")
        daemon_table = data.get("daemon", {})
        if not isinstance(daemon_table, dict):
            self.error("daemon", "must be a [daemon] table")
            daemon_table = {}
        daemon = self._daemon(daemon_table)
        self.programmes.feeds = feed_mirrors(daemon.cache)  # catalog URLs, fetched there
        tables = data.get("channel", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            self.error("channel", "must be [[channel]] tables")
            tables = []
        if not tables:
            self.error("channel", "no [[channel]] table: nothing would air")
        labels = _labels(tables, "channel")
        channels = [
            self._channel(t, label, daemon) for t, label in zip(tables, labels, strict=True)
        ]
        names = [t.get("name") for t in tables]
        for label, name in zip(labels, names, strict=True):
            if isinstance(name, str) and names.count(name) > 1:
                self.error(_join(label, "name"), f"{name!r} names another channel too")
        valid = [c for c in channels if c is not None]
        self._unique_outputs(valid, daemon)
        self._catalog_notes()
        if self.errors:
            raise InvalidConfigError(self.errors)
        catalogs = {p: c for p, c in self.catalogs.items() if c is not None}
        return HostcastConfig(
            self.path, daemon, tuple(valid), MappingProxyType(catalogs), tuple(self.warnings),
            text=self.text or "", feeds=tuple(self.programmes.feed_urls.items()),
        )

    def _parse(self) -> dict[str, Any]:
        text = self.text
        if text is None:
            try:
                text = self.text = self.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidConfigError([f"{self.source}: cannot be read: {exc}"]) from None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidConfigError([f"{self.source}: {toml_message(exc)}"]) from None

    def _place(self, value: str) -> Path:
        """A path the file names, relative to its folder."""
        return Path(os.path.normpath(self.folder / Path(value).expanduser()))

    def _known(self, table: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
        for key in sorted(set(table) - set(known)):
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            self.error(_join(where, key), f"unknown key, {hint}")

    # -- values ----------------------------------------------------------------------------

    def _text(self, table: Mapping[str, Any], key: str, where: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(_join(where, key), f"must be a non-empty string, got {value!r}")
            return None
        return value.strip()

    def _texts(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(_join(where, key), f'must be a list of strings like ["a"], got {value!r}')
            return ()
        return tuple(v.strip() for v in value)

    def _number(
        self, table: Mapping[str, Any], key: str, where: str, low: float, high: float
    ) -> Decimal | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(_join(where, key), f"must be a number, got {value!r}")
            return None
        if not low <= value <= high:
            self.error(_join(where, key), f"must be between {low:g} and {high:g}, got {value!r}")
            return None
        return Decimal(str(value))

    def _zone(self, table: Mapping[str, Any], where: str, default: str) -> str:
        name = self._text(table, "timezone", where)
        if name is None:
            return default
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (e.g. 'Europe/Paris', 'UTC')"
            self.error(_join(where, "timezone"), f"unknown time zone {name!r}{hint}")
            return default
        return name

    def _bind(self, text: str | None, key: str, allow_remote: bool) -> tuple[str, int] | None:
        if text is None:
            return None
        # Imported here: stream.web pulls in the WebRTC stack, which a config check needs not.
        from stream.web.server import parse_bind

        try:
            return parse_bind(text, allow_remote=allow_remote)
        except ValueError as exc:
            message = str(exc)
            if "loopback" in message:  # parse_bind's own words speak of a command-line flag
                message = message.split(";")[0] + "; set allow_remote = true in [daemon] to " \
                    "open it to the network"
            self.error(key, message)
            return None

    # -- tables ----------------------------------------------------------------------------

    def _daemon(self, table: Mapping[str, Any]) -> DaemonSettings:
        self._known(table, _DAEMON_KEYS, "daemon")
        allow_remote = table.get("allow_remote", False)
        if not isinstance(allow_remote, bool):
            self.error("daemon.allow_remote", f"must be true or false, got {allow_remote!r}")
            allow_remote = False
        state = self._text(table, "state", "daemon") or DEFAULT_STATE
        health_text = self._text(table, "health", "daemon") or DEFAULT_HEALTH
        health = self._bind(health_text, "daemon.health", allow_remote)
        cache = self._text(table, "cache", "daemon")
        refresh = table.get("catalog_refresh", DEFAULT_REFRESH_MINUTES)
        try:
            minutes = refresh_minutes(refresh)
        except ValueError as exc:
            self.error("daemon.catalog_refresh", str(exc))
            minutes = DEFAULT_REFRESH_MINUTES
        return DaemonSettings(
            state=self._place(state),
            health=health or ("127.0.0.1", 8090),
            timezone=self._zone(table, "daemon", "UTC"),
            allow_remote=allow_remote,
            cache=self._place(cache) if cache else cache_folder(None),
            catalog_refresh=minutes,
        )

    def _channel(
        self, table: dict[str, Any], where: str, daemon: DaemonSettings
    ) -> Channel | None:
        self._known(table, _CHANNEL_KEYS, where)
        before = len(self.errors)
        name = self._name(table, where)
        given = {k: _Set(table[k], _join(where, k)) for k in PROGRAMME_KEYS if k in table}
        zone = self._zone(table, where, daemon.timezone)
        settings, problems = read_settings(
            table, lambda setting: _join(where, setting.key), relative_to=self.folder
        )
        for problem in problems:
            key, _, why = problem.partition(": ")
            self.error(key, why)
        programme = self._programme(given, where, settings, orderable_needed=True)
        outputs = self._outputs(table.get("outputs", {}), _join(where, "outputs"), daemon)
        slot_tables = table.get("slot", [])
        if not isinstance(slot_tables, list) or not all(isinstance(t, dict) for t in slot_tables):
            self.error(_join(where, "slot"), "must be [[channel.slot]] tables")
            slot_tables = []
        labels = [_join(where, label) for label in _labels(slot_tables, "slot")]
        slots = [
            self._slot(t, label, given, zone, settings)
            for t, label in zip(slot_tables, labels, strict=True)
        ]
        valid = [s for s in slots if s is not None]
        slot_names = [t.get("name") for t in slot_tables]
        for label, slot_name in zip(labels, slot_names, strict=True):
            if isinstance(slot_name, str) and slot_names.count(slot_name) > 1:
                self.error(_join(label, "name"), f"{slot_name!r} names another slot too")
        self._overlaps(valid, where)
        if len(self.errors) > before or name is None or programme is None:
            return None
        return Channel(name, programme, zone, outputs, tuple(valid), settings)

    def _name(self, table: Mapping[str, Any], where: str) -> str | None:
        name = table.get("name")
        if name is None:
            self.error(_join(where, "name"), "missing")
            return None
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            self.error(
                _join(where, "name"),
                f"{name!r} is not a name: 1 to 40 of a-z, 0-9 and '-', not at either end",
            )
            return None
        return name

    def _outputs(self, table: object, where: str, daemon: DaemonSettings) -> Outputs:
        if not isinstance(table, dict):
            self.error(where, "must be a table")
            return Outputs()
        self._known(table, _OUTPUT_KEYS, where)
        # Imported here: the sinks' modules pull in the broadcast stack.
        from stream.sinks.rtmp_url import parse_rtmp_url
        from stream.webrtc.whip import parse_whip_url

        urls: dict[str, tuple[str, ...]] = {}
        for key, parse in (("rtmp", parse_rtmp_url), ("whip", parse_whip_url)):
            good = []
            for n, url in enumerate(self._texts(table, key, where)):
                try:
                    good.append(parse(url))
                except ValueError as exc:
                    self.error(f"{_join(where, key)}[{n + 1}]", str(exc))
            urls[key] = tuple(good)
        record = self._text(table, "record", where)
        roll = self._number(table, "roll_minutes", where, 0.1, 24 * 60)
        preview = self._bind(
            self._text(table, "preview", where), _join(where, "preview"), daemon.allow_remote
        )
        return Outputs(
            urls["rtmp"],
            urls["whip"],
            self._place(record) if record else None,
            float(roll) if roll is not None else 10.0,
            preview,
        )

    def _slot(
        self,
        table: dict[str, Any],
        where: str,
        inherited: dict[str, _Set],
        zone: str,
        settings: ShowSettings,
    ) -> Slot | None:
        self._known(table, _SLOT_KEYS, where)
        before = len(self.errors)
        name = self._name(table, where)
        if name == DEFAULT_SLOT:
            self.error(_join(where, "name"), f"{DEFAULT_SLOT!r} names the default programme")
        given = {k: _Set(table[k], _join(where, k)) for k in PROGRAMME_KEYS if k in table}
        channel_avatar = inherited.get("avatar")
        if "avatar" in given and given["avatar"].value != (
            channel_avatar.value if channel_avatar else "default"
        ):
            # One picture per channel: its presenter cannot change between two lines.
            self.error(given["avatar"].key, "a slot cannot change the channel's avatar")
        merged = {**inherited, **given}
        programme = self._programme(merged, where, settings, orderable_needed=False)
        days = self._days(table.get("days"), _join(where, "days"))
        start = self._clock(table.get("start"), _join(where, "start"), end=False)
        end = self._clock(table.get("end"), _join(where, "end"), end=True)
        zone = self._zone(table, where, zone)
        lineup = self._lineup(table, where)
        if programme is not None and lineup is not None:
            self._check_lineup(lineup, programme, where)
        if (
            len(self.errors) > before or name is None or programme is None or days is None
            or start is None or end is None or lineup is None
        ):
            return None
        return Slot(name, WeeklyWindow(days, start, end, ZoneInfo(zone)), programme, lineup)

    def _days(self, value: object, key: str) -> frozenset[int] | None:
        groups = ", ".join(repr(g) for g in DAY_GROUPS)
        usage = f'a list like ["mon", "tue"], or one of {groups}'
        if value is None:
            self.error(key, f"missing: {usage}")
            return None
        if isinstance(value, str):
            if value.strip().lower() in DAY_GROUPS:
                return DAY_GROUPS[value.strip().lower()]
            value = [value]
        if not isinstance(value, list) or not value:
            self.error(key, f"must be {usage}, got {value!r}")
            return None
        days: set[int] = set()
        for item in value:
            day = _day(item)
            if day is None:
                self.error(key, f"{item!r} is not a day: use {', '.join(DAY_NAMES)}, or {usage}")
                return None
            days.add(day)
        return frozenset(days)

    def _clock(self, value: object, key: str, *, end: bool) -> int | None:
        latest = "24:00" if end else "23:59"
        if value is None:
            self.error(key, "missing: a local time HH:MM")
            return None
        if isinstance(value, time) and not isinstance(value, datetime):
            if value.second or value.microsecond or value.tzinfo:
                self.error(key, f"{value} must be a local time in whole minutes, HH:MM")
                return None
            return value.hour * 60 + value.minute
        found = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
        minute = int(found[1]) * 60 + int(found[2]) if found and int(found[2]) < 60 else None
        if minute is None or minute > (DAY_MINUTES if end else DAY_MINUTES - 1):
            self.error(key, f"{value!r} is not a time HH:MM between 00:00 and {latest}")
            return None
        return minute

    def _lineup(self, table: Mapping[str, Any], where: str) -> Lineup | None:
        before = len(self.errors)
        low = self._number(table, "price_min", where, 0, 1e12)
        high = self._number(table, "price_max", where, 0, 1e12)
        if low is not None and high is not None and low > high:
            self.error(_join(where, "price_max"), f"{high} is below price_min {low}")
        selection = Selection(
            self._texts(table, "ids", where),
            self._texts(table, "tags", where),
            self._texts(table, "brands", where),
            low,
            high,
        )
        deal = self._deal(table.get("deal"), _join(where, "deal"))
        featured = self._texts(table, "featured", where)
        return None if len(self.errors) > before else Lineup(selection, featured, deal)

    def _deal(self, value: object, where: str) -> Deal | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(where, f"must be a table like {{ percent = 20 }}, got {value!r}")
            return None
        self._known(value, _DEAL_KEYS, where)
        if "percent" not in value:
            self.error(_join(where, "percent"), "missing: the percentage off, e.g. 20")
            return None
        percent = self._number(value, "percent", where, 1, 90)
        ids = self._texts(value, "ids", where)
        return Deal(percent, ids) if percent is not None else None

    # -- what the keys point at ------------------------------------------------------------

    def _programme(
        self,
        given: Mapping[str, _Set],
        where: str,
        settings: ShowSettings,
        *,
        orderable_needed: bool,
    ) -> Programme | None:
        def key_of(name: str) -> str:
            if name in SETTING_KEYS:  # a setting is the channel's, whichever slot trips on it
                return _join(where.split(".slot[")[0], name)
            return given[name].key if name in given else _join(where, name)

        return self.programmes.read(
            {key: held.value for key, held in given.items()}, key_of,
            orderable_needed=orderable_needed, currency=settings.currency,
            fallback_voices=settings.fallback_voice or (),
        )

    def _catalog_notes(self) -> None:
        """A warning for each catalog with rows the loader had to leave out."""
        for path, loaded in self.catalogs.items():
            if loaded is not None and loaded.problems:
                rows = len({p.line for p in loaded.problems})
                self.warn(self.programmes.named_at[path],
                          f"{shown(path)}: {rows} rows with problems; "
                          f"see `hostcast catalog check {shown(path)}`")

    def _check_lineup(self, lineup: Lineup, programme: Programme, where: str) -> None:
        loaded = self.catalogs.get(programme.catalog)
        if loaded is None:
            return
        ids = {p.id for p in loaded.products}
        catalog = shown(programme.catalog)
        deal_ids = lineup.deal.ids if lineup.deal else ()
        for key, listed in (
            ("ids", lineup.selection.ids), ("featured", lineup.featured), ("deal.ids", deal_ids)
        ):
            missing = [i for i in listed if i not in ids]
            if missing:
                self.warn(_join(where, key), f"not in {catalog}: {', '.join(missing)}")
        chosen = lineup.selection.select(loaded.products)
        # No product at all means a filter is wrong (a typo in a tag or an id): an error. Only
        # sold-out products is a matter of stock that may change before the slot airs: a warning.
        if not chosen:
            self.error(where, f"selects no product of {catalog}: check ids, tags, brands, prices")
        elif not any(p.orderable for p in chosen):
            self.warn(where, f"every product it selects from {catalog} is sold out")

    def _overlaps(self, slots: list[Slot], where: str) -> None:
        for n, first in enumerate(slots):
            for second in slots[n + 1 :]:
                a, b = first.window, second.window
                key = f"{where}.slot[{second.name}]"
                if a.zone.key == b.zone.key:
                    span = wall_overlap(a, b)
                    if span is not None:
                        self.error(key, f"overlaps slot[{first.name}] on {_span_text(*span)} "
                                   f"({first.name}: {a.describe()}, {second.name}: {b.describe()})")
                    continue
                both = first_overlap(a, b, self.now, self.now + _OVERLAP_HORIZON)
                if both is not None:
                    start, end = (moment.astimezone(a.zone) for moment in both)
                    self.error(key, f"overlaps slot[{first.name}] from "
                               f"{start:%a %Y-%m-%d %H:%M} to {end:%H:%M} {a.zone.key}")

    def _unique_outputs(self, channels: list[Channel], daemon: DaemonSettings) -> None:
        records: dict[Path, str] = {}
        binds = {daemon.health: "daemon.health"}
        for channel in channels:
            where = f"channel[{channel.name}]"
            record = channel.outputs.record
            if record is not None:
                if record in records:
                    self.error(f"{where}.outputs.record", f"also the folder of {records[record]}")
                records.setdefault(record, f"channel[{channel.name}]")
            preview = channel.outputs.preview
            if preview is not None:
                if preview in binds:
                    self.error(f"{where}.outputs.preview", f"the address of {binds[preview]}")
                binds.setdefault(preview, f"{where}.outputs.preview")


def _labels(tables: list[dict[str, Any]], kind: str) -> list[str]:
    """Each table's key path label: its name when usable and unique, else its position."""
    names = [t.get("name") for t in tables]
    return [
        f"{kind}[{name}]"
        if isinstance(name, str) and _NAME.fullmatch(name) and names.count(name) == 1
        else f"{kind}[{n + 1}]"
        for n, name in enumerate(names)
    ]


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _day(item: object) -> int | None:
    if not isinstance(item, str):
        return None
    text = item.strip().lower()
    for n, (name, full) in enumerate(zip(DAY_NAMES, _FULL_DAY_NAMES, strict=True)):
        if text in (name, full):
            return n
    return None


def _span_text(start: int, end: int) -> str:
    """`mon 11:00-12:00`, or `sun 23:00-mon 01:00` when the stretch crosses midnight."""
    same_day = start // DAY_MINUTES == (end - 1) // DAY_MINUTES
    closing = clock_text(end % DAY_MINUTES) if same_day else week_text(end)
    if same_day and end % DAY_MINUTES == 0:
        closing = "24:00"
    return f"{week_text(start)}-{closing}"
