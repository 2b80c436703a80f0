"""Viewers' messages in: the page's chat box, the token door for connectors, signed webhooks."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from stream.web.operator_token import authorised
from stream.web.protocols import Chat, TooManyMessages
from stream.web.rate_limit import TokenBuckets, take_all
from stream.web.webhook import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookRefused,
    WebhookVerifier,
)

log = logging.getLogger(__name__)

MAX_CHAT_BODY = 4 * 1024  # one viewer message, as JSON
MAX_NAME = 40  # characters of a viewer's name
MAX_TEXT = 500  # characters of a viewer's message
PAGE_COOKIE = "hostcast_page"  # a random id per page, for the per-page chat limit
PAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,32}")
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_KIND = re.compile(r"[a-z][a-z_]{0,23}")

CHAT: web.AppKey[Chat | None] = web.AppKey("chat")
WEBHOOKS = web.AppKey("webhooks", WebhookVerifier)


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
    authorised(request)
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
    page_key = page_id if PAGE_ID.fullmatch(page_id) else f"address:{address}"
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
    authorised(request)
    return web.json_response({"chat": _chat(request).chat_log()})
