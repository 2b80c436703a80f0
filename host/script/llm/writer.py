"""A pitch writer that asks a chat model, checks every line, and falls back to templates."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from host.catalog.model import Product
from host.script import spoken
from host.script.audit import AuditLog
from host.script.claims import fold
from host.script.line import Line
from host.script.llm import prompt
from host.script.llm.breaker import Breaker
from host.script.llm.cache import PitchCache
from host.script.llm.openai_client import ChatModel, ModelNotReady
from host.script.llm.parse import parse_lines
from host.script.prose import WORD, sentence_reason
from host.script.template_writer import kind_applies, utc_now
from host.script.writer import KINDS, PRODUCT_KINDS, ScriptWriter

log = logging.getLogger(__name__)

MAX_RECENT = 12
# The facts a line of these kinds exists to state: a price line that names no price is refused.
REQUIRED_FACTS = {"price": ("price", "sale_price"), "deal": ("sale_price",)}


class Verdict(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def reasons(self) -> tuple[str, ...]: ...


class LineCheck(Protocol):
    """The guard every line passes before air (PriceGuard in host.script.guard)."""

    def check(self, line: Line, product: Product | None) -> Verdict: ...


@dataclass
class WriterStats:
    """Counters for metrics: lines aired from the model, refused, and template fallbacks."""

    generated: int = 0
    refused: int = 0
    fallbacks: int = 0
    cached: int = 0
    dropped: int = 0  # template lines that failed the check
    failed: int = 0  # requests that timed out or errored
    skipped: int = 0  # requests not sent while the breaker was open


def names_product(text: str, product: Product) -> bool:
    """Whether `text` names the product: its brand, or a word of its title (3+ letters)."""
    said = set(WORD.findall(fold(text)))
    named = {w for w in WORD.findall(fold(product.title)) if len(w) >= 3}
    return bool(said & named) or bool(product.brand and fold(product.brand) in fold(text))


class _Refused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class LlmWriter:
    """Writes with a chat model under a deadline; every line it returns passed `check`.

    A kind the model cannot write in time, or writes wrong twice, comes from `fallback`,
    the next writer of the show's chain (the templates), checked the same way.
    """

    def __init__(
        self,
        client: ChatModel,
        fallback: ScriptWriter,
        check: LineCheck,
        *,
        deadline: float = 2.0,
        style: str = "energetic",
        cache: PitchCache | None = None,
        clock: Callable[[], datetime] = utc_now,
        memory: timedelta = timedelta(minutes=5),
        temperature: float = 0.8,
        breaker: Breaker | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        if deadline <= 0:
            raise ValueError(f"deadline must be positive, got {deadline}")
        if style not in prompt.STYLES:
            raise ValueError(f"unknown style {style!r} (known: {', '.join(prompt.STYLES)})")
        self.client = client
        self.fallback = fallback
        self.check = check
        self.deadline = deadline
        self.style = style
        self.cache = cache
        self.memory = memory
        self.temperature = temperature
        self.stats = WriterStats()
        self.breaker = breaker or Breaker()
        self.audit = audit  # where the refusals of `_unfit` go; the check logs its own
        self._clock = clock
        self._recent: deque[tuple[datetime, str]] = deque(maxlen=MAX_RECENT)

    @property
    def source(self) -> str:
        return f"llm:{self.client.name}"

    def _recent_texts(self, now: datetime) -> list[str]:
        return [text for at, text in self._recent if now - at <= self.memory]

    def _refusals(self, lines: Sequence[Line], product: Product | None) -> list[str]:
        reasons: list[str] = []
        for line in lines:
            verdict = self.check.check(line, product)
            if not verdict.ok:
                reasons.append(f"{line.text!r}: {'; '.join(verdict.reasons) or 'refused'}")
        return reasons

    @staticmethod
    def _unfit(lines: Sequence[Line], product: Product | None, kind: str) -> list[str]:
        """What the guard lets through yet a model's answer must not be: a line that is
        not a sentence, an intro that does not name the product, a price line that states
        no price."""
        reasons = [
            f"{line.text!r}: {why}"
            for line in lines
            if (why := sentence_reason(line.text, line.lang)) is not None
        ]
        if kind == "intro" and product is not None and not any(
            names_product(line.text, product) for line in lines
        ):
            reasons.append(f"{lines[0].text!r}: does not name {product.title!r}")
        wanted = REQUIRED_FACTS.get(kind)
        if wanted is not None and not any(n in line.facts for line in lines for n in wanted):
            said = " / ".join(repr(line.text) for line in lines)
            reasons.append(f"{said}: states no {' or '.join(wanted)} in the catalog's words")
        return reasons

    async def _ask(
        self, product: Product | None, kind: str, lang: str, now: datetime, refused: list[str]
    ) -> list[Line]:
        count = 1
        if kind == "features" and product is not None:
            count = max(1, min(3, len(product.product_highlights)))
        messages = prompt.messages(
            product,
            kind,
            lang,
            style=self.style,
            now=now,
            recent=self._recent_texts(now),
            count=count,
            refused=refused,
        )
        answer = await self.client.complete(
            messages, temperature=self.temperature, max_tokens=120 * count + 60
        )
        return parse_lines(answer, product, kind, lang, now=now, source=self.source)

    async def _generate(
        self, product: Product | None, kind: str, lang: str, now: datetime
    ) -> list[Line]:
        """Model lines that all pass the check: one retry with the reasons, else _Refused."""
        refused: list[str] = []
        for _ in range(2):
            lines = await self._ask(product, kind, lang, now, refused)
            refused = self._refusals(lines, product)
            if not refused:
                refused = self._unfit(lines, product, kind)
                if refused and self.audit is not None:
                    about = product.id if product is not None else None
                    self.audit.refused(lines[0], about, now, refused)
            if not refused:
                return lines
            self.stats.refused += 1  # answers refused, each then asked again or replaced
            log.warning("%s %s/%s refused: %s", self.source, kind, lang, " | ".join(refused))
        raise _Refused(refused)

    def _templates(self, product: Product | None, kind: str, lang: str) -> list[Line]:
        self.stats.fallbacks += 1
        kept: list[Line] = []
        for line in self.fallback.lines(product, kind, lang):
            reasons = self._refusals([line], product)
            if reasons:
                self.stats.dropped += 1
                log.error("template line dropped by the check (%s): %s", line.source, reasons[0])
            else:
                kept.append(line)
        return kept

    def _from_cache(
        self, product: Product | None, kind: str, lang: str, now: datetime, *, fresh: bool
    ) -> list[Line] | None:
        """A stored answer that still passes the check; with `fresh`, only when the cache
        holds all its variants for this key (else a new one is worth asking for)."""
        if self.cache is None:
            return None
        name = self.client.name
        if fresh and self.cache.count(product, kind, lang, self.style, name, now) < (
            self.cache.variants
        ):
            return None
        lines = self.cache.get(product, kind, lang, self.style, name, now)
        if lines is None or self._refusals(lines, product) or self._unfit(lines, product, kind):
            return None
        self.stats.cached += len(lines)
        return lines

    def _failed(self, what: str) -> None:
        self.stats.failed += 1
        was_open = self.breaker.opened
        self.breaker.failed()
        log.warning("%s %s", self.source, what)
        if self.breaker.opened > was_open:
            log.warning(
                "%s keeps failing: templates only for a while, then one more try", self.source
            )

    async def write(self, product: Product | None, kind: str, lang: str) -> list[Line]:
        """Checked lines of one kind: the model's within the deadline, else the templates'."""
        lang = spoken.check_lang(lang)
        if kind not in KINDS:
            raise ValueError(f"unknown kind of line {kind!r} (known: {', '.join(KINDS)})")
        if kind in PRODUCT_KINDS and product is None:
            raise ValueError(f"'{kind}' lines are about a product; none was given")
        now = self._clock()
        if product is not None and not kind_applies(kind, product, now):
            return []
        lines = self._from_cache(product, kind, lang, now, fresh=True)
        if lines is None and not self.breaker.allows():
            self.stats.skipped += 1
        elif lines is None:
            try:
                lines = await asyncio.wait_for(
                    self._generate(product, kind, lang, now), self.deadline
                )
            except _Refused:
                self.breaker.succeeded()  # it answered; the answer was wrong
            except ModelNotReady:
                self.stats.skipped += 1
            except TimeoutError:
                self._failed(f"{kind}/{lang}: no answer within {self.deadline:.1f} s")
            except Exception as exc:  # errors are values here: the stream goes on
                self._failed(f"{kind}/{lang} failed: {exc}")
            else:
                self.breaker.succeeded()
                self.stats.generated += len(lines)
                if self.cache is not None:
                    self.cache.put(product, kind, lang, self.style, self.client.name, now, lines)
        if lines is None:
            # The model failed: an answer it gave before beats the templates.
            lines = self._from_cache(product, kind, lang, now, fresh=False)
        if lines is None:
            lines = self._templates(product, kind, lang)
        self._recent.extend((now, line.text) for line in lines)
        return lines
