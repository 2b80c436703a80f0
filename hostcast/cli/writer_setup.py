"""The `--writer` options, and the pitch writer they build around the templates."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from host.errors import ConfigError
from host.script.guard import PriceGuard
from host.script.llm.prompt import STYLES
from host.script.template_writer import TemplateWriter
from host.script.threaded_writer import ThreadedWriter
from host.script.writer import ScriptWriter
from hostcast.cli.writer_choice import WRITER_HELP, WriterChoice, parse_writer
from hostcast.show_settings import DEFAULT_DEADLINE, ShowSettings, add_flags, settings_from_args

if TYPE_CHECKING:  # the model backends load only when a show is written by a model
    from host.script.llm.cache import PitchCache
    from host.script.llm.openai_client import ChatModel
    from host.script.llm.writer import LlmWriter



@dataclass(frozen=True)
class WriterOptions:
    choice: WriterChoice = field(default_factory=WriterChoice)
    deadline: float = DEFAULT_DEADLINE  # seconds a model may take for one kind of line
    api_key_env: str | None = None
    pitch_cache: Path | None = None  # SQLite file of model answers; None: no cache
    audit_log: Path | None = None  # JSON lines of every line the guard refused


WRITER_SETTINGS = ("api_key_env", "llm_deadline", "pitch_cache", "audit_log")


def add_writer_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pitch writer")
    group.add_argument("--writer", default="template", metavar="SPEC", help=WRITER_HELP)
    group.add_argument("--model", default="", help="model name for --writer openai:URL")
    group.add_argument(
        "--style", default="energetic", choices=sorted(STYLES), help="how the model speaks"
    )
    add_flags(group, WRITER_SETTINGS)


def writer_options(args: argparse.Namespace, settings: ShowSettings | None = None) -> WriterOptions:
    try:
        choice = parse_writer(args.writer, model=args.model, style=args.style)
    except ValueError as exc:
        raise ConfigError(f"--writer: {exc}") from None
    return writer_from(choice, settings or settings_from_args(args))


def writer_from(choice: WriterChoice, settings: ShowSettings) -> WriterOptions:
    """The writer options of `choice` with the model settings of the show (flags or keys)."""
    return WriterOptions(
        choice=choice,
        deadline=settings.llm_deadline,
        api_key_env=settings.api_key_env,
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
            api_key_env=opts.api_key_env,
            timeout=opts.deadline,
            retries=1,
        )
    from host.script.llm.transformers_chat import TransformersChat

    return TransformersChat(Path(choice.target), max_time=opts.deadline)


class ShowWriter:
    """The writer a show reads from: the templates alone, or a model with them as fallback."""

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
