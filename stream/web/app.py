"""The preview web app: the page, WebRTC signalling, the on-air feed and the operator's controls."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from stream.web.events import StatusFeed, stream_events
from stream.web.protocols import Chat, Controls, StatusSource, TooManyMessages
from stream.web.rate_limit import TokenBuckets, take_all
from stream.web.webhook import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookRefused,
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
MAX_CHAT_BODY = 4 * 1024  # one viewer message, as JSON
MAX_NAME = 40  # characters of a viewer's name
MAX_TEXT = 500  # characters of a viewer's message
PAGE_COOKIE = "hostcast_page"  # a random id per page, for the per-page chat limit
_PAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,32}")
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_FIELD = re.compile(r"([A-Za-z][\w.-]*): ")

PEERS = web.AppKey("peers", ViewerPeers)
FEED = web.AppKey("feed", StatusFeed)
CONTROLS: web.AppKey[Controls | None] = web.AppKey("controls")
CHAT: web.AppKey[Chat | None] = web.AppKey("chat")
TOKEN = web.AppKey("token", str)
HOSTS: web.AppKey[frozenset[str] | None] = web.AppKey("hosts")
FEED_TASK: web.AppKey[asyncio.Task[None]] = web.AppKey("feed_task")
WEBHOOKS = web.AppKey("webhooks", WebhookVerifier)
_KIND = re.compile(r"[a-z][a-z_]{0,23}")


@dataclass(frozen=True)
class ChatLimits:
    """How often the page's chat box may post: per page, per address, and all pages together.

    A page without its cookie is limited as a page by its address. The address bucket is
    wider than a page's, for viewers who share one address behind a NAT.
    """

    page: TokenBuckets = field(default_factory=lambda: TokenBuckets(1 / 3, 3))
    client: TokenBuckets = field(default_factory=lambda: TokenBuckets(1.0, 10))
    everyone: TokenBuckets = field(default_factory=lambda: TokenBuckets(5.0, 20))


LIMITS = web.AppKey("chat_limits", ChatLimits)

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
    if not _PAGE_ID.fullmatch(request.cookies.get(PAGE_COOKIE, "")):
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


def _authorised(request: web.Request) -> None:
    token = request.app[TOKEN]
    if not token:
        raise web.HTTPForbidden(text="operator controls are off: the server has no token")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise web.HTTPUnauthorized(
            text="Authorization: a valid 'Bearer TOKEN' is required",
            headers={"WWW-Authenticate": 'Bearer realm="hostcast"'},
        )


async def control(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound(text=f"action: {action!r} is not one of {', '.join(ACTIONS)}")
    _authorised(request)
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


def _chat(request: web.Request) -> Chat:
    chat = request.app[CHAT]
    if chat is None:
        raise web.HTTPServiceUnavailable(text="the chat is not wired on this server")
    return chat


async def _chat_body(request: web.Request) -> dict[str, Any]:
    """The message's JSON object, read no further than MAX_CHAT_BODY bytes."""
    return _chat_json(await _chat_raw(request))


async def _chat_raw(request: web.Request) -> bytes:
    """The request's body as sent, read no further than MAX_CHAT_BODY bytes."""
    size = request.content_length
    if size is not None and size > MAX_CHAT_BODY:
        raise web.HTTPRequestEntityTooLarge(
            MAX_CHAT_BODY, size, text=f"body: {size} bytes, at most {MAX_CHAT_BODY}"
        )
    raw = await request.content.read(MAX_CHAT_BODY + 1)
    if len(raw) > MAX_CHAT_BODY:
        raise web.HTTPRequestEntityTooLarge(
            MAX_CHAT_BODY, len(raw), text=f"body: over {MAX_CHAT_BODY} bytes"
        )
    return raw


def _chat_json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise web.HTTPBadRequest(text="body: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise web.HTTPBadRequest(text=f"body: not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='body: must be a JSON object {"name": ..., "text": ...}')
    return body


def _chat_field(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise web.HTTPBadRequest(text=f"{name}: missing; send a non-empty string")
    if len(value) > limit:
        raise web.HTTPBadRequest(text=f"{name}: {len(value)} characters, at most {limit}")
    return value


def _client_field(body: dict[str, Any]) -> str:
    client = body.get("client", "")
    if not isinstance(client, str) or len(client) > 100:
        raise web.HTTPBadRequest(text="client: a string of at most 100 characters")
    return client


def _kind_field(body: dict[str, Any]) -> str:
    kind = body.get("kind", "message")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise web.HTTPBadRequest(text="kind: a short lower-case word such as 'message' or "
                                      "'superchat'")
    return kind


async def _post_chat(request: web.Request, body: dict[str, Any], *, source: str,
                     client: str, received: float, kind: str = "message") -> web.Response:
    chat = _chat(request)
    name, text = _chat_field(body, "name", MAX_NAME), _chat_field(body, "text", MAX_TEXT)
    extra: dict[str, Any] = {} if kind == "message" else {"kind": kind}
    loop = asyncio.get_running_loop()
    try:
        # Cleaning and sorting the message is quick, but it must never hold up the video.
        receipt = await loop.run_in_executor(
            None, lambda: chat.receive(name, text, source=source, client=client,
                                       received=received, **extra)
        )
    except TooManyMessages as exc:
        raise web.HTTPTooManyRequests(
            text=str(exc), headers={"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
        ) from None
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    return web.json_response(dict(receipt), status=202)


async def chat_api(request: web.Request) -> web.Response:
    """A comment from a platform connector: operator token required, no rate limit here."""
    received = time.monotonic()
    _authorised(request)
    body = await _chat_body(request)
    source = body.get("source", "api")
    if not isinstance(source, str) or not _SOURCE.fullmatch(source):
        raise web.HTTPBadRequest(text="source: a short lower-case name such as 'tiktok'")
    return await _post_chat(request, body, source=source, client=_client_field(body),
                            received=received, kind=_kind_field(body))


async def chat_webhook(request: web.Request) -> web.Response:
    """A comment from a platform's bridge, signed with that source's shared secret (no
    bearer token: the bridge holds only the secret of its own source)."""
    received = time.monotonic()
    source = request.match_info["source"]
    raw = await _chat_raw(request)
    headers = request.headers
    try:
        request.app[WEBHOOKS].verify(source, headers.get(TIMESTAMP_HEADER),
                                     headers.get(NONCE_HEADER), headers.get(SIGNATURE_HEADER),
                                     raw)
    except WebhookRefused as exc:
        if exc.status == 404:
            raise web.HTTPNotFound(text=str(exc)) from None
        if exc.status == 503:
            raise web.HTTPServiceUnavailable(text=str(exc), headers={"Retry-After": "5"}) \
                from None
        log.warning("webhook %s refused from %s: %s", source, request.remote, exc)
        raise web.HTTPUnauthorized(
            text=str(exc), headers={"WWW-Authenticate": 'HMAC-SHA256 realm="hostcast"'}
        ) from None
    body = _chat_json(raw)
    return await _post_chat(request, body, source=source, client=_client_field(body),
                            received=received, kind=_kind_field(body))


async def chat_page(request: web.Request) -> web.Response:
    """A message from the page's chat box: no token, but limited per page and per address."""
    received = time.monotonic()
    if request.content_type != "application/json":
        # A form on another site cannot send JSON without asking first: no cross-site posts.
        raise web.HTTPUnsupportedMediaType(text="Content-Type: send application/json")
    address = request.remote or "unknown"
    page_id = request.cookies.get(PAGE_COOKIE, "")
    page_key = page_id if _PAGE_ID.fullmatch(page_id) else f"address:{address}"
    limits = request.app[LIMITS]
    wait = take_all([(limits.everyone, "all"), (limits.client, address),
                     (limits.page, page_key)], received)
    if wait > 0:
        raise web.HTTPTooManyRequests(
            text=f"too many messages: wait {wait:.1f} s before the next one",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    body = await _chat_body(request)
    return await _post_chat(request, body, source="page", client=address, received=received)


async def chat_log(request: web.Request) -> web.Response:
    """The recent messages with the operator's notes (why one was not answered)."""
    _authorised(request)
    return web.json_response({"chat": _chat(request).chat_log()})


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
