"""An OpenAI-compatible chat server on 127.0.0.1, scripted answer by answer, for LLM tests."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """One scripted answer: the assistant's text, an HTTP status, or a delay first."""

    content: str = ""
    status: int = 200
    delay: float = 0.0


def pitch(*lines: str) -> Reply:
    return Reply(json.dumps({"lines": list(lines)}))


@dataclass
class FakeChatServer:
    replies: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        reply = self.replies.pop(0) if self.replies else Reply(status=500)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return web.Response(status=reply.status, text="scripted failure")
        body = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content}}]
        }
        return web.json_response(body)

    async def __aenter__(self) -> FakeChatServer:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class ThreadedChatServer:
    """A chat server on 127.0.0.1 in its own thread, answering by the kind of line asked for.

    For code that calls the model from its own threads (a show's producer). `answers` maps a
    kind to the assistant's text, or to an int: an HTTP status. `delay` holds every answer.
    """

    def __init__(self, answers: dict[str, str | int], delay: float = 0.0) -> None:
        self.answers = answers
        self.delay = delay
        self.kinds: list[str] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        found = re.search(r"of kind '(\w+)'", body["messages"][-1]["content"])
        kind = found.group(1) if found else ""
        self.kinds.append(kind)
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = self.answers.get(kind, 500)
        if isinstance(answer, int):
            return web.Response(status=answer, text="scripted failure")
        message = {"role": "assistant", "content": json.dumps({"lines": [answer]})}
        return web.json_response({"choices": [{"index": 0, "message": message}]})

    async def _start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    def __enter__(self) -> ThreadedChatServer:
        self._thread.start()
        self.url = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            cleanup = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
            cleanup.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
