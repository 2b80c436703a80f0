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

from host.avatar.pack import MANIFEST, load_pack
from host.catalog import CatalogLoad, load_catalog
from host.compose.layout import layout_for
from host.errors import AvatarError, CatalogError, ConfigError
from host.paths import avatars_dir, shown
from host.script.llm.prompt import STYLES
from host.toml_errors import toml_message
from host.voice.profile import VoiceProfile, find_profile
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
from hostcast.show_settings import read_settings, show_language

_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_OVERLAP_HORIZON = timedelta(days=371)  # slots in two zones are compared over a year ahead

_TOP_KEYS = ("daemon", "channel")
_DAEMON_KEYS = ("state", "health", "timezone", "allow_remote")
_PROGRAMME_KEYS = ("catalog", "lang", "voice", "avatar", "style", "writer", "model")
_CHANNEL_KEYS = (
    "name", *_PROGRAMME_KEYS, "size", "fps", "timezone", "outputs", "slot", *SETTING_KEYS
)
_OUTPUT_KEYS = ("rtmp", "whip", "record", "roll_minutes", "preview")
_FILTER_KEYS = ("ids", "tags", "brands", "price_min", "price_max", "featured", "deal")
_SLOT_KEYS = ("name", "days", "start", "end", "timezone", *_PROGRAMME_KEYS, *_FILTER_KEYS)
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
        self.catalogs: dict[Path, CatalogLoad | None] = {}
        self.profiles: dict[str, VoiceProfile | None] = {}
        self.packs: dict[str, bool] = {}

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
        if self.errors:
            raise InvalidConfigError(self.errors)
        catalogs = {p: c for p, c in self.catalogs.items() if c is not None}
        return HostcastConfig(
            self.path, daemon, tuple(valid), MappingProxyType(catalogs), tuple(self.warnings),
            text=self.text or "",
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
        return DaemonSettings(
            state=self._place(state),
            health=health or ("127.0.0.1", 8090),
            timezone=self._zone(table, "daemon", "UTC"),
            allow_remote=allow_remote,
        )

    def _channel(
        self, table: dict[str, Any], where: str, daemon: DaemonSettings
    ) -> Channel | None:
        self._known(table, _CHANNEL_KEYS, where)
        before = len(self.errors)
        name = self._name(table, where)
        given = {k: _Set(table[k], _join(where, k)) for k in _PROGRAMME_KEYS if k in table}
        programme = self._programme(given, where, orderable_needed=True)
        size = self._size(table, where)
        fps = self._number(table, "fps", where, 1, 60)
        if fps is not None and fps != int(fps):
            self.error(_join(where, "fps"), f"must be a whole number, got {table['fps']!r}")
        zone = self._zone(table, where, daemon.timezone)
        settings, problems = read_settings(
            table, lambda setting: _join(where, setting.key), relative_to=self.folder
        )
        for problem in problems:
            key, _, why = problem.partition(": ")
            self.error(key, why)
        outputs = self._outputs(table.get("outputs", {}), _join(where, "outputs"), daemon)
        slot_tables = table.get("slot", [])
        if not isinstance(slot_tables, list) or not all(isinstance(t, dict) for t in slot_tables):
            self.error(_join(where, "slot"), "must be [[channel.slot]] tables")
            slot_tables = []
        labels = [_join(where, label) for label in _labels(slot_tables, "slot")]
        slots = [
            self._slot(t, label, given, zone)
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
        return Channel(
            name, programme, size or (720, 1280), int(fps or 30), zone, outputs, tuple(valid),
            settings,
        )

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

    def _size(self, table: Mapping[str, Any], where: str) -> tuple[int, int] | None:
        text = self._text(table, "size", where)
        if text is None:
            return None
        try:
            width, height = (int(part) for part in text.lower().split("x"))
        except ValueError:
            self.error(_join(where, "size"), f"{text!r} is not WIDTHxHEIGHT, e.g. 720x1280")
            return None
        try:
            layout_for(width, height)
        except ValueError as exc:
            self.error(_join(where, "size"), str(exc))
            return None
        return width, height

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
        self, table: dict[str, Any], where: str, inherited: dict[str, _Set], zone: str
    ) -> Slot | None:
        self._known(table, _SLOT_KEYS, where)
        before = len(self.errors)
        name = self._name(table, where)
        if name == DEFAULT_SLOT:
            self.error(_join(where, "name"), f"{DEFAULT_SLOT!r} names the default programme")
        given = {k: _Set(table[k], _join(where, k)) for k in _PROGRAMME_KEYS if k in table}
        channel_avatar = inherited.get("avatar")
        if "avatar" in given and given["avatar"].value != (
            channel_avatar.value if channel_avatar else "default"
        ):
            # One picture per channel: its presenter cannot change between two lines.
            self.error(given["avatar"].key, "a slot cannot change the channel's avatar")
        merged = {**inherited, **given}
        programme = self._programme(merged, where, orderable_needed=False)
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
        self, given: Mapping[str, _Set], where: str, *, orderable_needed: bool
    ) -> Programme | None:
        values: dict[str, str] = {}
        for key, held in given.items():
            if not isinstance(held.value, str) or not held.value.strip():
                self.error(held.key, f"must be a non-empty string, got {held.value!r}")
                return None
            values[key] = held.value.strip()

        def key_of(name: str) -> str:
            return given[name].key if name in given else _join(where, name)

        if "catalog" not in values:
            self.error(_join(where, "catalog"), "missing: the catalog file to pitch from")
            return None
        catalog = self._place(values["catalog"])
        loaded = self._catalog(catalog, key_of("catalog"), orderable_needed)
        lang = self._lang(values.get("lang"), key_of("lang"), loaded)
        style = values.get("style", "energetic")
        if style not in STYLES:
            self.error(key_of("style"), f"unknown style {style!r} (known: {', '.join(STYLES)})")
        writer = self._writer(values.get("writer", "template"), values.get("model", ""), style)
        if writer is not None:
            self.error(key_of("writer"), writer)
        voice = self._voice(values.get("voice"), key_of("voice"), lang)
        avatar = self._avatar(values.get("avatar", "default"), key_of("avatar"))
        if None in (loaded, lang, voice, avatar) or writer is not None or style not in STYLES:
            return None
        assert lang and voice and avatar
        return Programme(
            catalog, lang, voice, avatar, style, values.get("writer", "template"),
            values.get("model", ""),
        )

    def _catalog(self, path: Path, key: str, orderable_needed: bool) -> CatalogLoad | None:
        if path not in self.catalogs:
            try:
                loaded: CatalogLoad | None = load_catalog(path)
            except CatalogError as exc:
                self.error(key, str(exc))
                loaded = None
            self.catalogs[path] = loaded
            if loaded is not None and loaded.problems:
                rows = len({p.line for p in loaded.problems})
                self.warn(key, f"{shown(path)}: {rows} rows with problems; "
                          f"see `hostcast catalog check {shown(path)}`")
        loaded = self.catalogs[path]
        if orderable_needed and loaded and not any(p.orderable for p in loaded.products):
            self.error(key, f"{shown(path)}: no product can be ordered, nothing to pitch")
        return loaded

    def _lang(self, text: str | None, key: str, loaded: CatalogLoad | None) -> str | None:
        try:
            return show_language(text, loaded.products if loaded else ())
        except ValueError as exc:
            self.error(key, str(exc))
            return None

    def _voice(self, text: str | None, key: str, lang: str | None) -> str | None:
        if lang is None:
            return None
        name = text or lang
        if name.endswith(".toml") or "/" in name or "\\" in name:
            name = str(self._place(name))
        if name not in self.profiles:
            try:
                self.profiles[name] = find_profile(name)
            except ConfigError as exc:
                self.error(key, str(exc))
                self.profiles[name] = None
        profile = self.profiles[name]
        if profile is None:
            return None
        if profile.language != lang:
            self.error(
                key,
                f"profile {profile.name!r} speaks {profile.language!r}, the script is in {lang!r}",
            )
            return None
        return name

    def _avatar(self, text: str, key: str) -> str | None:
        bundled = "/" not in text and (avatars_dir() / text / MANIFEST).is_file()
        name = text if bundled else str(self._place(text))
        if name not in self.packs:
            try:
                load_pack(name)
                self.packs[name] = True
            except AvatarError as exc:
                self.error(key, str(exc))
                self.packs[name] = False
        return name if self.packs[name] else None

    def _writer(self, spec: str, model: str, style: str) -> str | None:
        """What is wrong with the writer spec, or None."""
        # Imported here: hostcast.cli loads every command, and they load the broadcast stack.
        from hostcast.cli.writer_choice import parse_writer

        kind, sep, target = spec.partition(":")
        if kind == "transformers" and target and not Path(target).expanduser().is_absolute():
            spec = f"{kind}{sep}{self._place(target)}"
        try:
            parse_writer(spec, model=model, style=style if style in STYLES else "energetic")
        except ValueError as exc:
            return str(exc).replace("--model NAME", "model = NAME")
        return None

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
