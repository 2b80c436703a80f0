"""The preview web app: the page, WebRTC signalling, the on-air feed and the operator's controls."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from stream.web.chat_doors import (
    CHAT,
    LIMITS,
    PAGE_COOKIE,
    PAGE_ID,
    WEBHOOKS,
    ChatLimits,
    chat_api,
    chat_log,
    chat_page,
    chat_webhook,
)
from stream.web.events import StatusFeed, stream_events
from stream.web.operator_token import TOKEN, authorised
from stream.web.protocols import Chat, Controls, StatusSource
from stream.web.webhook import (
    WebhookVerifier,
)
from stream.webrtc.peers import NotOnAirError, OfferError, ViewerLimitError, ViewerPeers
from stream.webrtc.sink import WebRtcSink
from stream.webrtc.viewer import VideoCodec

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
MAX_BODY = 64 * 1024
MAX_SAY = 500  # characters the presenter is asked to say at once
ACTIONS = ("skip", "pin", "say", "pause", "resume")
_FIELD = re.compile(r"([A-Za-z][\w.-]*): ")

PEERS = web.AppKey("peers", ViewerPeers)
FEED = web.AppKey("feed", StatusFeed)
CONTROLS: web.AppKey[Controls | None] = web.AppKey("controls")
HOSTS: web.AppKey[frozenset[str] | None] = web.AppKey("hosts")
FEED_TASK: web.AppKey[asyncio.Task[None]] = web.AppKey("feed_task")


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """A refusal as JSON: the message, and the field it names first ("text: too long")."""
    named = _FIELD.match(message)
    return web.json_response(
        {"error": message, "field": named.group(1) if named else None},
        status=status, headers=headers,
    )


@web.middleware
async def _errors_as_json(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every refusal is JSON with a message; oversized bodies stop before they are read."""
    allowed = request.app[HOSTS]
    if allowed is not None and _host_name(request.host) not in allowed:
        return _error(421, f"Host: {request.host!r} is not this preview's address")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _error(413, f"request body of {request.content_length} bytes: limit {MAX_BODY}")
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        kept = {k: v for k, v in exc.headers.items() if k in ("Retry-After", "WWW-Authenticate")}
        return _error(exc.status, message or exc.reason, kept)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except json.JSONDecodeError as exc:
        raise web.HTTPBadRequest(text=f"body: not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body: must be a JSON object")
    return body


async def page(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})
    if not PAGE_ID.fullmatch(request.cookies.get(PAGE_COOKIE, "")):
        response.set_cookie(PAGE_COOKIE, secrets.token_urlsafe(12), path="/api/chat/",
                            httponly=True, samesite="Strict")
    return response


async def offer(request: web.Request) -> web.Response:
    body = await _json_body(request)
    sdp, kind = body.get("sdp"), body.get("type", "offer")
    if not isinstance(sdp, str) or not sdp.strip():
        raise web.HTTPBadRequest(text='sdp: missing; send {"sdp": "v=0...", "type": "offer"}')
    if not isinstance(kind, str):
        raise web.HTTPBadRequest(text="type: must be the string 'offer'")
    try:
        answer = await request.app[PEERS].answer(sdp, kind)
    except OfferError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    except (ViewerLimitError, NotOnAirError) as exc:
        raise web.HTTPServiceUnavailable(text=str(exc)) from None
    return web.json_response({"sdp": answer.sdp, "type": answer.type})


async def events(request: web.Request) -> web.StreamResponse:
    return await stream_events(request, request.app[FEED])


async def control(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound(text=f"action: {action!r} is not one of {', '.join(ACTIONS)}")
    authorised(request)
    controls = request.app[CONTROLS]
    if controls is None:
        raise web.HTTPServiceUnavailable(text="operator controls are not wired on this server")
    body = await _json_body(request) if request.can_read_body else {}
    call: Any
    if action == "pin":
        if "product_id" not in body:
            raise web.HTTPBadRequest(text='product_id: missing; send {"product_id": "SKU"} '
                                          "or null to unpin")
        product_id = body["product_id"]
        if product_id is not None and not isinstance(product_id, str):
            raise web.HTTPBadRequest(text="product_id: must be a string, or null to unpin")
        call = (controls.pin, product_id)
    elif action == "say":
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPBadRequest(text='text: missing; send {"text": "what to say"}')
        if len(text) > MAX_SAY:
            raise web.HTTPBadRequest(text=f"text: {len(text)} characters, at most {MAX_SAY}")
        call = (controls.say, text.strip())
    else:
        call = (getattr(controls, action),)
    loop = asyncio.get_running_loop()
    try:
        # The show's side may take a lock or check a line: keep the loop serving video.
        result = await loop.run_in_executor(None, *call)
    except (ValueError, KeyError) as exc:
        raise web.HTTPBadRequest(text=f"{action}: {exc}") from None
    if isinstance(result, str) and result:
        return _error(422, result)
    return web.json_response({"ok": True, "action": action})


async def _start_feed(app: web.Application) -> None:
    app[FEED_TASK] = asyncio.create_task(app[FEED].run())


async def _stop(app: web.Application) -> None:
    app[FEED].close()
    await app[PEERS].close_all()


async def _stop_feed(app: web.Application) -> None:
    task = app[FEED_TASK]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def create_app(sink: WebRtcSink, status: StatusSource, controls: Controls | None = None, *,
               token: str | None = None, max_viewers: int = 50, connect_timeout: float = 20.0,
               allowed_hosts: frozenset[str] | None = None,
               video_codecs: Sequence[VideoCodec] = ("h264", "vp8"),
               chat: Chat | None = None, chat_limits: ChatLimits | None = None,
               webhooks: Mapping[str, str] | None = None) -> web.Application:
    """The aiohttp app; run it in the loop the sink is attached to.

    `allowed_hosts`: the names the Host header may carry (None: any). `video_codecs`: in
    order of preference; ("vp8",) sends every viewer the shared VP8 encode instead.
    `chat`: where viewers' messages go (default: `controls`, when it takes them too).
    `webhooks`: source name -> shared secret, for the signed POST /api/chat/webhook/SOURCE.
    """
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_errors_as_json])
    peers = ViewerPeers(sink, max_viewers=max_viewers, connect_timeout=connect_timeout,
                        video_codecs=video_codecs)
    if chat is None and isinstance(controls, Chat):
        chat = controls  # the show's side takes both (PreviewServer passes one object)
    app[PEERS] = peers
    app[FEED] = StatusFeed(status, lambda: {"viewers": len(peers)},
                           chat=chat.chat_log if chat is not None else None)
    app[CONTROLS] = controls
    app[CHAT] = chat
    app[LIMITS] = chat_limits or ChatLimits()
    app[TOKEN] = token or ""
    app[HOSTS] = allowed_hosts
    app[WEBHOOKS] = WebhookVerifier(webhooks or {})
    app.router.add_get("/", page)
    app.router.add_static("/static/", STATIC, append_version=False)
    app.router.add_post("/api/offer", offer)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/control/{action}", control)
    app.router.add_post("/api/chat", chat_api)
    app.router.add_get("/api/chat", chat_log)
    app.router.add_post("/api/chat/page", chat_page)
    app.router.add_post("/api/chat/webhook/{source}", chat_webhook)
    app.on_response_prepare.append(_headers)
    app.on_startup.append(_start_feed)
    app.on_shutdown.append(_stop)
    app.on_cleanup.append(_stop_feed)
    return app
