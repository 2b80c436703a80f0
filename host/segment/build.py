"""Script lines become segments: the voice speaks, the mouth and captions get timed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from host.avatar.audio_visemes import audio_viseme_track
from host.avatar.viseme_level import by_level
from host.avatar.visemes import viseme_track
from host.catalog.fetch.photo_store import PhotoStore
from host.catalog.model import Product
from host.compose.label import ai_label
from host.compose.overlay import OverlayState
from host.errors import HostcastError
from host.script.guard import PriceGuard
from host.script.line import Line
from host.script.speakable import speakable
from host.segment.captions import caption_track
from host.segment.cards import card_for
from host.segment.segment import Segment
from host.segment.speech_cache import SpeechCache
from host.voice.chain import VoiceChain
from host.voice.loudness import level
from host.voice.resample import resample
from host.voice.speech import Voice

log = logging.getLogger(__name__)

PAUSE_AFTER_LINE = 0.35  # seconds of breath between two lines
MAX_FAILURES_IN_A_ROW = 20  # past this the voice itself is broken, not one line


class SegmentBuilder:
    """Builds the segment for one line, with the card of the product on screen.

    The `voice` may be a `VoiceChain`: the voice asked for and its fallbacks, which it
    tries in order (a single voice is a chain of one).
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
        photos: PhotoStore | None = None,
    ) -> None:
        self._photos = photos  # product photos from URLs: the card shows them once fetched
        self._voice = voice if isinstance(voice, VoiceChain) else VoiceChain([voice])
        self._cache = SpeechCache()  # the lines the show repeats, said once
        self._guard = guard
        self.refused = 0  # lines the guard kept off air
        self._lang = lang
        self._rate = sample_rate
        self._clock = clock
        self._pause = pause

    def overlay(self, product: Product | None) -> OverlayState:
        card = (card_for(product, self._lang, self._clock(), self._photos)
                if product is not None else None)
        return OverlayState(label=ai_label(self._lang), card=card)

    def voice_status(self) -> dict[str, Any]:
        """Which voice speaks, whether it fell back and why, and how fast the main one speaks;
        and how many lines were aired again from the cache."""
        return {**self._voice.status(), "cached_lines": len(self._cache),
                "cache_hits": self._cache.hits}

    def said(self, line: Line, product: Product | None) -> Line:
        """`line` as the voice says it: every figure and sign in words; the caption as is."""
        currency = product.price.currency if product is not None else None
        return replace(line, text=speakable(line.text, self._lang, currency))

    def build(self, line: Line, product: Product | None) -> Segment:
        said = self.said(line, product).text
        speech = self._cache.get(said)
        if speech is None:
            # Levelled once per line, at the voice's own rate: the cheaper one, as a rule.
            speech = level(self._voice.speak(said))
            if self._voice.last_rank == 0:  # a fallback's line is not kept for later
                self._cache.put(said, speech)
        speech = resample(speech, self._rate)
        return Segment(
            speech=speech,
            # Voices without timings (XTTS) get a mouth that follows the audio itself.
            visemes=(by_level(viseme_track(speech), speech) if speech.phonemes
                     else audio_viseme_track(speech)),
            captions=caption_track(line.caption, speech.duration),
            overlay=self.overlay(product),
            kind=line.kind,
            product_id=line.product_id,
            text=said,
            source=line.source,
            pause_after=self._pause,
        )

    @property
    def guard(self) -> PriceGuard | None:
        """The guard every line this builder voices passes, if it was given one."""
        return self._guard

    def refusal(self, line: Line, product: Product | None) -> str | None:
        """Why the guard keeps `line` off air (audited and counted), or None: it may air."""
        if self._guard is None:
            return None
        verdict = self._guard.check(self.said(line, product), product)  # what is said, and shown
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
