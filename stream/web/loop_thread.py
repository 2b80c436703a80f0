"""An asyncio event loop in a thread of its own, and an aiohttp app served from it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class LoopThread:
    """Runs an event loop in a daemon thread: `start` it with a setup coroutine, `stop` it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._loop

    def start(self, setup: Callable[[], Awaitable[None]], timeout: float = 10.0) -> None:
        """Start the loop and run `setup` in it; returns once done, raises what it raised."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already running")
        loop = asyncio.new_event_loop()
        started: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._run, args=(loop, setup, started), name=self.name, daemon=True
        )
        self._thread.start()
        try:
            started.result(timeout)
        except BaseException:
            self._thread.join(timeout)
            self._thread = self._loop = None
            raise

    @staticmethod
    def _run(
        loop: asyncio.AbstractEventLoop,
        setup: Callable[[], Awaitable[None]],
        started: concurrent.futures.Future[None],
    ) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(setup())
        except BaseException as exc:
            started.set_exception(exc)
            loop.close()
            return
        started.set_result(None)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run a coroutine in the loop, from any thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(
        self,
        shutdown: Callable[[], Coroutine[Any, Any, None]] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Run `shutdown` in the loop (errors are raised after the loop stops); safe twice."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        failure: BaseException | None = None
        if shutdown is not None:
            try:
                self.submit(shutdown()).result(timeout)
            except Exception as exc:
                failure = exc
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._loop = self._thread = None
        if failure is not None:
            raise failure


async def serve_app(
    app: web.Application, host: str, port: int, *, shutdown_timeout: float = 60.0
) -> tuple[web.AppRunner, int]:
    """Serve `app` on host:port from the running loop; the runner and the bound port."""
    runner = web.AppRunner(
        app, handle_signals=False, shutdown_timeout=shutdown_timeout, access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    sockets = [s for s in runner.addresses if isinstance(s, tuple)]
    return runner, int(sockets[0][1]) if sockets else port
