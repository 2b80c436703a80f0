"""The playout on a simulated clock: a day of air, stalls, idle air and failing lines."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest
from conftest import REPO

from host.compose.picture import FrameState
from host.script.running_order import running_order
from host.segment.segment import Segment
from host.voice.chain import VoiceChain
from hostcast.cli.show import Show, ShowOptions
from stream.clock import SimulatedClock
from stream.encoder import AUDIO_RATE
from stream.playout import Playout
from stream.source import InlineSource, ProducerThread

FPS = 30
AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


class CheckedOutput:
    """Counts what the playout sends and fails on any gap or repeat."""

    def __init__(self) -> None:
        self.frames = 0
        self.samples = 0
        self.last_frame = -1
        self.gaps = 0

    def video(self, yuv: np.ndarray, index: int) -> None:
        if index != self.last_frame + 1:
            self.gaps += 1
        self.last_frame = index
        self.frames += 1

    def audio(self, pcm: np.ndarray, first_sample: int) -> None:
        assert first_sample == self.samples, "audio must be contiguous"
        self.samples += len(pcm)


def small_show(**options: object) -> Show:
    return Show.open(
        ShowOptions(
            catalog=REPO / "demo" / "catalog.fr.json", lang="fr", size=(180, 320), at=AT,
            **options,  # type: ignore[arg-type]
        )
    )


def segments(show: Show) -> Iterator[Segment]:
    on_air = [p for p in show.loaded.products if p.orderable]
    return show.builder.segments(running_order(show.writer.script, on_air, show.lang))


@pytest.mark.slow
def test_a_day_of_air_in_simulated_time_is_exact_and_does_not_grow() -> None:
    show = small_show()
    output = CheckedOutput()
    playout = Playout(SimulatedClock(), InlineSource(segments(show)), show.picture, output, fps=FPS)
    hours = 24
    started = time.monotonic()
    playout.run(until=3600)
    rss_hour_1 = rss_bytes()
    for hour in range(2, hours + 1):  # the same playout goes on, on the same clock
        playout.run(until=hour * 3600)
    growth = rss_bytes() - rss_hour_1
    print(
        f"soak: {hours} h simulated in {time.monotonic() - started:.0f} s, "
        f"{playout.stats.segments} segments, RSS growth hour 1 -> 24: {growth / 2**20:.1f} MiB"
    )
    assert output.frames == hours * 3600 * FPS and output.gaps == 0
    assert output.samples == hours * 3600 * AUDIO_RATE
    assert playout.stats.repeated_frames == 0 and playout.stats.idle_ticks == 0
    assert growth < 20 * 2**20


class StallingOutput(CheckedOutput):
    """Takes half a second to send one frame, as a machine under load would."""

    def __init__(self, clock: SimulatedClock, at_frame: int, seconds: float) -> None:
        super().__init__()
        self.clock = clock
        self.at_frame = at_frame
        self.seconds = seconds
        self.frame_times: list[float] = []
        self.pictures: list[np.ndarray] = []

    def video(self, yuv: np.ndarray, index: int) -> None:
        super().video(yuv, index)
        self.frame_times.append(self.clock.now())
        self.pictures.append(yuv.copy())
        if index == self.at_frame:
            self.clock.advance(self.seconds)


def test_a_late_frame_repeats_the_last_picture_and_never_gaps_video_or_audio() -> None:
    show = small_show()
    clock = SimulatedClock()
    output = StallingOutput(clock, at_frame=90, seconds=0.5)
    playout = Playout(clock, InlineSource(segments(show)), show.picture, output, fps=FPS)
    playout.run(until=10)
    assert output.samples == 10 * AUDIO_RATE  # audio complete: CheckedOutput saw no gap
    # Frames 91..104 fell due during the stall: each airs frame 90's picture again, at its
    # own index (CheckedOutput refuses a gap), and only 105 is drawn anew.
    assert playout.stats.repeated_frames == 14
    assert output.frames == playout.stats.frames == 10 * FPS
    assert all(np.array_equal(output.pictures[i], output.pictures[90]) for i in range(91, 105))
    assert output.gaps == 0
    # The repeats go out together when the stall ends; every frame after is on time.
    times = output.frame_times
    assert times[91:105] == [times[91]] * 14
    assert all(b > a for a, b in itertools.pairwise(times[105:]))
    assert playout.stats.lateness.max >= 0.5 - 1 / FPS


class Trickle:
    """A source that has nothing ready until air time reaches `ready_at`."""

    def __init__(self, inner: InlineSource, playout_clock: SimulatedClock, ready_at: float):
        self.inner = inner
        self.clock = playout_clock
        self.ready_at = ready_at

    def poll(self) -> Segment | None:
        return self.inner.poll() if self.clock.now() >= self.ready_at else None

    def ahead(self) -> float:
        return 0.0

    def close(self) -> None:
        return None


def test_idle_programme_airs_when_nothing_is_ready() -> None:
    show = small_show()
    clock = SimulatedClock()
    states: list[FrameState] = []
    source = Trickle(InlineSource(segments(show)), clock, ready_at=3.0)
    output = CheckedOutput()
    playout = Playout(clock, source, show.picture, output, fps=FPS, on_frame=states.append)
    playout.run(until=8)
    assert output.frames == 8 * FPS and output.samples == 8 * AUDIO_RATE
    assert playout.stats.idle_ticks == 3 * 50  # 3 s of 20 ms silence ticks
    idle = states[: 3 * FPS]
    assert all(not s.talking and s.mouth == "X" and s.caption is None for s in idle)
    assert all(s.product_id == idle[0].product_id is not None for s in idle)  # the card stays
    assert any(s.talking for s in states[3 * FPS + 1 :])  # the first line starts right away


class FlakyVoice:
    """Fails every third line, as a broken engine or an unspeakable line would."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.calls = 0

    def speak(self, text: str):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls % 3 == 0:
            raise RuntimeError("voice engine hiccup")
        return self.inner.speak(text)  # type: ignore[attr-defined]


def test_a_failing_line_is_skipped_and_air_stays_filled(caplog: pytest.LogCaptureFixture) -> None:
    show = small_show()
    show.builder._voice = VoiceChain([FlakyVoice(show.builder._voice)])  # type: ignore[list-item]
    output = CheckedOutput()
    playout = Playout(SimulatedClock(), InlineSource(segments(show)), show.picture, output, fps=FPS)
    playout.run(until=60)
    assert output.samples == 60 * AUDIO_RATE and output.frames == 60 * FPS
    assert playout.stats.idle_ticks == 0
    assert "voice engine hiccup" in caplog.text


def test_producer_thread_stays_within_its_lookahead() -> None:
    show = small_show()
    producer = ProducerThread(lambda: segments(show), lookahead=10.0)
    try:
        deadline = time.monotonic() + 20
        while producer.ahead() < 10.0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # would it go on building? it must not
        assert 10.0 <= producer.ahead() < 10.0 + 15.0  # at most one line past the bound
        ready = producer.ahead()
        first = producer.poll()
        assert first is not None and producer.ahead() == pytest.approx(ready - first.duration)
    finally:
        producer.close()
