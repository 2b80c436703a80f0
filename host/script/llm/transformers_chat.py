"""A chat model run in-process with transformers, loaded from a local folder only."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from host.errors import ConfigError, HostcastError
from host.script.llm.openai_client import LlmError, ModelNotReady

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'hostcast[llm]' (torch and transformers)"


def _import_stack() -> tuple[Any, Any]:
    """torch and transformers, or a HostcastError with the install hint."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise HostcastError(
            f"the transformers writer needs torch and transformers: {INSTALL_HINT} ({exc})"
        ) from None
    return torch, transformers


def plain_prompt(messages: list[dict[str, str]]) -> str:
    """A prompt for a tokenizer with no chat template: each turn labelled, then the answer."""
    turns = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
    return "\n\n".join([*turns, "Assistant:"])


class _Loaded:
    def __init__(self, tokenizer: Any, model: Any, device: str) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.device = device


class TransformersChat:
    """A causal LM from `folder` (config, weights, tokenizer); never downloads anything.

    Loading starts at once in a background thread, so a stream goes on air on templates while
    a large model loads. It runs on CUDA when present, else on the CPU; one generation at a
    time, each stopped after `max_time` seconds so an abandoned request cannot hold the model.
    """

    def __init__(self, folder: Path, *, device: str | None = None, max_time: float = 10.0) -> None:
        folder = Path(folder).expanduser()
        if not (folder / "config.json").is_file():
            raise ConfigError(f"{folder}: not a transformers model folder (no config.json)")
        if max_time <= 0:
            raise ConfigError(f"max_time must be positive seconds, got {max_time}")
        _import_stack()  # a missing extra is a start-up error, not a silent fallback
        self.folder = folder
        self.max_time = max_time
        self._device = device
        self._lock = threading.Lock()
        self._loaded: Future[_Loaded] = Future()
        threading.Thread(target=self._load, name="llm-load", daemon=True).start()

    @property
    def name(self) -> str:
        return self.folder.name

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            torch, transformers = _import_stack()
            device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
            dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                self.folder, local_files_only=True
            )
            model = transformers.AutoModelForCausalLM.from_pretrained(
                self.folder, local_files_only=True, dtype=dtype
            )
            model.to(device).eval()
        except Exception as exc:  # reported to every request, and logged once here
            error = LlmError(f"{self.folder}: cannot load the model: {exc}")
            log.error("%s", error)
            self._loaded.set_exception(error)
            return
        log.info("loaded %s on %s in %.1f s", self.folder, device, time.perf_counter() - started)
        self._loaded.set_result(_Loaded(tokenizer, model, device))

    def wait_loaded(self, timeout: float | None = None) -> None:
        """Block until the model is loaded; its loading error, if any, is raised here."""
        self._loaded.result(timeout)

    def _prompt(self, tokenizer: Any, messages: list[dict[str, str]]) -> str:
        if getattr(tokenizer, "chat_template", None):
            text = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, tokenize=False
            )
            return str(text)
        return plain_prompt(messages)

    def _generate(self, messages: list[dict[str, str]], temperature: float, max_tokens: int) -> str:
        loaded = self._loaded.result()
        torch, _ = _import_stack()
        tokenizer, model = loaded.tokenizer, loaded.model
        inputs = tokenizer(self._prompt(tokenizer, messages), return_tensors="pt")
        inputs = {key: value.to(loaded.device) for key, value in inputs.items()}
        pad = tokenizer.pad_token_id
        if pad is None:
            pad = tokenizer.eos_token_id
        sampling: dict[str, Any] = {"do_sample": False}
        if temperature > 0:
            sampling = {"do_sample": True, "temperature": temperature, "top_p": 0.95}
        with self._lock, torch.inference_mode():
            output = model.generate(
                **inputs,
                max_new_tokens=max_tokens,
                max_time=self.max_time,
                pad_token_id=pad,
                **sampling,
            )
        prompt_length = inputs["input_ids"].shape[1]
        return str(tokenizer.decode(output[0][prompt_length:], skip_special_tokens=True))

    async def complete(
        self, messages: list[dict[str, str]], *, temperature: float = 0.8, max_tokens: int = 300
    ) -> str:
        """The model's answer to `messages`, generated in a worker thread."""
        if not self._loaded.done():
            raise ModelNotReady(f"{self.folder}: still loading")
        return await asyncio.to_thread(self._generate, messages, temperature, max_tokens)

    async def close(self) -> None:
        return None
