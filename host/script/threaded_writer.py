"""An async pitch writer (a model's) driven from the synchronous running order."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime
from typing import Any, TypeVar

from host.catalog.model import Product
from host.script.line import Line
from host.script.template_writer import TemplateWriter, utc_now
from host.script.writer import PitchWriter, pitch_kinds

log = logging.getLogger(__name__)

T = TypeVar("T")
# Always from the templates: the opening airs at once, and the AI disclosure keeps the
# wording the seller reviewed.
TEMPLATE_KINDS = ("greeting", "disclosure")


class ThreadedWriter:
    """Runs `writer` on its own event loop thread; `lines` and `pitch` block for the answer.

    `writer` keeps to its own deadline (LlmWriter falls back to templates when the model is
    late), and a pitch's kinds are written at once, so a whole pitch waits at most about one
    deadline. `wait` is a last bound on top: past it the templates answer.
    """

    def __init__(
        self,
        writer: PitchWriter,
        templates: TemplateWriter,
        *,
        wait: float = 30.0,
        clock: Callable[[], datetime] = utc_now,
        template_kinds: tuple[str, ...] = TEMPLATE_KINDS,
        on_close: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        if wait <= 0:
            raise ValueError(f"wait must be positive seconds, got {wait}")
        self.writer = writer
        self.templates = templates
        self.wait = wait
        self.template_kinds = template_kinds
        self._clock = clock
        self._on_close = on_close
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pitch-writer", daemon=True
        )
        self._thread.start()
        self._closed = False

    def _run(self, work: Coroutine[Any, Any, T], fallback: Callable[[], T], what: str) -> T:
        if self._closed:
            work.close()
            return fallback()
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        try:
            return future.result(self.wait)
        except FutureTimeout:
            future.cancel()
            log.error("pitch writer: no %s within %.0f s, templates instead", what, self.wait)
        except Exception as exc:  # a writer bug must not take the show off air
            log.error("pitch writer failed on %s: %s", what, exc)
        return fallback()

    def lines(self, product: Product | None, kind: str, lang: str) -> list[Line]:
        if kind in self.template_kinds:
            return self.templates.lines(product, kind, lang)
        return self._run(
            self.writer.write(product, kind, lang),
            lambda: self.templates.lines(product, kind, lang),
            f"{kind} lines",
        )

    def pitch(self, product: Product, lang: str) -> list[Line]:
        kinds = pitch_kinds(product, self._clock())

        async def all_kinds() -> list[Line]:
            written = await asyncio.gather(
                *(self.writer.write(product, kind, lang) for kind in kinds)
            )
            return [line for lines in written for line in lines]

        return self._run(all_kinds(), lambda: self.templates.pitch(product, lang), "pitch")

    def close(self) -> None:
        """Stops the loop thread (after closing the model client, if one was given)."""
        if self._closed:
            return
        self._closed = True
        if self._on_close is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._on_close(), self._loop).result(5.0)
            except Exception as exc:
                log.warning("pitch writer: closing the model client: %s", exc)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5.0)
        if not self._thread.is_alive():
            self._loop.close()
