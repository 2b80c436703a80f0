"""The preview server: the web app in its own thread and event loop, beside the playout thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from aiohttp import web

from stream.web.app import create_app
from stream.web.loop_thread import LoopThread, serve_app
from stream.web.protocols import Controls, StatusSource
from stream.webrtc.sink import WebRtcSink
from stream.webrtc.viewer import VideoCodec

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_BIND = "127.0.0.1:8080"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def parse_bind(text: str, *, allow_remote: bool = False) -> tuple[str, int]:
    """'HOST:PORT' ('[::1]:8080' for IPv6) to (host, port); a non-loopback host needs consent."""
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ValueError(f"{text!r}: expected HOST:PORT, e.g. {DEFAULT_BIND}")
    host = host.removeprefix("[").removesuffix("]")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"{text!r}: port {port_text!r} is not a number") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"{text!r}: port {port} is out of range 0-65535")
    if not allow_remote and not is_loopback(host):
        raise ValueError(
            f"{text!r}: {host} is not a loopback address; the preview would be open to the "
            "network (allow it explicitly to do that)"
        )
    return host, port


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


class PreviewServer:
    """Serves the preview page and its viewers from a thread of its own; `start`, then `stop`."""

    def __init__(self, sink: WebRtcSink, status: StatusSource, controls: Controls | None = None,
                 *, host: str = "127.0.0.1", port: int = 8080, token: str | None = None,
                 allow_remote: bool = False, max_viewers: int = 50,
                 connect_timeout: float = 20.0,
                 video_codecs: Sequence[VideoCodec] = ("h264", "vp8"),
                 webhooks: Mapping[str, str] | None = None) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"preview host {host}: not loopback; allow_remote=True opens it")
        self.sink = sink
        self.host = host
        self.port = port  # the bound port once started (port 0 picks a free one)
        self._app_args: dict[str, Any] = dict(
            status=status, controls=controls, token=token, max_viewers=max_viewers,
            connect_timeout=connect_timeout, video_codecs=video_codecs, webhooks=webhooks,
            # Loopback only: a page elsewhere cannot reach us by re-pointing its own name here.
            allowed_hosts=None if allow_remote else LOOPBACK_NAMES,
        )
        self._thread = LoopThread("hostcast-preview")
        self._runner: web.AppRunner | None = None
        self._app: web.Application | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._thread.loop

    def start(self, timeout: float = 10.0) -> None:
        """Bind and serve; returns once listening, raises if the address cannot be bound."""
        self._thread.start(self._serve, timeout)
        log.info("preview on %s", self.url)

    async def _serve(self) -> None:
        self.sink.attach(asyncio.get_running_loop())
        self._app = create_app(self.sink, **self._app_args)
        try:
            self._runner, self.port = await serve_app(
                self._app, self.host, self.port, shutdown_timeout=2.0
            )
        except BaseException:
            self.sink.detach()
            raise

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run a coroutine in the server's loop (tests count tasks and viewers this way)."""
        return self._thread.submit(coro)

    def stop(self, timeout: float = 10.0) -> None:
        """Hang up on every viewer, close the server and its loop; safe to call twice."""
        try:
            self._thread.stop(self._shutdown, timeout)
        except Exception:
            log.exception("the preview server did not stop cleanly")

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # runs on_shutdown: every viewer is hung up
        self.sink.detach()
        current = asyncio.current_task()
        leftover = [t for t in asyncio.all_tasks() if t is not current]
        for task in leftover:
            task.cancel()
        await asyncio.gather(*leftover, return_exceptions=True)
