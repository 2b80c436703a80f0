"""The daemon's read-only endpoints: `/health` (JSON) and `/metrics` (Prometheus text).

Served by aiohttp from a thread of its own, so a slow scrape never holds the supervisor.
Both read the supervisor's report at request time; nothing here changes anything, so no
token is asked for, and the address is loopback unless the config allows otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from aiohttp import web

from host import __version__
from hostcast.daemon.supervisor import ChannelReport, DaemonReport
from stream.metrics import CONTENT_TYPE, Registry, Sample
from stream.web.loop_thread import LoopThread, serve_app
from stream.web.server import is_loopback

log = logging.getLogger("hostcast.daemon")

ReportSource = Callable[[], DaemonReport]

# Status-line counters (summed over a channel's runs) and the metric each one feeds.
_CHANNEL_METRICS = (
    ("frames", "hostcast_frames_sent_total", "Video frames sent to the encoder."),
    ("repeated_frames", "hostcast_repeated_frames_total", "Frames airing the last picture again."),
    ("late_frames", "hostcast_late_frames_total", "Video frames that left late."),
    ("segments", "hostcast_segments_aired_total", "Segments (lines) aired."),
    ("air_seconds", "hostcast_air_seconds_total", "Seconds on air."),
    ("guard_refused", "hostcast_guardrail_refusals_total",
     "Lines the guardrail kept off air (catalog facts did not match)."),
    ("generated", "hostcast_llm_generated_total", "Lines a model wrote that aired."),
    ("refused", "hostcast_llm_refused_total", "Model lines refused by the guardrail."),
    ("fallbacks", "hostcast_llm_fallbacks_total", "Template lines aired instead of a model's."),
    ("failed", "hostcast_llm_failed_total", "Model requests that timed out or failed."),
    ("photos_fetched", "hostcast_photos_fetched_total", "Product photos fetched from URLs."),
    ("photos_revalidated", "hostcast_photos_revalidated_total",
     "Cached product photos the server said were unchanged (304)."),
    ("photos_refused", "hostcast_photos_refused_total",
     "Product photo fetches refused (HTTP error, timeout, too big, not an image...)."),
)
# A platform chat's counters, from the channel's latest status (they restart with it).
_CHAT_METRICS = (
    ("received", "hostcast_chat_messages_total", "Viewers' messages taken from the platform."),
    ("dropped", "hostcast_chat_dropped_total", "Messages over the chat's rate limits."),
    ("answered", "hostcast_chat_answered_total", "Messages whose answer aired."),
    ("reconnects", "hostcast_chat_reconnects_total", "Times the chat connection came back."),
)
_SINK_METRICS = (
    ("reconnects", "hostcast_sink_reconnects_total", "Times an output reconnected."),
    ("sent_bytes", "hostcast_sink_sent_bytes_total", "Bytes an output sent."),
    ("dropped_bytes", "hostcast_sink_dropped_bytes_total",
     "Bytes an output dropped from its full buffer."),
)


def health_document(report: DaemonReport) -> dict[str, Any]:
    """What GET /health answers."""
    return {
        "daemon": {
            "version": __version__,
            "pid": report.pid,
            "uptime_seconds": round(report.uptime, 1),
            "config": str(report.config_path),
            "config_loaded_at": report.config_loaded_at.isoformat(),
            "config_error": list(report.config_error) or None,
            "reloads": report.reloads,
            "reloads_refused": report.reloads_refused,
        },
        "channels": [_channel(c) for c in report.channels],
    }


def _channel(c: ChannelReport) -> dict[str, Any]:
    status: Any = c.status or {}
    return {
        "name": c.name,
        "state": c.state,
        "crash_loop": c.crash_loop,
        "pid": c.pid,
        "restarts": c.restarts,
        "crashes": c.crashes,
        "crashes_in_a_row": c.crashes_in_a_row,
        "last_exit_code": c.last_exit_code,
        "last_exit": c.last_exit,
        "last_error": c.last_error,
        "last_error_at": c.last_error_at.isoformat() if c.last_error_at else None,
        "error_lines": list(c.error_lines),
        "next_start_in_seconds": _round(c.next_start_in),
        "running_seconds": _round(c.running_for),
        "status_age_seconds": _round(c.status_age),
        "slot": status.get("slot"),
        "product": status.get("product"),
        "air_seconds": status.get("air_seconds"),
        "frames": status.get("frames"),
        "repeated_frames": status.get("repeated_frames"),
        "late_frames": status.get("late_frames"),
        "lateness_p99_ms": status.get("lateness_p99_ms"),
        "segments": status.get("segments"),
        "fps": _round(c.fps),
        "sinks": status.get("sinks") or [],
        "writer": status.get("writer"),
        "photos": status.get("photos"),
        "feeds": status.get("feeds") or [],
        "chat": status.get("chat") or [],
        "config_error": status.get("config_error"),
    }


def _count(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def daemon_metrics(source: ReportSource) -> Registry:
    """A registry whose every value is read from `source` at scrape time."""
    registry = Registry()
    registry.gauge("hostcast_up", "1 while the daemon runs.").labels().set(1)
    registry.gauge("hostcast_uptime_seconds", "Seconds since the daemon started.")
    registry.counter("hostcast_config_reloads_total", "Config reloads, by result.", ("result",))
    registry.gauge("hostcast_channel_up", "1 while the channel is on air.", ("channel",))
    registry.counter("hostcast_channel_restarts_total", "Channel process restarts.", ("channel",))
    registry.counter("hostcast_channel_crashes_total", "Channel process crashes.", ("channel",))
    registry.gauge("hostcast_channel_crash_loop", "1 while the channel crashes again and again.",
                   ("channel",))
    registry.gauge("hostcast_status_age_seconds", "Seconds since the channel's last status.",
                   ("channel",))
    registry.gauge("hostcast_lateness_p99_seconds", "99th percentile of video frame lateness.",
                   ("channel",))
    for _, name, text in _CHANNEL_METRICS:
        registry.counter(name, text, ("channel",))
    registry.gauge("hostcast_sink_connected", "1 while the output is connected.",
                   ("channel", "sink"))
    registry.gauge("hostcast_chat_connected", "1 while the platform chat is connected.",
                   ("channel", "chat"))
    for _, name, text in _CHAT_METRICS:
        registry.counter(name, text, ("channel", "chat"))
    for _, name, text in _SINK_METRICS:
        registry.counter(name, text, ("channel", "sink"))

    def collect() -> Iterator[Sample]:
        report = source()
        yield Sample("hostcast_uptime_seconds", report.uptime)
        yield Sample("hostcast_config_reloads_total", report.reloads, {"result": "applied"})
        yield Sample("hostcast_config_reloads_total", report.reloads_refused,
                     {"result": "refused"})
        for channel in report.channels:
            yield from _channel_samples(channel)

    registry.collector(collect)
    return registry


def _channel_samples(c: ChannelReport) -> Iterator[Sample]:
    label = {"channel": c.name}
    yield Sample("hostcast_channel_up", 1.0 if c.state == "on_air" else 0.0, label)
    yield Sample("hostcast_channel_restarts_total", c.restarts, label)
    yield Sample("hostcast_channel_crashes_total", c.crashes, label)
    yield Sample("hostcast_channel_crash_loop", 1.0 if c.crash_loop else 0.0, label)
    if c.status_age is not None:
        yield Sample("hostcast_status_age_seconds", c.status_age, label)
    p99 = (c.status or {}).get("lateness_p99_ms")
    if isinstance(p99, int | float) and not isinstance(p99, bool):
        yield Sample("hostcast_lateness_p99_seconds", p99 / 1000, label)
    for key, name, _ in _CHANNEL_METRICS:
        if key in c.totals:
            yield Sample(name, c.totals[key], label)
    for (sink, key), value in c.sink_totals.items():
        metric = next(name for k, name, _ in _SINK_METRICS if k == key)
        yield Sample(metric, value, {"channel": c.name, "sink": sink})
    sinks = (c.status or {}).get("sinks") or ()
    for sink in sinks:
        if isinstance(sink, dict) and isinstance(sink.get("name"), str):
            connected = 1.0 if sink.get("state") == "connected" else 0.0
            yield Sample("hostcast_sink_connected", connected,
                         {"channel": c.name, "sink": sink["name"]})
    for chat in (c.status or {}).get("chat") or ():
        if isinstance(chat, dict) and isinstance(chat.get("name"), str):
            label = {"channel": c.name, "chat": chat["name"]}
            up = 1.0 if chat.get("state") in ("connected", "listening") else 0.0
            yield Sample("hostcast_chat_connected", up, label)
            for key, name, _ in _CHAT_METRICS:
                if key in chat:
                    yield Sample(name, _count(chat[key]), label)


class HealthServer:
    """Serves `/health` and `/metrics` from a thread of its own; `start`, then `stop`."""

    def __init__(self, source: ReportSource, *, host: str = "127.0.0.1", port: int = 8090,
                 allow_remote: bool = False) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"health host {host}: not loopback; allow_remote opens it")
        self.host = host
        self.port = port  # the bound port once started (port 0 picks a free one)
        self._source = source
        self._registry = daemon_metrics(source)
        self._thread = LoopThread("hostcast-health")
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        """Bind and serve; returns once listening, raises OSError if the address is taken."""
        self._thread.start(self._serve, timeout)
        log.info("health on %s/health, metrics on %s/metrics", self.url, self.url)

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/metrics", self._metrics)
        self._runner, self.port = await serve_app(app, self.host, self.port)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response(health_document(self._source()),
                                 headers={"Cache-Control": "no-store"})

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self._registry.render().encode("utf-8"),
                            headers={"Content-Type": CONTENT_TYPE})

    def stop(self, timeout: float = 10.0) -> None:
        """Close the server and its loop; safe to call twice."""
        runner, self._runner = self._runner, None
        try:
            self._thread.stop(runner.cleanup if runner is not None else None, timeout)
        except Exception:
            log.exception("the health server did not stop cleanly")
