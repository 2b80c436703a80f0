"""`hostcast schedule check CONFIG`: a daemon configuration checked, and its plan printed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from host.catalog.model import Product, SaleWindow
from host.errors import ConfigError
from host.paths import shown
from host.script.product_rotation import is_featured
from hostcast.cli import options
from hostcast.schedule import DEFAULT_SLOT, Channel, HostcastConfig, InvalidConfigError, load_config
from hostcast.schedule.plan import PlanEntry, channel_plan
from stream.ingest_url import redact_url

INVALID = 2
MAX_HOURS = 14 * 24


def register(commands: Any) -> None:
    schedule = commands.add_parser("schedule", help="check a daemon configuration")
    actions = schedule.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate a configuration and print each channel's plan",
        description="Check a daemon configuration (channels, outputs, slots, catalogs, "
        "voices, avatars) and print what each channel airs over the next hours, in local "
        "time and UTC. Exit code: 0 when valid, 2 with every problem, one per line.",
    )
    check.add_argument("config", type=Path, help="the configuration file (TOML)")
    check.add_argument(
        "--from", dest="start", metavar="ISO_TIME", help="plan from this moment (now; UTC "
        "when it has no offset)",
    )
    check.add_argument("--hours", type=float, default=24.0, help="hours to plan (24)")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    if not 0 < args.hours <= MAX_HOURS:
        raise ConfigError(f"--hours: must be above 0 and at most {MAX_HOURS}, got {args.hours:g}")
    try:
        start = options.moment(args.start)
    except ConfigError:
        raise ConfigError(f"--from: {args.start!r} is not an ISO date and time") from None
    try:
        config = load_config(args.config, now=start)
    except InvalidConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return INVALID
    print("\n".join(plan_report(config, start, args.hours)))
    return 0


def plan_report(config: HostcastConfig, start: datetime, hours: float) -> list[str]:
    """What `schedule check` prints for a valid configuration."""
    count = len(config.channels)
    lines = [
        f"{config.path}: valid, {count} channel{'s' if count != 1 else ''}; "
        f"plan for {hours:g} h from {start.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC"
    ]
    lines.extend(f"warning: {warning}" for warning in config.warnings)
    end = start + timedelta(hours=hours)
    for channel in config.channels:
        zone, utc = ZoneInfo(channel.timezone), ZoneInfo("UTC")
        width, height = channel.size
        default = channel.programme
        lines += [
            "",
            f"channel {channel.name}: {width}x{height} at {channel.fps} fps, "
            f"times in {channel.timezone} [UTC]",
            f"  default programme: {shown(default.catalog)}, {default.lang}, voice "
            f"{default.voice}, avatar {default.avatar}, {default.writer} writer",
            f"  outputs: {_outputs(channel)}",
        ]
        entries = channel_plan(channel.name, channel.timetable(), start, end)
        rows = [
            (
                _span(e.start, e.end, zone),
                f"[{_span(e.start, e.end, utc)}]",
                e.slot,
                _products(config, channel, e),
            )
            for e in entries
        ]
        widths = [max(len(row[n]) for row in rows) for n in range(3)]
        for row in rows:
            cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
            lines.append(f"  {'  '.join(cells)}  {row[3]}")
    return lines


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """`Sat 28 Mar 08:00 → 12:00 CET`; each end names its offset when the clocks change between."""
    begin, finish = start.astimezone(zone), end.astimezone(zone)
    opening = f"{begin:%a %d %b %H:%M}"
    closing = f"{finish:%H:%M}" if finish.date() == begin.date() else f"{finish:%a %d %b %H:%M}"
    if begin.tzname() != finish.tzname():
        return f"{opening} {begin:%Z} → {closing} {finish:%Z}"
    return f"{opening} → {closing} {begin:%Z}"


def _outputs(channel: Channel) -> str:
    out = channel.outputs
    parts = [f"rtmp {redact_url(url)}" for url in out.rtmp]
    parts += [f"whip {redact_url(url)}" for url in out.whip]
    if out.record is not None:
        parts.append(f"record {shown(out.record)} every {out.roll_minutes:g} min")
    if out.preview is not None:
        parts.append(f"preview http://{out.preview[0]}:{out.preview[1]}/")
    return ", ".join(parts) or "none"


def _products(config: HostcastConfig, channel: Channel, entry: PlanEntry) -> str:
    """How many products the entry pitches: selected, sold out, featured, on the slot's deal."""
    if entry.slot == DEFAULT_SLOT:
        catalog = config.catalogs[channel.programme.catalog].products
        return _count(catalog)
    slot = channel.slot(entry.slot)
    catalog = config.catalogs[slot.programme.catalog].products
    products = slot.lineup.products(catalog, entry.start, entry.end)
    notes = [_count(products), f"{sum(1 for p in products if is_featured(p))} featured"]
    deal = slot.lineup.deal
    if deal is not None:
        window = SaleWindow(entry.start, entry.end)
        on_deal = sum(1 for p in products if p.sale_price_effective_date == window)
        notes.append(f"{deal.percent:g} % off on {on_deal}")
    if slot.programme.catalog != channel.programme.catalog:
        notes.append(f"from {shown(slot.programme.catalog)}")
    return ", ".join(notes)


def _count(products: Sequence[Product]) -> str:
    total = len(products)
    sold_out = sum(1 for p in products if not p.orderable)
    text = f"{total} product{'s' if total != 1 else ''}"
    return f"{text} ({sold_out} sold out)" if sold_out else text
