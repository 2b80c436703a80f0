"""The on-air state and the chat as server-sent events: on each change, at least once a second."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from stream.web.protocols import ChatEntry, StatusSource

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how soon a change reaches the page
HEARTBEAT_SECONDS = 1.0
CHAT_SHOWN = 30  # messages the feed carries, newest last
OPERATOR_ONLY = ("reason",)  # why a message was not answered: the operator's business

ChatLog = Callable[[], list[ChatEntry]]


def public_chat(entries: list[ChatEntry]) -> list[dict[str, Any]]:
    """The chat as every viewer may see it: the newest messages, without operator notes.

    A withheld message (abuse, an attempt to instruct the host) shows no text.
    """
    shown: list[dict[str, Any]] = []
    for entry in entries[-CHAT_SHOWN:]:
        view = {key: value for key, value in entry.items() if key not in OPERATOR_ONLY}
        if entry.get("withheld"):
            view["text"] = ""
        shown.append(view)
    return shown


class StatusFeed:
    """Polls the status source once for all listeners and wakes them when the state changes."""

    def __init__(self, status: StatusSource, extra: Callable[[], dict[str, Any]],
                 *, max_listeners: int = 200, chat: ChatLog | None = None) -> None:
        self._status = status
        self._extra = extra
        self._chat = chat
        self.max_listeners = max_listeners
        self.listeners = 0
        self.text = "{}"
        self.version = 0
        self.closed = False
        self._changed = asyncio.Event()
        self._failing = False
        self._chat_failing = False

    def snapshot(self) -> str:
        try:
            state: dict[str, Any] = dict(self._status())
            self._failing = False
        except Exception as exc:
            if not self._failing:  # log a broken source once, not five times a second
                log.exception("the status source failed")
            self._failing = True
            state = {"error": f"status unavailable: {exc}"}
        if self._chat is not None:
            try:
                state["chat"] = public_chat(self._chat())
                self._chat_failing = False
            except Exception:
                if not self._chat_failing:
                    log.exception("the chat log failed")
                self._chat_failing = True
        state.update(self._extra())
        return json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)

    async def run(self) -> None:
        while not self.closed:
            if self.listeners:
                self._publish(self.snapshot())
            await asyncio.sleep(POLL_SECONDS)

    def _publish(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.version += 1
            self._changed.set()
            self._changed = asyncio.Event()

    async def next_change(self, seen: int, timeout: float) -> None:
        """Return once the state is newer than version `seen`, at close, or after `timeout` s."""
        if self.version != seen or self.closed:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    def close(self) -> None:
        self.closed = True
        self._changed.set()


async def stream_events(request: web.Request, feed: StatusFeed) -> web.StreamResponse:
    if feed.listeners >= feed.max_listeners:
        raise web.HTTPServiceUnavailable(text="too many status listeners")
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no",
    })
    await response.prepare(request)
    feed.listeners += 1
    try:
        if feed.text == "{}":
            feed.text = feed.snapshot()
        await response.write(b"retry: 2000\n\n")
        while not feed.closed:
            seen, text = feed.version, feed.text
            await response.write(f"data: {text}\n\n".encode())
            await feed.next_change(seen, HEARTBEAT_SECONDS)
    except (ConnectionResetError, ConnectionError):
        pass  # the page went away
    finally:
        feed.listeners -= 1
    return response
