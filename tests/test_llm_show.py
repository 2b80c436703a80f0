"""A show written by a model: its lines air when they pass, templates fill in at once when not."""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO
from llm_server import ThreadedChatServer

from host.segment.segment import Segment
from hostcast.cli import main
from hostcast.cli.show import Show, ShowOptions
from hostcast.cli.writer_setup import WriterOptions
from hostcast.writer_choice import WriterChoice

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
GOOD = {
    "intro": "Meet the Vitamin C Radiance Serum, a light serum for every day.",
    "features": "It comes in an amber glass bottle with a dropper, and it is made in France.",
    "deal": "It is twenty-seven euros ninety today instead of thirty-nine euros ninety.",
    "call_to_action": "Tap the link on the screen to order yours.",
    "transition": "Now let me show you the next one.",
}


@pytest.fixture
def serum_catalog(tmp_path: Path) -> Path:
    catalog = json.loads((REPO / "demo" / "catalog.en.json").read_text(encoding="utf-8"))
    [serum] = [p for p in catalog["products"] if p["id"] == "serum-vitamin-c"]
    serum["image_link"] = str(REPO / "demo" / serum["image_link"])
    catalog["products"] = [serum]
    path = tmp_path / "serum.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    return path


def open_show(catalog: Path, url: str, deadline: float, **kw: object) -> Show:
    writer = WriterOptions(WriterChoice("openai", url, "test-model"), deadline=deadline, **kw)  # type: ignore[arg-type]
    # The writer's deadlines are timed here, so the voice is espeak's: Piper's speed is
    # benchmarks/voice_speed.py's.
    return Show.open(ShowOptions(catalog=catalog, lang="en", voice="en-espeak", size=(180, 320),
                                 at=AT, writer=writer))


def first(show: Show, n: int) -> tuple[list[Segment], list[float]]:
    """The first `n` segments, and when each was ready (seconds since the call)."""
    start = time.perf_counter()
    segments, ready = [], []
    for segment in itertools.islice(show.segments(), n):
        segments.append(segment)
        ready.append(time.perf_counter() - start)
    return segments, ready


def test_model_lines_air_and_failed_kinds_fall_back(serum_catalog: Path, tmp_path: Path) -> None:
    answers: dict[str, str | int] = {**GOOD, "urgency": 503}
    with ThreadedChatServer(answers) as server:
        show = open_show(serum_catalog, server.url, deadline=5.0, pitch_cache=tmp_path / "c.db")
        try:
            segments, _ = first(show, 12)
        finally:
            show.close()
    by_kind = {s.kind: s for s in segments}
    assert ".j2:" in by_kind["greeting"].source
    assert "greeting" not in server.kinds and "disclosure" not in server.kinds
    for kind, text in GOOD.items():
        if kind in by_kind:
            assert by_kind[kind].text == text and by_kind[kind].source == "llm:test-model"
    assert ".j2:" in by_kind["urgency"].source  # the server failed: the template said it
    stats = show.stats()
    assert stats["writer"] == "openai:test-model"
    assert stats["generated"] >= 4 and stats["fallbacks"] >= 1 and stats["guard_refused"] == 0


def test_a_lying_model_never_airs(serum_catalog: Path, tmp_path: Path) -> None:
    lies: dict[str, str | int] = {
        **GOOD,
        "deal": "Today it is completely free, zero euros!",
        "intro": "Meet the Vitamin C Radiance Serum, it cures acne in one night.",
    }
    audit = tmp_path / "refused.jsonl"
    with ThreadedChatServer(lies) as server:
        show = open_show(serum_catalog, server.url, deadline=5.0, audit_log=audit)
        try:
            segments, _ = first(show, 10)
        finally:
            show.close()
    said = " ".join(s.text.lower() for s in segments)
    assert "free" not in said and "cures" not in said
    for kind in ("deal", "intro"):  # each refused answer was asked for once more
        assert server.kinds.count(kind) >= 2 and server.kinds.count(kind) % 2 == 0
    deal = next(s for s in segments if s.kind == "deal")
    assert "twenty-seven euros ninety" in deal.text and ".j2:" in deal.source
    reasons = [r for row in audit.read_text().splitlines() for r in json.loads(row)["reasons"]]
    assert any("free" in r for r in reasons) and any("cure" in r for r in reasons)


@pytest.mark.parametrize("server_kind", ["unreachable", "silent"])
def test_a_down_model_never_holds_the_air(serum_catalog: Path, server_kind: str) -> None:
    deadline = 0.5
    if server_kind == "unreachable":
        show = open_show(serum_catalog, "http://127.0.0.1:9", deadline)
        segments, ready = first(show, 8)
        show.close()
    else:
        with ThreadedChatServer(GOOD, delay=30.0) as server:
            show = open_show(serum_catalog, server.url, deadline)
            segments, ready = first(show, 8)
            show.close()
    print(f"{server_kind}: first line after {ready[0]:.3f} s, 8 lines after {ready[-1]:.3f} s")
    assert segments[0].kind == "greeting" and ".j2:" in segments[0].source
    assert ready[0] < 1.0  # the opening never asks the model
    assert all(".j2:" in s.source for s in segments)
    # A whole pitch's kinds are asked at once: the pitch waits one deadline, not one per kind.
    assert ready[-1] < 4 * deadline + 2.0


def test_script_command_prints_who_wrote_each_line(
    serum_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ThreadedChatServer(GOOD) as server:
        code = main(
            [
                "script",
                str(serum_catalog),
                "--count",
                "1",
                "--at",
                AT.isoformat(),
                "--writer",
                f"openai:{server.url}",
                "--model",
                "test-model",
            ]
        )
    out = capsys.readouterr().out
    assert code == 0
    assert f"[intro] {GOOD['intro']}  (llm:test-model)" in out
    assert "writer openai:test-model, 4 model lines" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--writer", "gpt"], "unknown writer 'gpt'"),
        (["--writer", "openai:http://127.0.0.1:9"], "needs --model"),
        (["--writer", "openai:ftp://x", "--model", "m"], "must start with http"),
        (["--writer", "transformers:/nowhere"], "model folder not found"),
        (["--writer", "template:x"], "takes no argument"),
        (["--llm-deadline", "0"], "--llm-deadline"),
    ],
)
def test_bad_writer_options_are_named(
    serum_catalog: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["script", str(serum_catalog), *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_api_key_variable_is_named(
    serum_catalog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HOSTCAST_TEST_KEY", raising=False)
    argv = ["--writer", "openai:http://127.0.0.1:9", "--model", "m"]
    code = main(["script", str(serum_catalog), *argv, "--api-key-env", "HOSTCAST_TEST_KEY"])
    assert code == 2 and "HOSTCAST_TEST_KEY" in capsys.readouterr().err
