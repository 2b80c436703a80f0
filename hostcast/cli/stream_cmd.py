"""`hostcast stream`: the show on air in real time, to RTMP ingests and a local recording."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from host.catalog.fetch.feed_mirror import FeedRefresher
from host.chat.connector import JsonLinesFeed
from host.errors import ConfigError
from host.script.steering import Steering
from host.segment.segment import Segment
from hostcast.chat.platform_chats import show_chats
from hostcast.chat.state import chat_summary
from hostcast.cli.followed_catalog import FollowedCatalog
from hostcast.cli.live import LiveShow
from hostcast.cli.on_air import OnAir
from hostcast.cli.show import Show
from hostcast.cli.show_flags import add_show_flags, show_options
from hostcast.cli.writer_setup import writer_summary
from hostcast.fetching import cache_folder, feed_mirrors, photo_summary, refresh_minutes
from hostcast.schedule.config import Outputs
from stream.sinks import parse_rtmp_url
from stream.web.server import parse_bind
from stream.webrtc.whip import parse_whip_url

log = logging.getLogger("hostcast")


def register(commands: Any) -> None:
    stream = commands.add_parser(
        "stream",
        help="air the show in real time: RTMP push, recording",
        description="Air the catalog's show in real time until Ctrl-C, SIGTERM or "
        "--duration: one H.264 + AAC encode feeds every RTMP ingest and the recording.",
    )
    stream.add_argument(
        "--catalog", required=True, help="catalog file, or the http(s) URL of a feed"
    )
    stream.add_argument(
        "--rtmp", action="append", default=[], metavar="URL",
        help="rtmp:// or rtmps:// ingest URL with its stream key (repeatable)",
    )
    stream.add_argument(
        "--whip", action="append", default=[], metavar="URL",
        help="WHIP (RFC 9725) ingest URL, http(s):// (repeatable)",
    )
    stream.add_argument(
        "--whip-token", metavar="TOKEN",
        help="bearer token for --whip (or set HOSTCAST_WHIP_TOKEN: a flag shows in `ps`)",
    )
    stream.add_argument("--record", type=Path, metavar="DIR", help="record MP4 files here")
    stream.add_argument(
        "--roll-minutes", type=float, default=10.0, help="start a new recording file every N min"
    )
    stream.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    stream.add_argument(
        "--status-every", type=float, default=10.0, metavar="S",
        help="print sink health every S seconds (10; 0: never)",
    )
    stream.add_argument(
        "--preview", default="127.0.0.1:8080", metavar="HOST:PORT",
        help="serve the preview page here (127.0.0.1:8080)",
    )
    stream.add_argument("--no-preview", action="store_true", help="serve no preview page")
    stream.add_argument(
        "--allow-remote", action="store_true",
        help="let --preview bind a non-loopback address (controls still need the token)",
    )
    add_show_flags(stream, live=True)
    stream.set_defaults(run=run_stream)


def _outputs(args: argparse.Namespace) -> Outputs:
    rtmp, whip = [], []
    for url in args.rtmp:
        try:
            rtmp.append(parse_rtmp_url(url))
        except ValueError as exc:
            raise ConfigError(f"--rtmp: {exc}") from None
    for url in args.whip:
        try:
            whip.append(parse_whip_url(url))
        except ValueError as exc:
            raise ConfigError(f"--whip: {exc}") from None
    if args.record is not None and args.roll_minutes <= 0:
        raise ConfigError(f"--roll-minutes: must be positive, got {args.roll_minutes}")
    preview = None
    if not args.no_preview:
        try:
            preview = parse_bind(args.preview, allow_remote=args.allow_remote)
        except ValueError as exc:
            raise ConfigError(f"--preview: {exc}") from None
    return Outputs(tuple(rtmp), tuple(whip), args.record, args.roll_minutes, preview)


def _aired(segment: Segment, at: float) -> None:
    minutes, seconds = divmod(int(at), 60)
    hours, minutes = divmod(minutes, 60)
    about = f" [{segment.product_id}]" if segment.product_id else ""
    by = f" ({segment.source})" if segment.source.startswith("llm:") else ""
    print(
        f"{hours:02d}:{minutes:02d}:{seconds:02d} {segment.kind}{about}{by}: {segment.text}",
        flush=True,
    )


def run_stream(args: argparse.Namespace) -> int:
    if args.duration is not None and args.duration <= 0:
        raise ConfigError(f"--duration: must be positive, got {args.duration}")
    outputs = _outputs(args)
    try:
        every = refresh_minutes(args.catalog_refresh) * 60
    except ValueError as exc:
        raise ConfigError(f"--catalog-refresh: {exc}") from None
    feeds = feed_mirrors(cache_folder(args.cache))
    opts, settings, loaded = show_options(args, feeds=feeds)
    chats = show_chats(settings.chat, outputs.preview is not None, "--chat",
                       args.env.variables)
    show = Show.open(opts, loaded=loaded)
    feed = JsonLinesFeed(settings.chat_feed) if settings.chat_feed is not None else None
    # The catalog file is read again when it changes; a URL's copy is fetched again.
    mirror = feeds.for_file(opts.catalog)
    catalog = FollowedCatalog(loaded, opts.catalog, currency=opts.currency,
                              load=mirror.load if mirror is not None else None)
    refresher = FeedRefresher(feeds, every)
    try:
        live = LiveShow(show, Steering(), barge_in=settings.barge_in, products=catalog.products,
                        chats=chats)
        on_air = OnAir(
            show, outputs, lookahead=settings.lookahead, on_segment=_aired,
            whip_token=args.whip_token or args.env.whip_token, allow_remote=args.allow_remote,
            live=live, token=args.env.operator_token,
            segments=lambda clock, steering: show.segments(
                clock, steering, products=catalog.products
            ),
        )
        if not on_air.sinks:
            print("no --rtmp, --record or preview: the stream airs to no output", file=sys.stderr)
        try:
            on_air.start(args.duration)
        except OSError as exc:
            raise ConfigError(f"--preview: cannot serve on {args.preview}: {exc}") from None
        if on_air.server is not None:
            print(f"preview: {on_air.server.url}  (operator token: {on_air.token})", flush=True)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: on_air.stop.set())
        if feeds:
            refresher.start()
        try:
            if feed is not None:
                try:
                    feed.start(live.take)
                except OSError as exc:
                    raise ConfigError(
                        f"--chat-feed: cannot read {settings.chat_feed}: {exc}"
                    ) from None
            chats.start(live.ask)
            on_air.run(args.status_every, lambda: _print_status(on_air))
        finally:
            chats.stop()
            refresher.stop()
            if feed is not None:
                feed.stop()
            on_air.close()
        _print_status(on_air)
    finally:
        show.close()
    return 0


def _print_status(on_air: OnAir) -> None:
    air = on_air.figures()
    parts = [
        f"air {air.air_seconds:.0f} s",
        f"frames {air.frames} (repeated {air.repeated_frames})",
        f"late p50 {air.lateness_p50 * 1000:.1f} ms p99 {air.lateness_p99 * 1000:.1f} ms",
        f"idle {air.idle_seconds:.1f} s",
    ]
    for health in air.sinks:
        trouble = health.last_error if health.state != "connected" else ""
        parts.append(
            f"{health.name}: {health.state}, {health.sent_bytes // 1024} KiB sent, "
            f"{health.dropped_bytes // 1024} KiB dropped, {health.reconnects} reconnects"
            + (f" ({trouble})" if trouble else "")
        )
    parts.append(writer_summary(on_air.show.stats()))
    photos = on_air.show.health().get("photos")
    if photos is not None and (photos["fetched"] or photos["refused"] or photos["cached"]):
        parts.append(photo_summary(photos))
    if on_air.live.chats:
        parts.extend(chat_summary(on_air.live.chats.status(on_air.live.gate)))
    print("status: " + " | ".join(parts), file=sys.stderr, flush=True)
