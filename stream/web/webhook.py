"""Signed webhooks: a platform's bridge posts comments to us, signed with a shared secret.

A request carries three headers:

    X-Hostcast-Timestamp: 1764720000            (unix seconds, when it was signed)
    X-Hostcast-Nonce: 3f9c2a7be1d04c55           (8 to 64 of A-Z a-z 0-9 _ -, never reused)
    X-Hostcast-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{nonce}." + body)>

It is refused when the signature does not match, when it was signed more than `window`
seconds from now either way, or when its nonce was already seen in that window (a replay).
A nonce is remembered only once its signature is good, so nobody without the secret can
fill the memory; it is forgotten once its timestamp leaves the window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

TIMESTAMP_HEADER = "X-Hostcast-Timestamp"
NONCE_HEADER = "X-Hostcast-Nonce"
SIGNATURE_HEADER = "X-Hostcast-Signature"
_NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
MIN_SECRET = 16  # characters; 32 random bytes in hex is good


class WebhookRefused(Exception):
    """Why a webhook request was refused; `field` is the header (or path part) at fault."""

    def __init__(self, reason: str, field: str, status: int = 401) -> None:
        super().__init__(f"{field}: {reason}")
        self.reason = reason
        self.field = field
        self.status = status


def signature(secret: str, timestamp: int | str, nonce: str, body: bytes) -> str:
    """The X-Hostcast-Signature header value for `body` (what a sender computes too)."""
    message = f"{timestamp}.{nonce}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class WebhookVerifier:
    """Checks signed requests for the sources in `secrets` (source name -> secret).

    Thread-safe. At most `max_nonces` nonces are held; when all of them are still inside the
    window, a new request is refused as busy (503) rather than forgetting one that could then
    be replayed.
    """

    def __init__(self, secrets: Mapping[str, str], *, window: float = 300.0,
                 max_nonces: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        if not window > 0:
            raise ValueError(f"window: expected seconds > 0, got {window!r}")
        if max_nonces < 1:
            raise ValueError(f"max_nonces: expected at least 1, got {max_nonces!r}")
        for source, secret in secrets.items():
            if len(secret) < MIN_SECRET:
                raise ValueError(f"webhook:{source}: the secret is {len(secret)} characters, "
                                 f"use at least {MIN_SECRET} (32 random bytes in hex is good)")
        self._secrets = dict(secrets)
        self.window = window
        self.max_nonces = max_nonces
        self.clock = clock
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()  # oldest stamp first
        self._lock = threading.Lock()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self._secrets)

    def __len__(self) -> int:
        return len(self._seen)

    def verify(self, source: str, timestamp: str | None, nonce: str | None,
               signed: str | None, body: bytes) -> None:
        """Accept the request or raise WebhookRefused; records the nonce when accepted."""
        secret = self._secrets.get(source)
        if secret is None:
            raise WebhookRefused(f"no webhook named {source!r} on this show", "source", 404)
        if not timestamp:
            raise WebhookRefused("missing; send the unix time of signing", TIMESTAMP_HEADER)
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise WebhookRefused("not a unix time in whole seconds", TIMESTAMP_HEADER)
        if not nonce:
            raise WebhookRefused("missing; send a fresh random string per request", NONCE_HEADER)
        if not _NONCE.fullmatch(nonce):
            raise WebhookRefused("8 to 64 of A-Z a-z 0-9 _ -", NONCE_HEADER)
        if not signed:
            raise WebhookRefused("missing; send sha256=<hex HMAC>", SIGNATURE_HEADER)
        given = _SIGNATURE.fullmatch(signed.strip())
        if given is None:
            raise WebhookRefused("expected sha256= and 64 hex digits", SIGNATURE_HEADER)
        now = self.clock()
        skew = int(timestamp) - now
        if abs(skew) > self.window:
            when = "in the future" if skew > 0 else "ago"
            raise WebhookRefused(f"signed {abs(skew):.0f} s {when}, outside the "
                                 f"{self.window:.0f} s window (check the sender's clock)",
                                 TIMESTAMP_HEADER)
        expected = signature(secret, timestamp, nonce, body).partition("=")[2]
        if not hmac.compare_digest(expected, given.group(1).lower()):
            raise WebhookRefused("does not match the body and this source's secret",
                                 SIGNATURE_HEADER)
        key = (source, nonce)
        with self._lock:
            self._forget(now)
            if key in self._seen:
                raise WebhookRefused("already used: a replayed request", NONCE_HEADER)
            if len(self._seen) >= self.max_nonces:
                raise WebhookRefused("too many requests in the window; retry later",
                                     NONCE_HEADER, 503)
            self._seen[key] = now

    def _forget(self, now: float) -> None:
        # Nonces are stored in arrival order; a request is taken at most `window` s after its
        # timestamp, so one seen more than twice the window ago can never be replayed now.
        horizon = now - 2 * self.window
        while self._seen:
            key, stamp = next(iter(self._seen.items()))
            if stamp >= horizon:
                break
            del self._seen[key]
