"""Script lines become segments: the voice speaks, the mouth and captions get timed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from host.avatar.audio_visemes import audio_viseme_track
from host.avatar.visemes import viseme_track
from host.catalog.model import Product
from host.compose.label import ai_label
from host.compose.overlay import OverlayState
from host.errors import HostcastError
from host.script.guard import PriceGuard
from host.script.line import Line
from host.segment.captions import caption_track
from host.segment.cards import card_for
from host.segment.segment import Segment
from host.voice.resample import resample
from host.voice.speech import Speech, Voice

log = logging.getLogger(__name__)

PAUSE_AFTER_LINE = 0.35  # seconds of breath between two lines
MAX_FAILURES_IN_A_ROW = 20  # past this the voice itself is broken, not one line
SLOW_FACTOR = 1.0  # seconds of synthesis per second of speech past which a voice is too slow
VOICE_COOLDOWN = 5  # lines the fallback voice speaks before the main voice is tried again


class SegmentBuilder:
    """Builds the segment for one line, with the card of the product on screen.

    With a `fallback_voice`, a line the voice fails to speak is spoken by the fallback,
    and so are the next `voice_cooldown` lines after a failure or after a line the voice
    took longer than `slow_factor` times its length to speak: the queue of lines ahead of
    air must not drain while a slow engine works.
    """

    def __init__(
        self,
        voice: Voice,
        lang: str,
        *,
        sample_rate: int,
        clock: Callable[[], datetime],
        pause: float = PAUSE_AFTER_LINE,
        guard: PriceGuard | None = None,
        fallback_voice: Voice | None = None,
        slow_factor: float = SLOW_FACTOR,
        voice_cooldown: int = VOICE_COOLDOWN,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not slow_factor > 0:
            raise ValueError(f"slow_factor: expected a number > 0, got {slow_factor!r}")
        whole = isinstance(voice_cooldown, int) and not isinstance(voice_cooldown, bool)
        if not whole or voice_cooldown < 0:
            raise ValueError(f"voice_cooldown: expected a whole number >= 0: {voice_cooldown!r}")
        self._voice = voice
        self._fallback = fallback_voice
        self._slow = slow_factor
        self._voice_cooldown = voice_cooldown
        self._timer = timer
        self._cooling = 0  # lines the fallback voice still speaks
        self._voice_state = "ok"
        self._voice_reason: str | None = None
        self._speed: float | None = None  # seconds of speech per second of synthesis, last line
        self.fallback_lines = 0  # lines the fallback voice spoke
        self._guard = guard
        self.refused = 0  # lines the guard kept off air
        self._lang = lang
        self._rate = sample_rate
        self._clock = clock
        self._pause = pause

    def overlay(self, product: Product | None) -> OverlayState:
        card = card_for(product, self._lang, self._clock()) if product is not None else None
        return OverlayState(label=ai_label(self._lang), card=card)

    def voice_status(self) -> dict[str, Any]:
        """Which voice speaks, whether it fell back and why, and how fast the main one speaks."""
        return {
            "voice": repr(self._voice),
            "fallback": repr(self._fallback) if self._fallback is not None else None,
            "state": self._voice_state,
            "reason": self._voice_reason,
            "fallback_lines": self.fallback_lines,
            "cooldown_lines": self._cooling,
            "speed": None if self._speed is None else round(self._speed, 2),  # x real time
        }

    def build(self, line: Line, product: Product | None) -> Segment:
        speech = resample(self._speak(line.text), self._rate)
        return Segment(
            speech=speech,
            # Voices without timings (XTTS) get a mouth that follows the audio itself.
            visemes=viseme_track(speech) if speech.phonemes else audio_viseme_track(speech),
            captions=caption_track(line.caption, speech.duration),
            overlay=self.overlay(product),
            kind=line.kind,
            product_id=line.product_id,
            text=line.text,
            source=line.source,
            pause_after=self._pause,
        )

    def _speak(self, text: str) -> Speech:
        """The line spoken by the voice, or by the fallback voice while the voice is unfit."""
        fallback = self._fallback
        if fallback is None:
            return self._voice.speak(text)
        if self._cooling > 0:
            self._cooling -= 1
            self.fallback_lines += 1
            return fallback.speak(text)
        started = self._timer()
        try:
            speech = self._voice.speak(text)
        except Exception as exc:
            self._fall_back(f"{self._voice!r} failed: {exc}")
            self.fallback_lines += 1
            return fallback.speak(text)
        took = self._timer() - started
        self._speed = speech.duration / took if took > 0 else None
        if took > speech.duration * self._slow:
            # This line is spoken already, so it airs; the next lines must not wait as long.
            self._fall_back(
                f"{self._voice!r} took {took:.1f} s to speak {speech.duration:.1f} s of speech, "
                f"slower than real time"
            )
        else:
            self._voice_state, self._voice_reason = "ok", None
        return speech

    def _fall_back(self, reason: str) -> None:
        self._voice_state, self._voice_reason = "fallback", reason
        self._cooling = self._voice_cooldown
        log.warning("voice falls back to %r for the next %d lines: %s",
                    self._fallback, self._voice_cooldown, reason)

    @property
    def guard(self) -> PriceGuard | None:
        """The guard every line this builder voices passes, if it was given one."""
        return self._guard

    def refusal(self, line: Line, product: Product | None) -> str | None:
        """Why the guard keeps `line` off air (audited and counted), or None: it may air."""
        if self._guard is None:
            return None
        verdict = self._guard.check(line, product)
        if verdict.ok:
            return None
        self.refused += 1  # rule 6: nothing goes on air unchecked
        why = "; ".join(verdict.reasons)
        log.warning("kept off air (%s): %s: %s", line.source, line.text, why)
        return why

    def segments(self, order: Iterable[tuple[Line, Product | None]]) -> Iterator[Segment]:
        """Segments for each line in turn; a line that fails is logged and skipped."""
        failures = 0
        for line, product in order:
            if self.refusal(line, product) is not None:
                continue
            try:
                segment = self.build(line, product)
            except Exception as exc:  # one bad line must not take the stream off air
                failures += 1
                log.warning("skipped a %s line (%s): %s", line.kind, line.source, exc)
                if failures >= MAX_FAILURES_IN_A_ROW:
                    raise HostcastError(
                        f"{failures} lines in a row failed to build; last error: {exc}"
                    ) from exc
                continue
            failures = 0
            yield segment
