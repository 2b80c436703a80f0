"""The platforms' rate limits, and the answer queue that serves each source in turn."""

from __future__ import annotations

import threading

from hostcast.chat.gate import ChatGate, GateLimits
from hostcast.cli.answer_queue import FairQueue


def test_one_viewer_one_platform_and_everyone_are_limited() -> None:
    gate = ChatGate(GateLimits(viewer=(1 / 3, 3), platform=(1.0, 5), overall=(2.0, 10)),
                    clock=lambda: 0.0)
    # One viewer: three at once, then none until their bucket refills.
    assert [gate.admit("twitch", "julie", 0.0) for _ in range(4)][:3] == [0.0, 0.0, 0.0]
    assert gate.admit("twitch", "julie", 0.0) > 0
    # Many viewers on one platform: its share of 5 at once.
    admitted = sum(gate.admit("twitch", f"bot{i}", 0.0) == 0 for i in range(100))
    assert admitted == 2  # 5 of the platform's, 3 spent by julie
    tallies = gate.tallies()["twitch"]
    assert tallies["received"] == 105 and tallies["dropped"] == 100


def test_a_flooding_platform_leaves_room_for_the_others() -> None:
    gate = ChatGate(GateLimits(viewer=(1.0, 3), platform=(1.0, 5), overall=(2.0, 10)),
                    clock=lambda: 0.0)
    now = 0.0
    youtube = 0
    for step in range(200):  # 10 s of a 100-a-second flood on Twitch, one YouTube question a s
        now = step * 0.05
        for i in range(5):
            gate.admit("twitch", f"bot{step}-{i}", now)
        if step % 20 == 0:
            youtube += gate.admit("youtube", f"viewer{step}", now) == 0
    assert youtube == 10  # every YouTube viewer got through
    assert gate.tallies()["twitch"]["dropped"] > 900


def test_the_page_and_api_are_not_limited_here() -> None:
    gate = ChatGate(clock=lambda: 0.0)
    assert all(gate.admit("page", "1.2.3.4", 0.0) == 0 for _ in range(100))


def test_the_answer_queue_serves_sources_in_turn() -> None:
    queue: FairQueue[str] = FairQueue(per_source=3)
    for i in range(5):
        queue.put("twitch", f"t{i}")
    assert not queue.put("twitch", "t9")  # its own queue is full...
    assert queue.put("youtube", "y0") and queue.put("youtube", "y1")  # ...not the others'
    order = [queue.get() for _ in range(5)]
    assert order == ["t0", "y0", "t1", "y1", "t2"]
    # A source that refills its queue as soon as it is served does not go first again.
    assert queue.put("twitch", "t3")
    assert queue.put("tiktok", "k0")
    assert [queue.get(), queue.get()] == ["k0", "t3"]
    assert queue.put("twitch", "t4") and queue.put("youtube", "y2")
    assert [queue.get(), queue.get()] == ["y2", "t4"]  # twitch was served after youtube
    queue.close()
    assert queue.get() is None


def test_close_wakes_a_waiting_reader() -> None:
    queue: FairQueue[str] = FairQueue(per_source=1)
    got: list[str | None] = []
    reader = threading.Thread(target=lambda: got.append(queue.get()))
    reader.start()
    queue.close()
    reader.join(timeout=2)
    assert got == [None]
