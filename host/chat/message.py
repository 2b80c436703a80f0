"""A viewer's message as it arrives: who wrote it, what, when and through which door."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewerMessage:
    """One chat message, untrusted as received; `received` is a `time.monotonic()` reading."""

    name: str
    text: str
    received: float
    source: str = "page"  # "page" (the preview's chat box), "api", or a connector's name
    client: str = ""  # who sent it, for rate limits: an address, a platform user id
    kind: str = "message"  # or a platform's paid or member event: "superchat", "membership"
