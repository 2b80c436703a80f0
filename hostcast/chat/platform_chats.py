"""A show's platform chats together: built from their specs, started, stopped, and reported."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from host.chat.connector import CommentConnector, OnMessage
from host.errors import ConfigError
from hostcast.chat.gate import ChatGate
from hostcast.chat.specs import ChatSpec, webhook_secrets
from hostcast.chat.state import ConnectorState

log = logging.getLogger(__name__)


class PlatformConnector(CommentConnector, Protocol):
    source: str
    state: ConnectorState


class PlatformChats:
    """The connectors of `specs` (webhooks are served by the preview: only their secrets here).

    ValueError at construction names the spec whose credentials the environment lacks, so
    a bad setup stops the show before it airs; once started, a connector that fails only
    reports it in its state: the stream and the other connectors go on.
    """

    def __init__(self, specs: Sequence[ChatSpec], environ: Mapping[str, str] | None = None):
        environ = os.environ if environ is None else environ
        self.specs = tuple(specs)
        self.webhooks = webhook_secrets(self.specs, environ)
        self.connectors: list[PlatformConnector] = []
        for spec in self.specs:
            if spec.kind == "webhook":
                continue
            try:
                connector = spec.connector(environ)
            except ValueError as exc:
                raise ValueError(f"{spec.address}: {exc}") from None
            self.connectors.append(connector)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self.specs)

    def start(self, on_message: OnMessage) -> None:
        for connector in self.connectors:
            try:
                connector.start(on_message)
            except (OSError, ValueError) as exc:  # this one is off; the others still read
                connector.state.set("failed", str(exc))
                log.error("%s: cannot start: %s", connector.state.name, exc)

    def stop(self) -> None:
        for connector in self.connectors:
            try:
                connector.stop()
            except Exception:  # stopping one must not leave the others running
                log.exception("%s: did not stop cleanly", connector.state.name)

    def status(self, gate: ChatGate) -> list[dict[str, Any]]:
        """One entry per connector and webhook: its state, and what the show made of its
        messages (received, dropped over a limit, answered on air, not answered)."""
        tallies = gate.tallies()
        out: list[dict[str, Any]] = []
        for connector in self.connectors:
            entry = connector.state.snapshot()
            entry.update(tallies.get(connector.source, {}))
            out.append(entry)
        for source in self.webhooks:
            entry = {"name": f"webhook:{source}", "platform": source, "state": "listening",
                     "reason": f"POST /api/chat/webhook/{source}"}
            entry.update(tallies.get(source, {}))
            out.append(entry)
        return out


def show_chats(specs: Sequence[ChatSpec], has_preview: bool, where: str,
               environ: Mapping[str, str]) -> PlatformChats:
    """The platform chats of a show, their credentials read from `environ` now;
    ConfigError starting with `where` (the flag, or the config key) when one is missing or
    a webhook has no preview server to be posted to."""
    try:
        chats = PlatformChats(specs, environ)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if chats.webhooks and not has_preview:
        source = next(iter(chats.webhooks))
        raise ConfigError(f"{where}: webhook:{source} is posted to the preview server, which "
                          "this show does not run")
    return chats
