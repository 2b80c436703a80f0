"""An OpenAI-compatible chat server on 127.0.0.1, scripted answer by answer, for LLM tests."""

from __future__ import annotations

import asyncio
import json
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
