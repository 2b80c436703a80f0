"""`hostcast stream`: the show on air in real time, to RTMP ingests and a local recording."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from host.cli.live import LiveShow
from host.cli.render_cmd import add_show_options, show_options
from host.cli.show import Show
from host.cli.writer_setup import writer_summary
from host.errors import ConfigError
from host.script.steering import Steering
from host.segment.segment import Segment
from stream.broadcast import Broadcast
from stream.clock import RealClock
from stream.encoder import Encoder
from stream.packets import Sink
from stream.playout import Playout
from stream.sinks import Recording, RtmpSink, parse_rtmp_url
from stream.source import ProducerThread
from stream.web import PreviewServer
from stream.web.server import parse_bind
from stream.webrtc import WebRtcSink
from stream.webrtc.whip import WhipSink, parse_whip_url

log = logging.getLogger("hostcast")


def register(commands: Any) -> None:
    stream = commands.add_parser(
        "stream",
        help="air the show in real time: RTMP push, recording",
        description="Air the catalog's show in real time until Ctrl-C, SIGTERM or "
        "--duration: one H.264 + AAC encode feeds every RTMP ingest and the recording.",
    )
    stream.add_argument("--catalog", required=True, help="catalog file")
    stream.add_argument(
        "--rtmp", action="append", default=[], metavar="URL",
        help="rtmp:// or rtmps:// ingest URL with its stream key (repeatable)",
    )
    stream.add_argument(
        "--whip", action="append", default=[], metavar="URL",
        help="WHIP (RFC 9725) ingest URL, http(s):// (repeatable)",
    )
    stream.add_argument(
        "--whip-token", metavar="TOKEN", default=os.environ.get("HOSTCAST_WHIP_TOKEN"),
        help="bearer token for --whip (or set HOSTCAST_WHIP_TOKEN)",
    )
    stream.add_argument("--record", type=Path, metavar="DIR", help="record MP4 files here")
    stream.add_argument(
        "--roll-minutes", type=float, default=10.0, help="start a new recording file every N min"
    )
    stream.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    stream.add_argument(
        "--lookahead", type=float, default=30.0, metavar="S",
        help="seconds of lines prepared ahead of air (30)",
    )
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
    add_show_options(stream)
    stream.set_defaults(run=run_stream)


def _sinks(args: argparse.Namespace) -> list[Sink]:
    sinks: list[Sink] = []
    for url in args.rtmp:
        try:
            sinks.append(RtmpSink(parse_rtmp_url(url)))
        except ValueError as exc:
            raise ConfigError(f"--rtmp: {exc}") from None
    for url in args.whip:
        try:
            sinks.append(WhipSink(parse_whip_url(url), args.whip_token))
        except ValueError as exc:
            raise ConfigError(f"--whip: {exc}") from None
    if args.record is not None:
        if args.roll_minutes <= 0:
            raise ConfigError(f"--roll-minutes: must be positive, got {args.roll_minutes}")
        sinks.append(Recording(args.record, roll_minutes=args.roll_minutes))
    return sinks


def _aired(segment: Segment, at: float) -> None:
    minutes, seconds = divmod(int(at), 60)
    hours, minutes = divmod(minutes, 60)
    about = f" [{segment.product_id}]" if segment.product_id else ""
    by = f" ({segment.source})" if segment.source.startswith("llm:") else ""
    print(
        f"{hours:02d}:{minutes:02d}:{seconds:02d} {segment.kind}{about}{by}: {segment.text}",
        flush=True,
    )


def _preview(
    args: argparse.Namespace, live: LiveShow
) -> tuple[WebRtcSink, PreviewServer, str] | None:
    if args.no_preview:
        return None
    try:
        host, port = parse_bind(args.preview, allow_remote=args.allow_remote)
    except ValueError as exc:
        raise ConfigError(f"--preview: {exc}") from None
    token = os.environ.get("HOSTCAST_TOKEN") or secrets.token_urlsafe(18)
    webrtc = WebRtcSink()
    server = PreviewServer(
        webrtc, live.status, live, host=host, port=port, token=token,
        allow_remote=args.allow_remote,
    )
    return webrtc, server, token


def run_stream(args: argparse.Namespace) -> int:
    if args.duration is not None and args.duration <= 0:
        raise ConfigError(f"--duration: must be positive, got {args.duration}")
    if args.lookahead <= 0:
        raise ConfigError(f"--lookahead: must be positive, got {args.lookahead}")
    show = Show.open(show_options(args))
    sinks = _sinks(args)
    live = LiveShow(show, Steering())
    preview = _preview(args, live)
    if preview is not None:
        sinks.append(preview[0])
    if not sinks:
        print("no --rtmp, --record or preview: the stream airs to no output", file=sys.stderr)
    broadcast = Broadcast(Encoder(show.settings), sinks)
    def air_clock() -> float:
        # When the next line will air: what is on air now plus what waits in the queue.
        if live.playout is None or live.producer is None:
            return 0.0
        return live.playout.air_time + live.producer.ahead()

    producer = ProducerThread(
        lambda: show.segments(air_clock=air_clock, steering=live.steering),
        lookahead=args.lookahead,
    )
    playout = Playout(
        RealClock(), producer, show.picture, broadcast, fps=show.settings.fps,
        on_segment=_aired, on_frame=live.on_frame,
    )
    live.attach(producer, playout, broadcast)
    if preview is not None:
        server = preview[1]
        try:
            server.start()
        except OSError as exc:
            producer.close()
            broadcast.close()
            raise ConfigError(f"--preview: cannot serve on {args.preview}: {exc}") from None
        print(f"preview: {server.url}  (operator token: {preview[2]})", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(
        target=playout.run, args=(args.duration, stop), name="hostcast-playout", daemon=True
    )
    thread.start()
    last_status = time.monotonic()
    try:
        while thread.is_alive():
            thread.join(timeout=0.2)
            if args.status_every and time.monotonic() - last_status >= args.status_every:
                last_status = time.monotonic()
                _print_status(playout, broadcast, show)
    finally:
        stop.set()
        thread.join(timeout=10)
        live.steering.resume()  # a paused running order must not hold the producer
        producer.close()
        if preview is not None:
            preview[1].stop()
        broadcast.close()
        show.close()
    _print_status(playout, broadcast, show)
    return 0


def _print_status(playout: Playout, broadcast: Broadcast, show: Show) -> None:
    stats = playout.stats
    late = stats.lateness
    parts = [
        f"air {playout.air_time:.0f} s",
        f"frames {stats.frames} (dropped {stats.dropped_frames})",
        f"late p50 {late.percentile(50) * 1000:.1f} ms p99 {late.percentile(99) * 1000:.1f} ms",
        f"idle {stats.idle_ticks * 0.02:.1f} s",
    ]
    for health in broadcast.health():
        trouble = health.last_error if health.state != "connected" else ""
        parts.append(
            f"{health.name}: {health.state}, {health.sent_bytes // 1024} KiB sent, "
            f"{health.dropped_bytes // 1024} KiB dropped, {health.reconnects} reconnects"
            + (f" ({trouble})" if trouble else "")
        )
    parts.append(writer_summary(show.stats()))
    print("status: " + " | ".join(parts), file=sys.stderr, flush=True)
