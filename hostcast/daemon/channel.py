"""One channel of `hostcast daemon` on air: its schedule, as-run log, reloads and status.

The supervisor runs each channel as `hostcast daemon --config F --channel NAME`, which
calls `run_channel`. The child prints one JSON status line a second on stdout (see
`ChannelRunner.status`) and logs on stderr. Exit codes: 0 after SIGTERM, SIGINT or
`stop`; RESTART_EXIT when a reloaded config changes what only a new process can apply
(outputs, size, fps, the channel's avatar, the state file): the supervisor starts the
channel again at once, with the new config. A config that is invalid at start raises
ConfigError (InvalidConfigError lists every problem); the caller reports it. Unless the
state file holds the last config that validated: then the channel airs that one, logs
every problem of the file and shows them as `config_error` until the file is fixed.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from host.catalog.fetch.feed_mirror import FeedRefresher
from host.catalog.model import Product
from host.chat.connector import JsonLinesFeed
from host.errors import ConfigError, StateError
from host.paths import shown
from host.script.running_order import SHOW_INTERVAL
from host.script.steering import Steering
from host.segment.segment import Segment
from hostcast.chat.platform_chats import show_chats
from hostcast.cli.live import LiveShow
from hostcast.cli.on_air import OnAir
from hostcast.daemon.as_run import AsRunLog, as_run_entry
from hostcast.daemon.exit_codes import RESTART_EXIT
from hostcast.daemon.programmes import ProgrammeShows
from hostcast.daemon.reload import ConfigWatch, restart_reason
from hostcast.daemon.scheduled_show import ScheduledShow
from hostcast.daemon.state_store import StateStore
from hostcast.daemon.supervisor import STATE_ENV
from hostcast.environment import Environment
from hostcast.fetching import feed_mirrors
from hostcast.schedule.config import HostcastConfig, InvalidConfigError, load_config

log = logging.getLogger(__name__)

STATUS_EVERY = 1.0  # seconds between two status lines
RELOAD_EVERY = 2.0  # seconds between two looks at the config's and catalogs' files

WallClock = Callable[[], datetime]
SegmentHook = Callable[[Segment, float], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run_channel(
    config_path: Path,
    name: str,
    *,
    stop: threading.Event | None = None,
    clock: WallClock = _utc_now,
    out: IO[str] | None = None,
    on_aired: SegmentHook | None = None,
    lookahead: float | None = None,
) -> int:
    """Air channel `name` of the config at `config_path` until SIGTERM, SIGINT or `stop`.

    `clock` is the wall clock the schedule and sales are judged by; status lines go to
    `out` (default stdout); `on_aired` hears each segment as it airs (after the as-run
    log has it queued). Returns 0, or RESTART_EXIT (see the module's docstring). The last
    good config is looked for in the state file the supervisor names in $HOSTCAST_STATE.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(
            stream=sys.stderr, level=logging.INFO,
            format=f"%(asctime)s %(levelname)s channel={name} %(name)s: %(message)s",
        )
    env = Environment.read()  # this process's one read of its environment
    last_good = env.variables.get(STATE_ENV)
    runner = ChannelRunner(
        Path(config_path), name, clock=clock, lookahead=lookahead, env=env,
        last_good=Path(last_good) if last_good else None,
    )
    return runner.run(stop, out or sys.stdout, on_aired)


class ChannelRunner:
    """The parts of one channel on air, wired; `run()` airs it until stopped."""

    def __init__(
        self, config_path: Path, name: str, *, clock: WallClock, lookahead: float | None = None,
        env: Environment | None = None, last_good: Path | None = None,
    ) -> None:
        """`last_good`: the state file to find the last good config in, if the file fails;
        `env`: the process's environment (tokens, API keys), read once at its start."""
        env = env or Environment()
        self.path = config_path
        self.name = name
        self.clock = clock
        config, refused = _starting_config(config_path, clock(), last_good)
        try:
            channel = config.channel(name)
        except KeyError:
            names = ", ".join(c.name for c in config.channels)
            raise ConfigError(
                f"{shown(config_path)}: no channel named {name!r} (channels: {names})"
            ) from None
        self.config = config
        self.last_error: str | None = None
        self.config_error: str | None = refused
        self.exit_code = 0
        self.slot_on_air: str | None = None
        self.store = StateStore.open(config.daemon.state)
        try:
            state = self.store.load_rotation(name)
            last = self.store.last_aired(name)
        except StateError as exc:
            log.error("%s; the rotation starts afresh", exc)
            state, last = None, None
        # Back within minutes of the last line (a crash, a restart): viewers heard the
        # greeting and disclosure a moment ago, so the rotation simply goes on.
        opening = last is None or (
            clock() - last.aired_at > timedelta(seconds=SHOW_INTERVAL + last.duration)
        )
        self._on_air: OnAir | None = None
        try:
            self.shows = ProgrammeShows(channel, config, self.moment, env)
        except BaseException:
            self.store.close()
            raise
        try:
            self.shows.prepare(channel, config)
            self.feed = ScheduledShow(
                config, name, self.shows, self.moment, state=state, opening=opening
            )
            self.chats = show_chats(
                channel.settings.chat, channel.outputs.preview is not None,
                f"{shown(config_path)}: channel[{name}].chat", env.variables,
            )
            live = LiveShow(
                self.shows.main, Steering(), products=self._products, slot=self._slot,
                barge_in=channel.settings.barge_in, chats=self.chats,
            )
            self.live = live
            self._on_air = OnAir(
                self.shows.main, channel.outputs, lookahead=lookahead or channel.settings.lookahead,
                segments=self.feed.segments, on_segment=self._aired,
                whip_token=env.whip_token, token=env.operator_token,
                allow_remote=config.daemon.allow_remote, live=live,
            )
        except BaseException:
            self.shows.close()
            self.store.close()
            raise
        self.as_run = AsRunLog(self.store, on_error=self._state_error)
        self.watch = ConfigWatch(config)
        # Catalog URLs are fetched again on a thread: a new version lands in its local
        # copy, which the watch sees, and the reload checks it like an edited file.
        self.feeds = feed_mirrors(config.daemon.cache)
        self._follow_feeds(config)
        self.refresher = FeedRefresher(self.feeds, config.daemon.catalog_refresh * 60)
        self._on_aired: SegmentHook | None = None
        if refused is None:
            self._remember(config)

    def _follow_feeds(self, config: HostcastConfig) -> None:
        for url, currency in config.feeds:
            self.feeds.mirror(url, currency)

    def _remember(self, config: HostcastConfig) -> None:
        """Keep `config`'s text as the last good one, for a start on a broken file."""
        try:
            self.store.save_good_config(self.path, config.text, self.clock())
        except StateError as exc:
            log.error("%s; the last good configuration is not kept", exc)

    @property
    def on_air(self) -> OnAir:
        assert self._on_air is not None
        return self._on_air

    def moment(self) -> datetime:
        """The wall-clock instant the next line built will air: now plus what is queued."""
        ahead = self._on_air.ahead() if self._on_air is not None else 0.0
        return self.clock() + timedelta(seconds=ahead)

    def _products(self) -> tuple[Product, ...]:
        return self.feed.airing(self.clock()).products

    def _slot(self) -> str | None:
        return self.slot_on_air

    def _state_error(self, exc: StateError) -> None:
        self.last_error = str(exc)

    def _aired(self, segment: Segment, at: float) -> None:
        playout = self.on_air.playout
        behind = playout.air_time - at if playout is not None else 0.0
        aired_at = self.clock() - timedelta(seconds=behind)
        note = self.feed.note(segment)
        slot = note.slot if note is not None else (self.slot_on_air or "")
        lang = note.lang if note is not None else self.feed.current.lang
        self.slot_on_air = slot
        entry = as_run_entry(self.name, segment, aired_at, slot=slot, lang=lang)
        self.as_run.record(entry, note.rotation if note is not None else None)
        if self._on_aired is not None:
            self._on_aired(segment, at)

    def run(
        self, stop: threading.Event | None, out: IO[str], on_aired: SegmentHook | None = None
    ) -> int:
        self._on_aired = on_aired
        on_air = self.on_air
        outputs = self.config.channel(self.name).outputs
        feed: JsonLinesFeed | None = None
        try:
            try:
                on_air.start()
            except OSError as exc:
                host, port = outputs.preview or ("", 0)
                raise ConfigError(
                    f"{shown(self.path)}: channel[{self.name}].outputs.preview: cannot serve "
                    f"on {host}:{port}: {exc}"
                ) from None
            if on_air.server is not None:
                print(f"channel {self.name}: preview {on_air.server.url}  (operator token: "
                      f"{on_air.token})", file=sys.stderr, flush=True)
            feed = self._chat_feed()
            self.chats.start(self.live.ask)  # each connector reports its own trouble
            self.refresher.start()  # a reload may bring a catalog URL: it looks every time
            self._signals()
            log.info("channel %s on air", self.name)
            ticks = 0

            def tick() -> None:
                nonlocal ticks
                ticks += 1
                if stop is not None and stop.is_set():
                    on_air.stop.set()
                    return
                if ticks % max(1, round(RELOAD_EVERY / STATUS_EVERY)) == 0 and self.watch.due():
                    self.reload()
                self._print_status(out)

            on_air.run(STATUS_EVERY, tick)
        finally:
            self.chats.stop()
            self.refresher.stop()
            if feed is not None:
                feed.stop()
            on_air.close()
            self.as_run.close()
            self._print_status(out)
            self.shows.close()
            self.store.close()
        return self.exit_code

    def _chat_feed(self) -> JsonLinesFeed | None:
        """The channel's `chat_feed`, followed into its live show's questions, if it has one."""
        path = self.config.channel(self.name).settings.chat_feed
        if path is None:
            return None
        feed = JsonLinesFeed(path)
        try:
            feed.start(self.live.take)
        except OSError as exc:
            raise ConfigError(
                f"{shown(self.path)}: channel[{self.name}].chat_feed: cannot read {path}: {exc}"
            ) from None
        return feed

    def _signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signals reach the main thread only; a caller in a thread passes `stop`
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.on_air.stop.set())
        signal.signal(signal.SIGHUP, lambda *_: self.watch.request())

    def reload(self) -> None:
        """Load the config again; apply it at the next line, refuse it, or ask for a restart."""
        try:
            config = load_config(self.path, now=self.clock())
            config.channel(self.name)
        except InvalidConfigError as exc:
            for problem in exc.problems:
                log.error("reload refused: %s", problem)
            self._refuse("; ".join(exc.problems))
            return
        except KeyError:
            self._refuse(f"{shown(self.path)}: channel {self.name!r} is gone from the config")
            return
        reason = restart_reason(self.config, config, self.name)
        if reason is not None:
            log.warning("reload: %s; restarting the channel to apply it (exit %d)",
                        reason, RESTART_EXIT)
            self.exit_code = RESTART_EXIT
            self.on_air.stop.set()
            return
        try:
            self.shows.prepare(config.channel(self.name), config)
        except ConfigError as exc:
            log.error("reload refused: %s", exc)
            self._refuse(str(exc))
            return
        self.feed.apply(config)
        self._follow_feeds(config)
        self.config = config
        self.config_error = None
        self.watch.watch(config)
        self._remember(config)
        log.info("reload: %s applied from the next line", shown(self.path))

    def _refuse(self, problem: str) -> None:
        self.config_error = problem
        self.watch.refresh()
        log.error("channel %s stays on air with the config it has", self.name)

    def status(self) -> dict[str, Any]:
        """The status line's fields: what airs, how the air goes, and what went wrong."""
        air = self.on_air.figures()
        card = self.on_air.show.picture.overlay.card
        producer = self.on_air.producer
        if producer is not None and producer.error is not None:
            self.last_error = f"segment producer: {producer.error}"
        return {
            "type": "status",
            "channel": self.name,
            "time": self.clock().astimezone(UTC).isoformat(timespec="milliseconds"),
            "slot": self.slot_on_air,
            "product": card.product_id if card is not None else None,
            "air_seconds": round(air.air_seconds, 2),
            "frames": air.frames,
            "repeated_frames": air.repeated_frames,
            "late_frames": air.late_frames,
            "lateness_p99_ms": round(air.lateness_p99 * 1000, 1),
            "segments": air.segments,
            "sinks": [
                {
                    "name": health.name, "state": health.state, "reconnects": health.reconnects,
                    "sent_bytes": health.sent_bytes, "dropped_bytes": health.dropped_bytes,
                    "last_error": health.last_error or None,
                }
                for health in air.sinks
            ],
            "writer": self.shows.stats(self.feed.current),
            "photos": self.feed.current.photos.stats() if self.feed.current.photos else None,
            "feeds": self.feeds.status(),
            "chat": self.chats.status(self.live.gate),
            "last_error": self.last_error,
            "config_error": self.config_error,
        }

    def _print_status(self, out: IO[str]) -> None:
        try:
            out.write(json.dumps(self.status(), separators=(",", ":")) + "\n")
            out.flush()
        except (OSError, ValueError):  # the supervisor is gone: the air goes on regardless
            pass


def _starting_config(
    path: Path, now: datetime, last_good: Path | None
) -> tuple[HostcastConfig, str | None]:
    """The config to start on, and the file's problems when it is the last good one instead."""
    try:
        return load_config(path, now=now), None
    except InvalidConfigError as exc:
        text = _last_good_text(path, last_good)
        if text is None:
            raise
        try:
            config = load_config(path, now=now, text=text)
        except InvalidConfigError:
            raise exc from None  # the file's problems are the ones to fix
        for problem in exc.problems:
            log.error("config refused: %s", problem)
        log.error("%s does not validate: airing the last configuration that did",
                  shown(path))
        return config, "; ".join(exc.problems)


def _last_good_text(path: Path, state: Path | None) -> str | None:
    if state is None or not state.is_file():
        return None
    try:
        with StateStore.open(state) as store:
            return store.good_config(path)
    except StateError as exc:
        log.error("%s; no last good configuration to fall back on", exc)
        return None
