"""The writer options of a show, and the pitch writer they build around the templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from host.script.guard import PriceGuard
from host.script.template_writer import TemplateWriter
from host.script.threaded_writer import ThreadedWriter
from host.script.writer import ScriptWriter
from hostcast.environment import Environment
from hostcast.show_settings import DEFAULT_DEADLINE, ShowSettings
from hostcast.writer_choice import WriterChoice

if TYPE_CHECKING:  # the model backends load only when a show is written by a model
    from host.script.llm.cache import PitchCache
    from host.script.llm.openai_client import ChatModel
    from host.script.llm.writer import LlmWriter


@dataclass(frozen=True)
class WriterOptions:
    choice: WriterChoice = field(default_factory=WriterChoice)
    deadline: float = DEFAULT_DEADLINE  # seconds a model may take for one kind of line
    api_key: str | None = field(default=None, repr=False)  # the model server's, if it needs one
    pitch_cache: Path | None = None  # SQLite file of model answers; None: no cache
    audit_log: Path | None = None  # JSON lines of every line the guard refused


def writer_from(
    choice: WriterChoice, settings: ShowSettings, env: Environment | None = None
) -> WriterOptions:
    """The writer options of `choice` with the model settings of the show (flags or keys).

    The API key is taken from `env` (the process's environment, read at the edge) when
    `settings.api_key_env` names one and a model server is used; ValueError if unset.
    """
    key = None
    if settings.api_key_env and choice.kind == "openai":
        key = (env or Environment()).api_key(settings.api_key_env)
    return WriterOptions(
        choice=choice,
        deadline=settings.llm_deadline,
        api_key=key,
        pitch_cache=settings.pitch_cache,
        audit_log=settings.audit_log,
    )


def _client(opts: WriterOptions) -> ChatModel:
    choice = opts.choice
    if choice.kind == "openai":
        from host.script.llm.openai_client import OpenAIChat  # aiohttp: only for this backend

        # One request may use the whole deadline; the writer stops waiting there anyway.
        return OpenAIChat(
            choice.target,
            choice.model,
            api_key=opts.api_key,
            timeout=opts.deadline,
            retries=1,
        )
    from host.script.llm.transformers_chat import TransformersChat

    return TransformersChat(Path(choice.target), max_time=opts.deadline)


class ShowWriter:
    """The writer a show reads from: a chain, tried in order, declared here.

    The templates alone; or the model, then the templates for any kind it cannot write in
    time or writes wrong (LlmWriter's `fallback`), with the templates again as the last
    resort when the model's thread lags (ThreadedWriter's).
    """

    def __init__(
        self,
        opts: WriterOptions,
        templates: TemplateWriter,
        guard: PriceGuard,
        clock: Callable[[], datetime],
    ) -> None:
        self.opts = opts
        self.llm: LlmWriter | None = None
        self._threaded: ThreadedWriter | None = None
        self._cache: PitchCache | None = None
        self.script: ScriptWriter = templates
        if not opts.choice.uses_model:
            return
        from host.script.llm.cache import PitchCache
        from host.script.llm.writer import LlmWriter

        client = _client(opts)
        self._cache = PitchCache(opts.pitch_cache) if opts.pitch_cache else None
        self.llm = LlmWriter(
            client,
            templates,
            guard,
            deadline=opts.deadline,
            style=opts.choice.style,
            cache=self._cache,
            clock=clock,
        )
        close = getattr(client, "close", None)
        self._threaded = ThreadedWriter(
            self.llm, templates, wait=opts.deadline * 3 + 5, clock=clock, on_close=close
        )
        self.script = self._threaded

    @property
    def name(self) -> str:
        """`template`, or the model kind and name: `openai:qwen2.5-7b`."""
        if self.llm is None:
            return "template"
        return f"{self.opts.choice.kind}:{self.llm.client.name}"

    def stats(self) -> dict[str, Any]:
        """What the model wrote and what fell back, for the status page and metrics."""
        if self.llm is None:
            return {"writer": self.name}
        return {
            "writer": self.name,
            "breaker_open": self.llm.breaker.is_open,
            **asdict(self.llm.stats),
        }

    def close(self) -> None:
        if self._threaded is not None:
            self._threaded.close()
        if self._cache is not None:
            self._cache.close()


def writer_summary(stats: dict[str, object]) -> str:
    """One line on who wrote what: `writer template, 0 lines refused by the guard`."""
    parts = [f"writer {stats['writer']}"]
    if "generated" in stats:
        parts.append(
            f"{stats['generated']} model lines, {stats['cached']} from the cache, "
            f"{stats['refused']} refused, {stats['fallbacks']} template fallbacks"
        )
    parts.append(f"{stats['guard_refused']} lines kept off air by the guard")
    return ", ".join(parts)
