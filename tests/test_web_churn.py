"""Fifty viewers come and go, politely or not: nothing they leave behind may accumulate."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Iterator

import aiohttp
import aioice.ice
import pytest
from aiortc import RTCSessionDescription

from stream.web.testing import PreviewOnAir, preview_on_air
from stream.webrtc.testing import ViewerClient

CYCLES = 50
BATCH = 10
TASK_SLACK = 3  # the feed's timers and aiohttp keep a few short-lived tasks
MEMORY_SLACK = 40 * 1024 * 1024


@pytest.fixture(scope="module")
def preview() -> Iterator[PreviewOnAir]:
    # A vanished viewer is noticed when ICE consent lapses: 30 s by default, ~2 s here.
    patch = pytest.MonkeyPatch()
    patch.setattr(aioice.ice, "CONSENT_INTERVAL", 0.4)
    patch.setattr(aioice.ice, "CONSENT_FAILURES", 3)
    try:
        with preview_on_air(connect_timeout=3.0) as on_air:
            yield on_air
    finally:
        patch.undo()


def rss() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def _server_tasks() -> int:
    return len(asyncio.all_tasks())


async def _cycle(session: aiohttp.ClientSession, url: str, how: str) -> None:
    client = ViewerClient(url)
    if how == "abandon":  # the tab closes between offer and answer: ICE never starts
        pc = client.pc
        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"sdp": pc.localDescription.sdp, "type": "offer"}
        async with session.post(f"{url}api/offer", json=offer) as response:
            answer = await response.json()
            assert response.status == 200, answer
        RTCSessionDescription(**answer)  # a well-formed answer, never applied
        await pc.close()
        return
    await client.connect(session)
    deadline = time.monotonic() + 10
    while client.audio_frames < 5 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert client.audio_frames >= 5, "a churn viewer never got media"
    await (client.close() if how == "close" else client.vanish())


def test_fifty_abrupt_viewers_leave_no_tasks_viewers_or_memory(preview: PreviewOnAir) -> None:
    modes = ["vanish", "close", "abandon"]

    async def churn(cycles: int) -> None:
        async with aiohttp.ClientSession() as session:
            for start in range(0, cycles, BATCH):
                batch = [modes[(start + i) % len(modes)] for i in range(min(BATCH, cycles - start))]
                await asyncio.gather(*(_cycle(session, preview.url, how) for how in batch))

    async def settle(timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (preview.sink.viewer_count or
                                               preview.in_loop(_server_tasks()) > tasks_before):
            await asyncio.sleep(0.2)

    asyncio.run(churn(BATCH))  # warm up: executors, codec tables, allocator arenas
    tasks_before = 10**6
    asyncio.run(settle())
    gc.collect()
    tasks_before = preview.in_loop(_server_tasks())
    memory_before = rss()
    started = time.monotonic()

    asyncio.run(churn(CYCLES))
    peak_viewers = preview.sink.viewer_count
    asyncio.run(settle())
    gc.collect()

    tasks_after = preview.in_loop(_server_tasks())
    assert preview.sink.viewer_count == 0, "a viewer outlived its connection"
    assert tasks_after <= tasks_before + TASK_SLACK, (tasks_before, tasks_after)
    growth = rss() - memory_before
    assert growth < MEMORY_SLACK, f"memory grew {growth / 2**20:.1f} MiB over {CYCLES} viewers"
    print(f"\n{CYCLES} cycles in {time.monotonic() - started:.1f} s; {peak_viewers} viewers "
          f"at the end of churn; tasks {tasks_before} -> {tasks_after}; "
          f"memory +{growth / 2**20:.1f} MiB")
