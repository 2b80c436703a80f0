"""Pitch templates: jinja2 files of variants, compiled and rendered in a sandbox."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from host.errors import TemplateError
from host.paths import shown

# A line holding only `---` separates the variants of one kind in a template file.
_SEPARATOR = re.compile(r"^---\s*$")


@dataclass(frozen=True)
class Variant:
    """One way of saying a kind of line: a compiled template and where it came from."""

    kind: str
    lang: str
    path: Path
    line: int
    template: jinja2.Template

    @property
    def where(self) -> str:
        return f"{shown(self.path)}:{self.line}"




def clause(text: object) -> str:
    """Catalog text made ready to sit inside a sentence: no end stop, no capital first."""
    words = str(text).strip().rstrip(".!;:").strip()
    if len(words) > 1 and words[0].isupper() and not words[1].isupper():
        words = words[0].lower() + words[1:]
    return words


def upper_first(text: object) -> str:
    words = str(text)
    return words[:1].upper() + words[1:]


def make_environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["clause"] = clause
    env.filters["upper_first"] = upper_first
    return env


def _split_variants(source: str) -> list[tuple[int, str]]:
    """Chunks of a template file with the 1-based line each starts on."""
    chunks: list[tuple[int, str]] = []
    start, body = 1, list[str]()
    for number, text in enumerate(source.splitlines(), start=1):
        if _SEPARATOR.match(text):
            chunks.append((start, "\n".join(body)))
            start, body = number + 1, []
        else:
            body.append(text)
    chunks.append((start, "\n".join(body)))
    return [(line, chunk) for line, chunk in chunks if chunk.strip()]


def _compile(env: SandboxedEnvironment, path: Path, line: int, chunk: str) -> jinja2.Template:
    # Padding with blank lines keeps jinja's line numbers equal to the file's.
    source = "\n" * (line - 1) + chunk
    try:
        code = env.compile(source, name=path.name, filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{shown(path)}:{exc.lineno}: template syntax error: {exc.message}"
        ) from None
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def load_variants(env: SandboxedEnvironment, path: Path, kind: str, lang: str) -> list[Variant]:
    """Every variant in one template file, compiled; errors name the file and line."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{shown(path)}: cannot read template: {exc}") from None
    variants = [
        Variant(kind, lang, path, line, _compile(env, path, line, chunk))
        for line, chunk in _split_variants(source)
    ]
    if not variants:
        raise TemplateError(f"{shown(path)}: no variants in template file")
    return variants


def _template_line(exc: BaseException, variant: Variant) -> int:
    line = variant.line
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(variant.path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_WHITESPACE = re.compile(r"\s+")


def render(variant: Variant, context: Mapping[str, Any]) -> str:
    """The variant rendered as one line of text; empty when it does not apply."""
    try:
        text = variant.template.render(context)
    except SecurityError as exc:
        line = _template_line(exc, variant)
        raise TemplateError(
            f"{shown(variant.path)}:{line}: refused by the sandbox: {exc}"
        ) from None
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, variant)
        raise TemplateError(f"{shown(variant.path)}:{line}: {exc.message}") from None
    except Exception as exc:  # a template bug must name its file, never crash the writer
        line = _template_line(exc, variant)
        name = type(exc).__name__
        raise TemplateError(
            f"{shown(variant.path)}:{line}: template failed: {name}: {exc}"
        ) from None
    return _WHITESPACE.sub(" ", text).strip()


