"""A voice whose model loads in the background: the show opens at once, on its fallback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from host.errors import VoiceError
from host.voice.speech import Speech, Voice

log = logging.getLogger(__name__)


class VoiceNotReady(VoiceError):
    """The voice is still loading: the next voice of the chain says this line."""


class LoadingVoice:
    """A Voice built by `load` in a thread of its own, started at once.

    Until it is built, `speak` raises VoiceNotReady (a file render, which has no air to
    keep, `join`s it first). A load that fails makes every line raise its error.
    """

    def __init__(self, load: Callable[[], Voice], name: str) -> None:
        self.name = name
        self._voice: Voice | None = None
        self._error: VoiceError | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._load, args=(load,), name=f"load {name}", daemon=True
        )
        self._thread.start()

    def __repr__(self) -> str:
        return repr(self._voice) if self._voice is not None else self.name

    @property
    def ready(self) -> bool:
        return self._voice is not None

    @property
    def error(self) -> VoiceError | None:
        """Why the voice could not be loaded, once it could not."""
        return self._error

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the load to end, well or not; whether it ended."""
        return self._done.wait(timeout)

    def speak(self, text: str) -> Speech:
        if self._voice is not None:
            return self._voice.speak(text)
        if self._error is not None:
            raise self._error
        raise VoiceNotReady(f"{self.name} is still loading")

    def _load(self, load: Callable[[], Voice]) -> None:
        try:
            self._voice = load()
        except Exception as exc:  # reported by every line it cannot say, never raised here
            message = str(exc) if isinstance(exc, VoiceError) else f"{type(exc).__name__}: {exc}"
            self._error = VoiceError(f"{self.name} did not load: {message}")
            log.error("%s", self._error)
        finally:
            self._done.set()
