"""The operator's bearer token: the controls and the chat log need it."""

from __future__ import annotations

import hmac

from aiohttp import web

TOKEN = web.AppKey("token", str)


def authorised(request: web.Request) -> None:
    """Refuse (403 without a token on the server, 401 without the right one)."""
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

