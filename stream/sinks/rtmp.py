"""Push the stream to an RTMP(S) ingest; the network runs in a child process we can kill."""

from __future__ import annotations

import contextlib
import threading
import time

from stream.ingest_url import redact_url
from stream.packets import MediaSpec, Packet, SinkHealth
from stream.sinks.backoff import Backoff
from stream.sinks.gop_buffer import GopBuffer
from stream.sinks.rtmp_link import ChildLink
from stream.sinks.rtmp_url import parse_rtmp_url


class RtmpSink:
    """Pushes FLV to one rtmp:// or rtmps:// URL; reconnects with backoff, restarts on keyframes.

    Each connection starts on the newest buffered keyframe, timestamps rebased to
    start near zero; while off the air only the newest GOP is kept, so a reconnect
    goes out live. Health: `starting` until the first connection, `connected` while
    one is up, `reconnecting` between attempts (with `last_error`; it never gives up,
    so never `failed`), `stopped` after close. `reconnects` counts attempts after
    the first; `sent_bytes` counts payload bytes the child muxed onto a connection;
    `dropped_bytes` what a full buffer, a keyframe restart or a lost link threw away.
    """

    def __init__(
        self,
        url: str,
        name: str | None = None,
        *,
        buffer_bytes: int = 4 * 1024 * 1024,
        connect_timeout: float = 5.0,
        stall_timeout: float = 5.0,
        close_timeout: float = 5.0,
        stable_after: float = 10.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.url = parse_rtmp_url(url)
        self.name = name or redact_url(self.url)
        self.connect_timeout = connect_timeout
        self.stall_timeout = stall_timeout
        self.close_timeout = close_timeout
        self.stable_after = stable_after
        self._backoff = backoff or Backoff(0.5, 10.0)
        self._buffer = GopBuffer(buffer_bytes)
        self._spec: MediaSpec | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._close_by = 0.0
        self._waiting_since: float | None = None  # when data began to wait for the child
        self._link: ChildLink | None = None
        self._lock = threading.Lock()
        self._state = "starting"
        self._sent = 0
        self._lost = 0  # handed to a child that never sent it
        self._reconnects = 0
        self._last_error = ""

    def start(self, spec: MediaSpec) -> None:
        """Begin connecting in the background; returns at once."""
        if self._thread is not None:
            raise RuntimeError(f"sink {self.name} already started")
        self._spec = spec
        self._thread = threading.Thread(target=self._run, name=f"rtmp {self.name}", daemon=True)
        self._thread.start()

    def send(self, packet: Packet) -> None:
        """Queue a packet; never blocks and never raises."""
        with contextlib.suppress(Exception):  # the playout goes on whatever happens here
            if self._thread is None or self._stop.is_set():
                self._buffer.reject(packet)
            else:
                self._buffer.put(packet)

    def close(self) -> None:
        """Send what is buffered within `close_timeout` seconds, then stop the child and worker."""
        self._close_by = time.monotonic() + self.close_timeout
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.close_timeout + 3.0)
        link = self._link
        if link is not None:  # the worker is stuck: do not leave the child behind
            link.kill()
        with self._lock:
            self._state = "stopped"

    def health(self) -> SinkHealth:
        """State and counters, safe to call from any thread."""
        with self._lock:
            link = self._link
            sent = self._sent + (link.written if link else 0)
            return SinkHealth(
                name=self.name,
                state=self._state,
                sent_bytes=sent,
                dropped_bytes=self._buffer.dropped_bytes + self._lost,
                reconnects=self._reconnects,
                last_error=self._last_error,
            )

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                error = self._connection()
            except Exception as unexpected:  # a bug here must not end the retries
                error = f"{type(unexpected).__name__}: {unexpected}"
            if self._stop.is_set():
                if error:  # the last flush failed: say so
                    with self._lock:
                        self._last_error = error
                break
            with self._lock:
                self._state = "reconnecting"
                self._last_error = error
            self._off_air(self._backoff.next_delay())
            if not self._stop.is_set():
                with self._lock:
                    self._reconnects += 1
        self._buffer.clear()  # what close could not send in time

    def _off_air(self, seconds: float) -> None:
        """Wait `seconds` or until close, keeping only the newest GOP, so reconnecting is live."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0 and not self._stop.wait(min(0.1, left)):
            self._buffer.skip_to_latest_keyframe()

    def _connection(self) -> str:
        """Run one child from spawn to end; returns why it ended."""
        assert self._spec is not None
        link = ChildLink(self.url, self._spec)
        with self._lock:
            self._link = link
        try:
            return self._drive(link)
        finally:
            link.kill()
            with self._lock:
                self._link = None
                self._sent += link.written
                self._lost += link.handed - link.written
            up = time.monotonic() - (link.connected_at or time.monotonic())
            if up >= self.stable_after:
                self._backoff.reset()

    def _drive(self, link: ChildLink) -> str:
        live = False
        self._waiting_since = None
        while True:
            now = time.monotonic()
            if link.finished:
                link.process.wait(timeout=2.0)
                return "" if link.closed and self._stop.is_set() else link.exit_reason()
            if link.connected_at is None:
                self._buffer.skip_to_latest_keyframe()  # stay live while connecting
                if self._stop.is_set():
                    return ""  # closed before it connected: nothing was owed
                if now - link.started > self.connect_timeout:
                    return f"no RTMP answer from {self.name} within {self.connect_timeout:g} s"
            elif not live:
                live = True
                self._on_connected()
            elif self._stop.is_set() and now > self._close_by:
                return f"close: {self.name} did not take the rest within {self.close_timeout:g} s"
            elif self._stalled(link, now):
                return f"stalled: {self.name} took no data for {self.stall_timeout:g} s"
            waited = False
            if link.wants_data:
                waited = not link.pending
                packet = self._buffer.get(0.01 if waited else 0.0)
                while packet is not None:
                    link.hand(packet)
                    packet = self._buffer.get() if link.wants_data else None
                if self._stop.is_set() and not link.pending and len(self._buffer) == 0:
                    link.close_input()  # all handed over: let the child finish the FLV
            link.pump(0.0 if waited else 0.01)

    def _stalled(self, link: ChildLink, now: float) -> bool:
        """Whether data has waited `stall_timeout` seconds without the child taking any."""
        if link.handed == link.read and len(self._buffer) == 0:
            self._waiting_since = None
            return False
        if self._waiting_since is None:
            self._waiting_since = now
        return now - max(link.progress_at, self._waiting_since) > self.stall_timeout

    def _on_connected(self) -> None:
        # A fresh connection starts live, on the newest keyframe: the far end wants
        # the present, and a decoder can start nowhere else.
        self._buffer.skip_to_latest_keyframe()
        with self._lock:
            self._state = "connected"
