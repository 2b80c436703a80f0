"""A voice given a deadline per line: one that hangs is left behind, never waited for."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from host.errors import VoiceError
from host.voice.speech import Speech, Voice

log = logging.getLogger(__name__)

# Speech runs at about 12 to 16 characters a second; 20 errs towards the short side, so a
# voice slower than real time misses its deadline rather than meeting it.
CHARS_PER_SECOND = 20.0
MIN_SECONDS = 2.0  # a short line still gets time for a model's first call


class VoiceTimeout(VoiceError):
    """The voice did not say the line in time: the next voice of the chain says it."""


class DeadlineVoice:
    """A Voice whose `speak` runs in a worker thread and gives up after a deadline.

    The deadline is `factor` times the line's speaking time estimated from its length
    (at least MIN_SECONDS). A call that missed it goes on in its thread, and the voice
    refuses lines until it returns: a hung model holds one thread, never the air.
    """

    def __init__(self, voice: Voice, *, factor: float = 1.0) -> None:
        if not factor > 0:
            raise ValueError(f"factor: expected a number > 0, got {factor!r}")
        self.voice = voice
        self.factor = factor
        self._busy = threading.Lock()  # held while a call is in the worker

    def __repr__(self) -> str:
        return repr(self.voice)

    def deadline(self, text: str) -> float:
        """Seconds the voice has to say `text`."""
        return max(MIN_SECONDS, len(text) / CHARS_PER_SECOND * self.factor)

    def speak(self, text: str) -> Speech:
        if not self._busy.acquire(blocking=False):
            raise VoiceTimeout(f"{self.voice!r} is still busy with a line it did not finish")
        answer: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()

        def run() -> None:
            try:
                answer.put((True, self.voice.speak(text)))
            except BaseException as exc:  # handed to the caller, never lost in the thread
                answer.put((False, exc))
            finally:
                self._busy.release()

        threading.Thread(target=run, name=f"speak {self.voice!r}", daemon=True).start()
        limit = self.deadline(text)
        try:
            ok, result = answer.get(timeout=limit)
        except queue.Empty:
            log.warning("%r did not say a line in %.1f s; left behind", self.voice, limit)
            raise VoiceTimeout(
                f"{self.voice!r} did not say {text[:40]!r} within {limit:.1f} s"
            ) from None
        if not ok:
            raise result
        return result  # type: ignore[no-any-return]

