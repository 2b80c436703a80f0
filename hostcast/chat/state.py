"""What one platform chat connector is doing, for the page, /health, /metrics and status."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

STATES = ("starting", "connected", "backing_off", "ended", "stopped", "failed")


class ConnectorState:
    """A connector's state and counters; every method is thread-safe and cheap.

    `state` is one of STATES: "backing_off" carries the reason and when the next try is
    due, "ended" means the platform's chat is over (the connector stopped by itself),
    "failed" that it cannot go on without the operator (bad credentials, no such chat).
    The counters: `messages_in` taken from the platform, `ignored` (the channel's owner,
    the host itself, events with nothing to answer), `reconnects`.
    """

    def __init__(self, name: str, platform: str) -> None:
        self.name = name  # as the operator wrote it, credentials left out: "twitch:#shop"
        self.platform = platform  # "youtube", "twitch", "irc", ...
        self._lock = threading.Lock()
        self._state = "starting"
        self._reason = ""
        self._since = time.time()
        self._retry_at: float | None = None
        self._counts = {"messages_in": 0, "ignored": 0, "reconnects": 0}

    @property
    def state(self) -> str:
        return self._state

    @property
    def reason(self) -> str:
        return self._reason

    def set(self, state: str, reason: str = "") -> None:
        if state not in STATES:
            raise ValueError(f"state {state!r}: must be one of {', '.join(STATES)}")
        with self._lock:
            if state != self._state:
                self._since = time.time()
            self._state, self._reason, self._retry_at = state, reason, None

    def backing_off(self, reason: str, seconds: float) -> None:
        """The connection dropped or was refused: the next try is in `seconds`."""
        with self._lock:
            if self._state != "backing_off":
                self._since = time.time()
            self._state, self._reason = "backing_off", reason
            self._retry_at = time.time() + seconds

    def count(self, counter: str, n: int = 1) -> None:
        with self._lock:
            self._counts[counter] += n

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def snapshot(self) -> dict[str, Any]:
        """JSON-able: name, platform, state, reason, since (epoch s), retry_in (s), counters."""
        with self._lock:
            retry_in = None
            if self._retry_at is not None:
                retry_in = round(max(0.0, self._retry_at - time.time()), 1)
            return {
                "name": self.name,
                "platform": self.platform,
                "state": self._state,
                "reason": self._reason,
                "since": round(self._since, 3),
                "retry_in": retry_in,
                **self._counts,
            }


def chat_summary(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """A status line's words for each chat: "twitch:#shop: connected, 12 in, 3 answered"."""
    words = []
    for entry in entries:
        state = entry.get("state", "")
        if state in ("backing_off", "failed") and entry.get("reason"):
            state = f"{state} ({entry['reason']})"
        words.append(
            f"{entry.get('name')}: {state}, {entry.get('received', 0)} in, "
            f"{entry.get('answered', 0)} answered, {entry.get('dropped', 0)} over the limit"
        )
    return words
