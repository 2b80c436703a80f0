"""The operator's controls on a running show: say, skip, pin, pause, and the on-air state."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from conftest import REPO

from host.chat.message import ViewerMessage
from host.script.steering import Steering
from host.segment.segment import Segment
from hostcast.cli.live import LiveShow
from hostcast.cli.show import Show, ShowOptions
from stream.source import ProducerThread

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


@pytest.fixture
def live() -> Iterator[LiveShow]:
    show = Show.open(
        ShowOptions(catalog=REPO / "demo" / "catalog.en.json", lang="en", size=(180, 320), at=AT)
    )
    live = LiveShow(show, Steering())
    producer = ProducerThread(lambda: show.segments(steering=live.steering), lookahead=20.0)
    live.producer = producer
    try:
        yield live
    finally:
        live.steering.resume()
        producer.close()


def wait_ahead(producer: ProducerThread, seconds: float, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while producer.ahead() < seconds and time.monotonic() < deadline:
        time.sleep(0.02)


def drain(producer: ProducerThread, count: int) -> list[Segment]:
    out: list[Segment] = []
    deadline = time.monotonic() + 30
    while len(out) < count and time.monotonic() < deadline:
        segment = producer.poll()
        if segment is None:
            time.sleep(0.02)
        else:
            out.append(segment)
    return out


def test_say_airs_next_and_refuses_invented_numbers(live: LiveShow) -> None:
    assert live.producer is not None
    wait_ahead(live.producer, 5)
    serum = next(p for p in live.show.loaded.products if p.id == "serum-vitamin-c")
    live.show.picture._overlay = live.show.builder.overlay(serum)  # the serum's card is on screen
    refused = live.say("Only 9.99 euros today!")
    assert refused is not None and "9.99" in refused
    assert live.say("   ") is not None
    assert live.say("x" * 1000) is not None
    assert live.say("Now 27.90 instead of 39.90: that is 30 percent off!") is None
    first = live.producer.poll()
    assert first is not None and first.kind == "operator" and first.product_id == serum.id
    assert "twenty-seven euros ninety" in first.text  # said in words
    assert any("27.90" in c.value for c in first.captions)  # shown in figures


def test_skip_moves_on_to_another_product(live: LiveShow) -> None:
    assert live.producer is not None
    wait_ahead(live.producer, 15)
    drain(live.producer, 2)  # greeting and disclosure; the first product's lines wait
    current = next(s.product_id for s in live.producer.upcoming() if s.product_id)
    live.skip()
    assert live.producer.upcoming() == []  # what was queued for the old product is dropped
    after = [s.product_id for s in drain(live.producer, 4) if s.product_id]
    assert after and after[0] != current


def test_pin_holds_one_product_and_refuses_unknown_ones(live: LiveShow) -> None:
    assert live.producer is not None
    with pytest.raises(ValueError, match="product_id"):
        live.pin("no-such-product")
    with pytest.raises(ValueError, match="product_id"):
        live.pin("chocolates-12")  # sold out: cannot be pinned
    live.pin("honey-acacia")
    segments = drain(live.producer, 14)
    about = [s.product_id for s in segments if s.product_id]
    assert about and set(about[-6:]) == {"honey-acacia"}
    assert live.status()["pinned"] == "honey-acacia"


def test_pause_stops_new_lines_until_resumed(live: LiveShow) -> None:
    assert live.producer is not None
    wait_ahead(live.producer, 5)
    live.pause()
    time.sleep(1.0)
    assert live.producer.ahead() == 0  # the queue was flushed and nothing new is built
    assert live.producer.poll() is None
    assert live.status()["paused"] is True
    live.resume()
    assert drain(live.producer, 3)


def test_status_lists_what_the_page_shows(live: LiveShow) -> None:
    status = live.status()
    assert status["product"] is not None and status["product"]["price"].startswith("€")
    ids = {p["id"] for p in status["products"]}
    assert "serum-vitamin-c" in ids and "chocolates-12" not in ids  # only orderable ones
    serum = next(p for p in status["products"] if p["id"] == "serum-vitamin-c")
    assert serum["sale_price"] == "€27.90" and "-30%" in serum["deal"]


def test_template_typed_and_answer_lines_all_pass_the_shows_one_guard(live: LiveShow) -> None:
    assert live.producer is not None
    wait_ahead(live.producer, 5)
    guard = live.show.guard
    assert live.show.builder.guard is guard
    assert live.say("Only 9.99 euros today!") is not None
    live.ask(ViewerMessage("Ana", "How much is the serum?", time.monotonic()))
    deadline = time.monotonic() + 20
    while not guard.counts()["checked"].get("answer") and time.monotonic() < deadline:
        time.sleep(0.05)
    counts = guard.counts()
    assert counts["checked"]["template"] > 0
    assert counts["checked"]["operator"] == 1 and counts["refused"]["operator"] == 1
    assert counts["checked"]["answer"] >= 1
    stats = live.show.stats()
    assert stats["guard_refused"] == guard.refused_total >= 1
