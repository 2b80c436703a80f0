"""The signed webhook: good signatures in, forged, stale, replayed and oversized ones out."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from stream.web.app import create_app
from stream.web.protocols import ChatEntry, TooManyMessages
from stream.web.webhook import WebhookRefused, WebhookVerifier, signature
from stream.webrtc import WebRtcSink

SECRET = "whsec-4c1f0b1d9e2a77aa01"
TOKEN = "operator-token"


class FakeChat:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.over_limit = False

    def receive(self, name: str, text: str, *, source: str, client: str, received: float,
                kind: str = "message") -> Mapping[str, Any]:
        if self.over_limit:
            raise TooManyMessages("tiktok: over its limit of one message a second", 2.2)
        self.received.append({"name": name, "text": text, "source": source,
                              "client": client, "kind": kind})
        return {"id": str(len(self.received)), "intent": "price", "spoken": True}

    def chat_log(self) -> list[ChatEntry]:
        return []


def signed(body: bytes, *, secret: str = SECRET, stamp: int | None = None,
           nonce: str | None = None) -> dict[str, str]:
    stamp = int(time.time()) if stamp is None else stamp
    nonce = nonce or secrets.token_urlsafe(12)
    return {"X-Hostcast-Timestamp": str(stamp), "X-Hostcast-Nonce": nonce,
            "X-Hostcast-Signature": signature(secret, stamp, nonce, body),
            "Content-Type": "application/json"}


Requests = Callable[[TestClient[Any, Any]], Any]


def run(chat: FakeChat, requests: Requests) -> Any:
    async def go() -> Any:
        app = create_app(WebRtcSink(), lambda: {}, token=TOKEN, chat=chat,
                         webhooks={"tiktok": SECRET})
        async with TestClient(TestServer(app)) as client:
            return await requests(client)

    return asyncio.run(go())


async def post(client: TestClient[Any, Any], body: bytes, headers: Mapping[str, str],
               source: str = "tiktok") -> tuple[int, dict[str, Any], Mapping[str, str]]:
    async with client.post(f"/api/chat/webhook/{source}", data=body, headers=headers) as r:
        return r.status, json.loads(await r.text()), r.headers


BODY = json.dumps({"name": "Julie", "text": "How much is the serum?", "client": "tt-123",
                   "kind": "gift"}).encode()


def test_a_signed_comment_is_taken_with_its_source_and_kind() -> None:
    chat = FakeChat()

    async def requests(client: TestClient[Any, Any]) -> Any:
        return await post(client, BODY, signed(BODY))

    status, reply, _ = run(chat, requests)
    assert status == 202 and reply["intent"] == "price"
    assert chat.received == [{"name": "Julie", "text": "How much is the serum?",
                              "source": "tiktok", "client": "tt-123", "kind": "gift"}]


def test_forged_stale_replayed_and_unsigned_requests_are_refused(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    chat = FakeChat()
    now = int(time.time())
    good = signed(BODY)
    tampered = BODY.replace(b"serum", b"cream")

    async def requests(client: TestClient[Any, Any]) -> list[Any]:
        out = [await post(client, BODY, good)]
        cases: list[tuple[bytes, dict[str, str]]] = [
            (BODY, good),  # the same request again: a replay
            (tampered, signed(BODY)),  # a body other than the one signed
            (BODY, signed(BODY, secret="another-secret-of-16+")),
            (BODY, signed(BODY, stamp=now - 301)),
            (BODY, signed(BODY, stamp=now + 301)),
            (BODY, {k: v for k, v in signed(BODY).items() if k != "X-Hostcast-Nonce"}),
            (BODY, {**signed(BODY), "X-Hostcast-Signature": "md5=abc"}),
            (BODY, {**signed(BODY), "X-Hostcast-Timestamp": "yesterday"}),
        ]
        for body, headers in cases:
            out.append(await post(client, body, headers))
        return out

    results = run(chat, requests)
    assert results[0][0] == 202
    refusals = [(status, reply["field"], reply["error"]) for status, reply, _ in results[1:]]
    assert [r[0] for r in refusals] == [401] * 8
    assert [r[1] for r in refusals] == [
        "X-Hostcast-Nonce", "X-Hostcast-Signature", "X-Hostcast-Signature",
        "X-Hostcast-Timestamp", "X-Hostcast-Timestamp", "X-Hostcast-Nonce",
        "X-Hostcast-Signature", "X-Hostcast-Timestamp"]
    assert "replayed" in refusals[0][2] and "ago" in refusals[3][2]
    assert "in the future" in refusals[4][2]
    assert all(h["WWW-Authenticate"].startswith("HMAC-SHA256") for _, _, h in results[1:])
    assert len(chat.received) == 1  # only the first
    everything = caplog.text + json.dumps([r[1] for r in results])
    assert SECRET not in everything


def test_an_unknown_source_a_big_body_and_a_flood_are_refused() -> None:
    chat = FakeChat()
    big = json.dumps({"name": "J", "text": "x" * 5000}).encode()

    async def requests(client: TestClient[Any, Any]) -> list[Any]:
        out = [await post(client, BODY, signed(BODY), source="twitch"),
               await post(client, big, signed(big))]
        chat.over_limit = True
        out.append(await post(client, BODY, signed(BODY)))
        not_json = b"name=Julie"
        chat.over_limit = False
        out.append(await post(client, not_json, signed(not_json)))
        # the bearer door maps the gate's refusal the same way
        chat.over_limit = True
        async with client.post("/api/chat", json={"name": "J", "text": "hi"},
                               headers={"Authorization": f"Bearer {TOKEN}"}) as r:
            out.append((r.status, json.loads(await r.text()), r.headers))
        return out

    (unknown, too_big, flooded, not_json, api) = run(chat, requests)
    assert unknown[0] == 404 and "twitch" in unknown[1]["error"]
    assert too_big[0] == 413
    assert flooded[0] == 429 and flooded[2]["Retry-After"] == "3"
    assert not_json[0] == 400 and not_json[1]["field"] == "body"
    assert api[0] == 429 and api[2]["Retry-After"] == "3"
    assert chat.received == []


def test_nonces_are_forgotten_after_the_window_and_bounded_meanwhile() -> None:
    clock = [1_000_000.0]
    verifier = WebhookVerifier({"tiktok": SECRET}, window=300, max_nonces=3,
                               clock=lambda: clock[0])

    def send(nonce: str, body: bytes = b"{}") -> None:
        stamp = int(clock[0])
        verifier.verify("tiktok", str(stamp), nonce, signature(SECRET, stamp, nonce, body),
                        body)

    for n in ("nonce-aaa1", "nonce-aaa2", "nonce-aaa3"):
        send(n)
    with pytest.raises(WebhookRefused) as full:
        send("nonce-aaa4")
    assert full.value.status == 503  # full of live nonces: none is forgotten early
    with pytest.raises(WebhookRefused, match="replayed"):
        send("nonce-aaa1")
    clock[0] += 601  # every stored nonce's timestamp is now outside any acceptable window
    send("nonce-aaa4")
    assert len(verifier) == 1
    with pytest.raises(WebhookRefused, match="signed 601 s ago"):
        verifier.verify("tiktok", str(int(clock[0]) - 601), "nonce-aaa1",
                        signature(SECRET, int(clock[0]) - 601, "nonce-aaa1", b"{}"), b"{}")
    # a forged request never takes a place in the memory
    with pytest.raises(WebhookRefused):
        verifier.verify("tiktok", str(int(clock[0])), "nonce-bbb1", "sha256=" + "0" * 64, b"{}")
    assert len(verifier) == 1


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        WebhookVerifier({"tiktok": "short"})
