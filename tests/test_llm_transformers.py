"""The transformers writer: a tiny random Llama saved here, loaded through the real code."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from pathlib import Path

import av
import pytest
from conftest import NOW, REPO, require_module

from host.catalog.model import Product
from host.errors import ConfigError, HostcastError
from host.script.guard import PriceGuard
from host.script.llm.openai_client import LlmError
from host.script.llm.transformers_chat import TransformersChat
from host.script.llm.writer import LlmWriter
from host.script.template_writer import TemplateWriter
from hostcast.cli import main

MESSAGES = [
    {"role": "system", "content": "You write what a live-shopping host says."},
    {"role": "user", "content": "Write 1 line of kind 'intro' about the serum."},
]
HINT = "pip install 'hostcast[llm]'"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_module("torch", HINT)
    require_module("transformers", HINT)
    from tiny_llm import save_tiny_llm

    return save_tiny_llm(tmp_path_factory.mktemp("tiny-llama"))


def loaded(folder: Path) -> TransformersChat:
    chat = TransformersChat(folder)
    chat.wait_loaded(120)
    return chat


def test_generates_text_from_the_local_folder_with_its_chat_template(tiny: Path) -> None:
    chat = loaded(tiny)
    answer = asyncio.run(chat.complete(MESSAGES, temperature=0.8, max_tokens=30))
    assert isinstance(answer, str) and answer.strip()
    tokenizer = chat._loaded.result().tokenizer
    assert chat._prompt(tokenizer, MESSAGES).endswith("<s>assistant\n")
    assert chat.name == tiny.name


def test_a_tokenizer_without_chat_template_gets_a_plain_prompt(tmp_path: Path) -> None:
    require_module("torch", HINT)
    from tiny_llm import save_tiny_llm

    chat = loaded(save_tiny_llm(tmp_path / "plain", chat_template=False, seed=1))
    tokenizer = chat._loaded.result().tokenizer
    assert chat._prompt(tokenizer, MESSAGES).endswith("\n\nAssistant:")
    answer = asyncio.run(chat.complete(MESSAGES, temperature=0.0, max_tokens=20))
    assert isinstance(answer, str)


def test_gibberish_is_refused_by_the_guard_and_templates_air(
    tiny: Path, serum: Product, tmp_path: Path
) -> None:
    audit = tmp_path / "refused.jsonl"
    guard = PriceGuard(now=lambda: NOW, audit=audit)
    writer = LlmWriter(
        loaded(tiny), TemplateWriter(clock=lambda: NOW), guard, clock=lambda: NOW, deadline=60,
        audit=guard.audit, temperature=0.0,  # greedy: the same gibberish whatever ran before
    )

    async def pitch() -> list[list[str]]:
        kinds = ("intro", "features", "deal", "call_to_action")
        said = [await writer.write(serum, kind, "en") for kind in kinds]
        return [[line.source for line in lines] for lines in said]

    sources = asyncio.run(pitch())
    # The model answered every time, twice per kind (asked again once with the reasons);
    # what it wrote never passed, so every line on air is a template's.
    assert writer.stats.refused == 8 and writer.stats.generated == 0
    assert writer.stats.fallbacks == 4 and writer.stats.failed == 0
    assert all(".j2:" in source for lines in sources for source in lines)
    refusals = [json.loads(row) for row in audit.read_text().splitlines()]
    assert len(refusals) >= writer.stats.refused  # one entry per refused line
    assert all(r["product_id"] == "serum-vitc" and r["reasons"] for r in refusals)


def test_missing_extra_names_the_install(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(HostcastError, match=r"hostcast\[llm\]"):
        TransformersChat(tiny)


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no config\.json"):
        TransformersChat(tmp_path)


def test_broken_weights_are_reported_and_the_templates_fill_in(
    tiny: Path, serum: Product, tmp_path: Path
) -> None:
    broken = shutil.copytree(tiny, tmp_path / "broken")
    (broken / "model.safetensors").write_bytes(b"not weights")
    chat = TransformersChat(broken)
    with pytest.raises(LlmError, match="cannot load the model"):
        chat.wait_loaded(120)
    writer = LlmWriter(
        chat, TemplateWriter(clock=lambda: NOW), PriceGuard(now=lambda: NOW), clock=lambda: NOW
    )
    [line] = asyncio.run(writer.write(serum, "intro", "en"))
    assert "intro.j2" in line.source and writer.stats.failed == 1


def test_render_with_the_transformers_writer(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "llm.mp4"
    catalog = REPO / "demo" / "catalog.en.json"
    code = main(
        [
            "render",
            "--catalog",
            str(catalog),
            "--out",
            str(out),
            "--duration",
            "12",
            "--size",
            "1280x720",
            "--at",
            "2026-11-18T15:00:00+00:00",
            "--writer",
            f"transformers:{tiny}",
            "--llm-deadline",
            "20",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    # The random model samples: now and then an answer of its passes the guard, so the
    # counts vary from run to run.
    said = re.search(
        rf"writer transformers:{tiny.name}, (\d+) model lines, (\d+) from the cache, "
        r"(\d+) refused, (\d+) template fallbacks",
        printed,
    )
    assert said is not None, printed
    generated, _, refused, _ = map(int, said.groups())
    assert generated + refused > 0  # the model was asked, and answered
    with av.open(str(out)) as container:
        assert container.streams.video[0].frames == 12 * 30
