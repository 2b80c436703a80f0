"""What every platform chat connector shares: its reading thread, and handing messages over."""

from __future__ import annotations

import logging
import threading

from host.chat.connector import OnMessage
from host.chat.message import ViewerMessage
from hostcast.chat.state import ConnectorState
from stream.web.protocols import TooManyMessages

log = logging.getLogger(__name__)


class ChatReader:
    """A `CommentConnector` that reads on a thread of its own: subclasses give `_run`.

    `_run(on_message)` loops until `self._stop` is set (waiting on it, never sleeping);
    `_wake` interrupts a blocking read so that `stop` returns at once.
    """

    source: str
    state: ConnectorState
    join_timeout = 5.0

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_message: OnMessage) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.state.name}: the connector is already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(on_message,),
                                        name=f"hostcast-chat-{self.source}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=self.join_timeout)
            self._thread = None
        if self.state.state not in ("failed", "ended"):
            self.state.set("stopped")

    def _run(self, on_message: OnMessage) -> None:
        raise NotImplementedError

    def _wake(self) -> None:
        """Interrupt a blocking read (nothing to do for a reader that polls)."""

    def _hand_over(self, message: ViewerMessage, on_message: OnMessage) -> None:
        """Give `message` to the show, counted; a refusal never stops the reading."""
        self.state.count("messages_in")
        try:
            on_message(message)
        except TooManyMessages:
            pass  # counted by the show's gate; a flood is not worth a log line each
        except ValueError as exc:
            log.info("%s: message refused: %s", self.state.name, exc)
        except Exception:  # the show's side failed: the next message still comes in
            log.exception("%s: a message could not be taken", self.state.name)
