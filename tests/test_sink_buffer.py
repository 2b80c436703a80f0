"""GopBuffer and Backoff: bounded, keyframe-aligned, and retries that spread out."""

from __future__ import annotations

import random

import pytest

from stream.packets import Packet
from stream.sinks.backoff import Backoff
from stream.sinks.gop_buffer import GopBuffer

KB = 1024


def video(n: int, size: int = KB, key: bool = False) -> Packet:
    return Packet("video", bytes(size), n, n, 1, key)


def audio(n: int) -> Packet:
    return Packet("audio", bytes(100), n * 1024, n * 1024, 1024, False)


def drain(buffer: GopBuffer) -> list[Packet]:
    out = []
    while (packet := buffer.get()) is not None:
        out.append(packet)
    return out


def test_output_starts_at_a_keyframe() -> None:
    buffer = GopBuffer(64 * KB)
    for packet in (audio(0), video(0), video(1, key=True), video(2)):
        buffer.put(packet)
    assert [p.pts for p in drain(buffer)] == [1, 2]
    assert buffer.dropped_bytes == 100 + KB


def test_a_full_buffer_drops_until_a_keyframe_fits() -> None:
    buffer = GopBuffer(64 * KB)
    for n in range(100):  # GOPs of 10 frames, 1 KiB each: 64 fit
        buffer.put(video(n, key=n % 10 == 0))
    assert buffer.queued_bytes <= 64 * KB
    assert [p.pts for p in drain(buffer)] == list(range(64))
    buffer.put(video(100, key=False))
    buffer.put(video(110, key=True))
    assert [p.pts for p in drain(buffer)] == [110]
    assert buffer.dropped_bytes == 37 * KB


def test_a_fresh_connection_starts_on_the_newest_keyframe() -> None:
    buffer = GopBuffer(64 * KB)
    for n in range(25):
        buffer.put(video(n, key=n % 10 == 0))
    buffer.skip_to_latest_keyframe()
    assert [p.pts for p in drain(buffer)] == [20, 21, 22, 23, 24]
    buffer.skip_to_latest_keyframe()  # nothing queued: wait for the next keyframe
    buffer.put(video(25))
    buffer.put(video(30, key=True))
    assert [p.pts for p in drain(buffer)] == [30]


def test_restart_drops_the_rest_of_a_gop() -> None:
    buffer = GopBuffer(64 * KB)
    for n in range(15):
        buffer.put(video(n, key=n % 10 == 0))
    assert buffer.get() is not None
    buffer.restart_at_keyframe()
    assert [p.pts for p in drain(buffer)] == [10, 11, 12, 13, 14]


def test_get_waits_at_most_its_timeout() -> None:
    assert GopBuffer(64 * KB).get(0.02) is None


def test_backoff_doubles_to_a_ceiling_with_jitter_and_resets() -> None:
    backoff = Backoff(0.5, 10.0, jitter=0.2, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(8)]
    for delay, base in zip(delays, [0.5, 1, 2, 4, 8, 10, 10, 10], strict=True):
        assert base * 0.8 <= delay <= base * 1.2
    backoff.reset()
    assert backoff.next_delay() <= 0.6


def test_backoff_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="initial <= maximum"):
        Backoff(5, 1)
