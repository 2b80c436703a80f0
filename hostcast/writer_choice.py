"""Which pitch writer a show uses: `template`, `transformers:PATH` or `openai:URL`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from host.script.llm.prompt import STYLES

WRITER_KINDS = ("template", "transformers", "openai")
WRITER_HELP = "template (default), transformers:PATH (a local model folder) or openai:URL"


@dataclass(frozen=True)
class WriterChoice:
    """A parsed `--writer` value: the kind and its target (a folder or a server URL)."""

    kind: str = "template"
    target: str = ""
    model: str = ""  # the model name an OpenAI-compatible server expects
    style: str = "energetic"

    @property
    def uses_model(self) -> bool:
        return self.kind != "template"


def parse_writer(
    spec: str, *, model: str = "", style: str = "energetic", model_key: str = "--model NAME"
) -> WriterChoice:
    """The writer `spec` names; ValueError says what is wrong with it.

    `model_key` is how a message asks for the model's name: by its flag or its config key.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r} (known: {', '.join(STYLES)})")
    kind, sep, target = spec.strip().partition(":")
    if kind not in WRITER_KINDS:
        raise ValueError(f"unknown writer {spec!r}: expected {WRITER_HELP}")
    if kind == "template":
        if sep:
            raise ValueError(f"the template writer takes no argument, got {spec!r}")
        return WriterChoice(style=style)
    if not target:
        what = "PATH" if kind == "transformers" else "URL"
        raise ValueError(f"writer {kind!r} needs a target: {kind}:{what}")
    if kind == "transformers":
        folder = Path(target).expanduser()
        if not folder.is_dir():
            raise ValueError(f"transformers model folder not found: {folder}")
        if not (folder / "config.json").is_file():
            raise ValueError(f"{folder}: not a transformers model folder (no config.json)")
        return WriterChoice(kind, str(folder), model or folder.name, style)
    if not target.startswith(("http://", "https://")):
        raise ValueError(f"openai writer URL must start with http:// or https://, got {target!r}")
    if not model:
        raise ValueError(f"the openai writer needs {model_key} (the model the server serves)")
    return WriterChoice(kind, target, model, style)
