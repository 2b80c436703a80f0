"""Voices tried in order for every line: the first one fit to speak says it.

A show's voice is a chain: the voice asked for, then its fallbacks (by default the
language's espeak voice behind a neural one). What falls back, when, and for how long is
decided here and nowhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from host.voice.deadline import DeadlineVoice
from host.voice.loading import VoiceNotReady
from host.voice.speech import Speech, Voice

log = logging.getLogger(__name__)

SLOW_FACTOR = 1.0  # seconds of synthesis per second of speech past which a voice is too slow
COOLDOWN = 5  # lines a voice sits out after it failed or was slow, before it is tried again


class VoiceChain:
    """A voice made of voices tried in order.

    A voice that raises, or that took longer than `slow_factor` times a line's length to
    speak it, sits out the next `cooldown` lines, which the next voice in the chain speaks:
    the queue of lines ahead of air must not drain while a slow engine works. A slow line
    is spoken already, so it airs. Every voice but the last has a deadline per line (see
    DeadlineVoice): one that hangs is left behind and its line goes to the next. A voice
    still loading passes its lines on until it is ready. The last voice is always tried; a
    line it fails too raises its error (the segment builder then skips that line).
    """

    def __init__(
        self,
        voices: Sequence[Voice],
        *,
        slow_factor: float = SLOW_FACTOR,
        cooldown: int = COOLDOWN,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not voices:
            raise ValueError("a voice chain needs at least one voice")
        if not slow_factor > 0:
            raise ValueError(f"slow_factor: expected a number > 0, got {slow_factor!r}")
        whole = isinstance(cooldown, int) and not isinstance(cooldown, bool)
        if not whole or cooldown < 0:
            raise ValueError(f"cooldown: expected a whole number >= 0, got {cooldown!r}")
        self.voices = tuple(voices)
        last = len(self.voices) - 1
        self._callers: tuple[Voice, ...] = tuple(
            DeadlineVoice(v, factor=slow_factor) if rank < last else v
            for rank, v in enumerate(self.voices)
        )
        self._slow = slow_factor
        self._cooldown = cooldown
        self._timer = timer
        self._resting = [0] * len(self.voices)  # lines each voice still sits out
        self._state = "ok"
        self._reason: str | None = None
        self._speed: float | None = None  # seconds of speech per second of synthesis, first voice
        self.fallback_lines = 0  # lines a voice other than the first spoke
        self.last_rank: int | None = None  # which voice said the last line (0: the first)

    def __repr__(self) -> str:
        return " > ".join(repr(voice) for voice in self.voices)

    def speak(self, text: str) -> Speech:
        last = len(self.voices) - 1
        for rank, voice in enumerate(self.voices):
            if rank < last and self._resting[rank] > 0:
                self._resting[rank] -= 1
                continue
            started = self._timer()
            try:
                speech = self._callers[rank].speak(text)
            except VoiceNotReady as exc:
                if rank == last:
                    raise
                if rank == 0:
                    self._state, self._reason = "loading", str(exc)
                continue  # tried again on the next line, with no cooldown
            except Exception as exc:
                if rank == last:
                    raise
                self._rest(rank, f"{voice!r} failed: {exc}")
                continue
            took = self._timer() - started
            if rank == 0:
                self._speed = speech.duration / took if took > 0 else None
            if rank < last and took > speech.duration * self._slow:
                self._rest(rank, f"{voice!r} took {took:.1f} s to speak {speech.duration:.1f} s "
                           "of speech, slower than real time")
            elif rank == 0:
                self._state, self._reason = "ok", None
            if rank > 0:
                self.fallback_lines += 1
            self.last_rank = rank
            return speech
        raise AssertionError("unreachable: the last voice is always tried")

    def _rest(self, rank: int, reason: str) -> None:
        self._resting[rank] = self._cooldown
        if rank == 0:
            self._state, self._reason = "fallback", reason
        log.warning("voice falls back to %r for the next %d lines: %s",
                    self.voices[rank + 1], self._cooldown, reason)

    def status(self) -> dict[str, Any]:
        """Which voice speaks, whether it fell back and why, and how fast the first one speaks."""
        return {
            "voice": repr(self.voices[0]),
            "fallback": repr(self.voices[1]) if len(self.voices) > 1 else None,
            "chain": [repr(voice) for voice in self.voices],
            "state": self._state,
            "reason": self._reason,
            "fallback_lines": self.fallback_lines,
            "cooldown_lines": self._resting[0] if len(self.voices) > 1 else 0,
            "speed": None if self._speed is None else round(self._speed, 2),  # x real time
        }
