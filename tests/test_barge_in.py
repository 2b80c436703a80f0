"""Barge-in: a line cuts into the air at once, at a word end or at a sentence end."""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pytest

from host.avatar.pack import load_pack
from host.avatar.presenter import Presenter
from host.compose.compositor import Compositor
from host.compose.layout import layout_for
from host.compose.picture import FrameState, Picture
from host.script.line import Line
from host.segment.build import SegmentBuilder
from host.segment.segment import Segment
from host.voice.espeak import EspeakVoice
from stream.airtime import AirTimeline
from stream.clock import RealClock, SimulatedClock
from stream.encoder import AUDIO_CHUNK, AUDIO_RATE
from stream.playout import FADE, CutIn, CutMode, Playout
from stream.source import InlineSource

FPS = 30
RATE = AUDIO_RATE


AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


@dataclass
class Show:
    """The two parts of a show the playout needs: lines spoken by espeak, and a tiny picture."""

    builder: SegmentBuilder
    picture: Picture


@pytest.fixture(scope="module")
def show() -> Show:
    builder = SegmentBuilder(EspeakVoice("en"), "en", sample_rate=AUDIO_RATE, clock=lambda: AT)
    layout = layout_for(180, 320)
    presenter = Presenter(load_pack("default"), height=layout.presenter_box.h)
    picture = Picture(Compositor(layout, presenter), presenter, builder.overlay(None))
    return Show(builder, picture)


def line(show: Show, text: str, kind: str = "pitch") -> Segment:
    return show.builder.build(Line(text=text, caption=text, kind=kind, lang="en"), None)


@pytest.fixture(scope="module")
def rotation(show: Show) -> list[Segment]:
    return [
        line(show, "Hello there, dear viewers. This serum is great! Do you like it? Yes."),
        line(show, "The bottle holds thirty millilitres of light and fragrant serum."),
        line(show, "It absorbs in seconds and leaves no trace on your skin."),
    ]


@pytest.fixture(scope="module")
def answer(show: Show) -> Segment:
    return line(show, "Julie asks about the price. It is on the card.", kind="answer")


class Recorder:
    """Keeps every sample sent, fails on a gap, and calls `at_sample` hooks as air passes."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []
        self.samples = 0
        self.frames = 0
        self.hooks: dict[int, Callable[[], None]] = {}

    def video(self, yuv: np.ndarray, index: int) -> None:
        self.frames += 1

    def audio(self, pcm: np.ndarray, first_sample: int) -> None:
        assert first_sample == self.samples, "audio must be contiguous"
        self.chunks.append(pcm.copy())
        self.samples += len(pcm)
        hook = self.hooks.pop(self.samples, None)
        if hook is not None:
            hook()  # at the stream time of this chunk's first sample, when it is sent

    @property
    def pcm(self) -> np.ndarray:
        return np.concatenate(self.chunks)


class Run:
    """A playout on a simulated clock, its output and the segments it aired, with start times."""

    def __init__(self, show: Show, segments: list[Segment]) -> None:
        self.output = Recorder()
        self.aired: list[tuple[Segment, float]] = []
        self.frames: list[FrameState] = []
        self.playout = Playout(
            SimulatedClock(), InlineSource(iter(segments)), show.picture, self.output, fps=FPS,
            on_segment=lambda segment, at: self.aired.append((segment, at)),
            on_frame=self.frames.append,
            lead_in=0,  # the first line airs from sample 0: cuts are checked to the sample
        )

    def cut_in_at(
        self, t: float, segment: Segment, mode: CutMode, into: list[CutIn] | None = None
    ) -> list[CutIn]:
        """Ask for a cut-in at `t` seconds of stream time (a tick), its handle into `into`."""
        handles = [] if into is None else into
        sample = round(t * RATE / AUDIO_CHUNK) * AUDIO_CHUNK + AUDIO_CHUNK
        before = self.output.hooks.get(sample)

        def ask() -> None:
            if before is not None:
                before()
            handles.append(self.playout.cut_in(segment, mode))

        self.output.hooks[sample] = ask
        return handles

    def start_of(self, segment: Segment) -> int:
        return next(round(at * RATE) for s, at in self.aired if s is segment)


def tick_in_word(segment: Segment, min_left: float = 0.08) -> tuple[float, int]:
    """A tick time inside a long word of `segment` (aired from 0) and that word's index."""
    for index, word in enumerate(segment.speech.words):
        t = np.ceil((word.start + 0.01) / 0.02) * 0.02
        if word.end - t >= min_left:
            return float(t), index
    raise AssertionError("no word long enough")


def contains(haystack: np.ndarray, needle: np.ndarray) -> bool:
    return haystack.tobytes().find(needle.tobytes()) >= 0


def assert_clean_cut(out: np.ndarray, cut: int, before: np.ndarray) -> None:
    """The fade before `cut` stays under a linear ramp of what was airing: no click."""
    faded = out[cut - FADE : cut].astype(np.int32)
    ramp = (FADE - np.arange(FADE)) / (FADE + 1)
    assert np.all(np.abs(faded) <= np.abs(before.astype(np.int32)) * ramp + 1)
    assert abs(int(out[cut - 1])) <= 32768 / (FADE + 1) + 1


def test_now_airs_within_40_ms_and_the_rest_of_the_line_never_airs(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first, second, third = rotation
    run = Run(show, rotation)
    handles = run.cut_in_at(1.0, answer, "now")
    run.playout.run(until=12)
    (cut_in,) = handles
    assert cut_in.aired.is_set() and cut_in.lateness is not None
    assert cut_in.requested == pytest.approx(1.0)
    assert 0 <= cut_in.lateness <= 0.040
    assert cut_in.cut_segment is first and cut_in.cut_at == cut_in.first_sample
    out = run.output.pcm
    assert len(out) == 12 * RATE == run.output.samples  # no gap, no drift
    cut = round(cut_in.first_sample * RATE)  # type: ignore[operator]
    assert_clean_cut(out, cut, first.speech.pcm[cut - FADE : cut])
    assert np.array_equal(out[cut : cut + len(answer.speech.pcm)], answer.speech.pcm)
    # The cut line's later words never air; the queued lines air after the answer, whole.
    later = first.speech.words[-3]
    rest = first.speech.pcm[round(later.start * RATE) : round(later.end * RATE)]
    assert not contains(out, rest)
    assert [s for s, _ in run.aired] == [first, answer, second, third]
    after = cut + len(answer.speech.pcm) + round(answer.pause_after * RATE)
    assert run.start_of(second) == after
    assert np.array_equal(out[after : after + len(second.speech.pcm)], second.speech.pcm)
    assert run.playout.stats.cut_ins == 1
    # The picture follows: from the cut, the answer's captions, never the cut line's again.
    own = {c.value for c in first.captions} - {c.value for c in answer.captions}
    after_cut = [f for f in run.frames if 1.03 <= f.t < 1.0 + answer.speech.duration]
    assert after_cut and all(f.caption not in own for f in after_cut)
    assert any(f.caption == answer.captions[0].value for f in after_cut)
    assert any(f.caption in own for f in run.frames if f.t < 1.0)


def test_word_cuts_exactly_at_the_end_of_the_word_being_said(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first = rotation[0]
    t, index = tick_in_word(first)
    word = first.speech.words[index]
    run = Run(show, rotation)
    handles = run.cut_in_at(t, answer, "word")
    run.playout.run(until=8)
    (cut_in,) = handles
    assert cut_in.aired.is_set() and cut_in.first_sample is not None
    cut = round(cut_in.first_sample * RATE)
    assert cut == round(word.end * RATE)  # the first rotation line airs from sample 0
    assert cut_in.lateness == pytest.approx(word.end - t, abs=1 / RATE)
    assert cut_in.lateness is not None and cut_in.lateness < word.end - word.start
    out = run.output.pcm
    assert len(out) == 8 * RATE
    assert np.array_equal(out[: cut - FADE], first.speech.pcm[: cut - FADE])  # whole words
    assert_clean_cut(out, cut, first.speech.pcm[cut - FADE : cut])
    following = first.speech.words[index + 1]
    assert not contains(out, first.speech.pcm[round(following.start * RATE) :][:2400])


def test_word_between_words_cuts_at_once(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first = rotation[0]
    words = first.speech.words
    gap = next(
        (a.end, b.start) for a, b in itertools.pairwise(words) if b.start - a.end > 0.1
    )
    t = float(np.ceil(gap[0] / 0.02) * 0.02)
    run = Run(show, rotation)
    handles = run.cut_in_at(t, answer, "word")
    run.playout.run(until=5)
    (cut_in,) = handles
    assert cut_in.lateness == pytest.approx(0.02 + FADE / RATE)
    assert cut_in.first_sample is not None and cut_in.first_sample < gap[1]


def test_sentence_cuts_at_the_end_of_the_sentence_being_said(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first = rotation[0]
    words = first.speech.words
    assert [w.value for w in words[:4]] == ["Hello", "there", "dear", "viewers"]
    run = Run(show, rotation)
    handles = run.cut_in_at(words[1].start + 0.02, answer, "sentence")
    run.playout.run(until=8)
    (cut_in,) = handles
    assert cut_in.first_sample is not None
    assert round(cut_in.first_sample * RATE) == round(words[3].end * RATE)  # after "viewers."
    assert run.output.samples == 8 * RATE
    out = run.output.pcm
    assert not contains(out, first.speech.pcm[round(words[4].start * RATE) :][:2400])


def test_sentence_further_than_3_s_cuts_at_a_word_end(show: Show, answer: Segment) -> None:
    long = line(
        show,
        "This light serum with stabilised vitamin C and hyaluronic acid and soothing "
        "niacinamide and fragrant rose water absorbs in seconds on every kind of skin.",
    )
    t, index = tick_in_word(long)
    assert long.speech.duration - t > 3.5
    run = Run(show, [long])
    handles = run.cut_in_at(t, answer, "sentence")
    run.playout.run(until=4)
    (cut_in,) = handles
    assert cut_in.first_sample is not None
    assert round(cut_in.first_sample * RATE) == round(long.speech.words[index].end * RATE)


def test_a_word_longer_than_half_a_second_cuts_at_a_quiet_edge_in_it(
    show: Show, answer: Segment
) -> None:
    said = line(show, "An AI-generated, internationally recommended multivitamin.")
    word = max(said.speech.words, key=lambda w: w.end - w.start)
    t = float(np.ceil((word.start + 0.01) / 0.02) * 0.02)
    assert word.end - t > 0.6, word  # a word the voice takes long over
    run = Run(show, [said])
    handles = run.cut_in_at(t, answer, "word")
    run.playout.run(until=4)
    (cut_in,) = handles
    assert cut_in.lateness is not None and cut_in.lateness < word.end - t - 0.1
    cut = round(cut_in.first_sample * RATE)  # type: ignore[operator]
    assert cut < round(word.end * RATE)  # inside the word, well before its end
    loud = np.sqrt(np.mean(said.speech.pcm.astype(np.float64) ** 2))
    before = said.speech.pcm[cut - FADE : cut].astype(np.float64)
    assert np.sqrt(np.mean(before**2)) <= 0.1 * loud  # between two syllables: no click
    assert_clean_cut(run.output.pcm, cut, said.speech.pcm[cut - FADE : cut])


def test_word_without_timings_cuts_at_a_quiet_moment_within_400_ms(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first = rotation[0]
    bare = dataclasses.replace(first, speech=dataclasses.replace(first.speech, words=()))
    run = Run(show, [bare])
    handles = run.cut_in_at(1.0, answer, "word")
    run.playout.run(until=4)
    (cut_in,) = handles
    assert cut_in.lateness is not None and 0 < cut_in.lateness <= 0.4 + 0.02 + FADE / RATE
    cut = round(cut_in.first_sample * RATE)  # type: ignore[operator]
    loud = np.sqrt(np.mean(first.speech.pcm.astype(np.float64) ** 2))
    before = first.speech.pcm[cut - FADE : cut].astype(np.float64)
    bound = round(1.0 * RATE) + AUDIO_CHUNK + FADE + round(0.4 * RATE)
    assert np.sqrt(np.mean(before**2)) <= 0.1 * loud or cut == bound


def test_a_cut_in_while_idle_airs_at_the_next_tick(show: Show, answer: Segment) -> None:
    run = Run(show, [])
    handles = run.cut_in_at(1.0, answer, "word")
    run.playout.run(until=5)
    (cut_in,) = handles
    assert cut_in.cut_at is None and cut_in.cut_segment is None
    assert cut_in.lateness == pytest.approx(0.02)
    out = run.output.pcm
    start = round(cut_in.first_sample * RATE)  # type: ignore[operator]
    assert not out[:start].any()
    assert np.array_equal(out[start : start + len(answer.speech.pcm)], answer.speech.pcm)
    end = start + len(answer.speech.pcm) + round(answer.pause_after * RATE)
    assert run.playout.stats.idle_ticks == 51 + 5 * 50 - -(-end // AUDIO_CHUNK)


def test_two_quick_cut_ins_air_one_after_the_other_whole(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first, second, _ = rotation
    other = line(show, "Marc asks about shipping. It is free.", kind="answer")
    t, _ = tick_in_word(first)
    run = Run(show, rotation)
    handles = run.cut_in_at(t, answer, "word")
    run.cut_in_at(t, other, "word", into=handles)  # in the same tick
    run.playout.run(until=12)
    one, two = handles
    assert one.cut_segment is first and two.cut_segment is None  # the second never cuts the first
    assert one.first_sample is not None and two.first_sample is not None
    assert two.first_sample == pytest.approx(one.first_sample + answer.duration, abs=1 / RATE)
    out = run.output.pcm
    for handle in handles:
        start = round(handle.first_sample * RATE)  # type: ignore[operator]
        pcm = handle.segment.speech.pcm
        assert np.array_equal(out[start : start + len(pcm)], pcm)
    assert [s for s, _ in run.aired][:4] == [first, answer, other, second]
    assert run.output.samples == 12 * RATE


def test_now_overrides_a_waiting_word_cut_in_which_then_follows(
    show: Show, rotation: list[Segment], answer: Segment
) -> None:
    first = rotation[0]
    say = line(show, "Say now.", kind="say")
    t, _ = tick_in_word(first, min_left=0.1)
    run = Run(show, rotation)
    handles = run.cut_in_at(t, answer, "word")
    run.cut_in_at(t + 0.02, say, "now", into=handles)  # while the answer waits for its cut
    run.playout.run(until=10)
    waiting, now = handles
    assert now.lateness is not None and now.lateness <= 0.040 and now.first_sample is not None
    assert now.cut_segment is first and waiting.cut_segment is None
    assert waiting.first_sample == pytest.approx(now.first_sample + say.duration, abs=1 / RATE)
    assert [s for s, _ in run.aired][:3] == [first, say, answer]
    assert run.output.samples == 10 * RATE


def test_a_bad_mode_is_refused(show: Show, answer: Segment) -> None:
    run = Run(show, [])
    with pytest.raises(ValueError, match="'soon'"):
        run.playout.cut_in(answer, "soon")  # type: ignore[arg-type]


class Counting:
    def __init__(self) -> None:
        self.samples = 0

    def video(self, yuv: np.ndarray, index: int) -> None:
        return None

    def audio(self, pcm: np.ndarray, first_sample: int) -> None:
        assert first_sample == self.samples
        self.samples += len(pcm)


def rotation_forever(segments: list[Segment]) -> Iterator[Segment]:
    while True:
        yield from segments


def test_now_under_a_real_clock_airs_within_200_ms_at_p95(
    show: Show, rotation: list[Segment]
) -> None:
    say = line(show, "Now.", kind="say")
    output = Counting()
    playout = Playout(
        RealClock(), InlineSource(rotation_forever(rotation)), show.picture, output, fps=FPS
    )
    stop = threading.Event()
    air = threading.Thread(target=playout.run, args=(None, stop), daemon=True)
    air.start()
    stream: list[float] = []
    wall: list[float] = []
    try:
        time.sleep(0.3)
        for index in range(20):
            time.sleep(0.15 + 0.011 * index)  # not in step with the 20 ms tick
            asked = time.monotonic()
            handle = playout.cut_in(say, "now")
            assert handle.wait(2.0)
            wall.append(time.monotonic() - asked)
            assert handle.lateness is not None
            stream.append(handle.lateness)
    finally:
        stop.set()
        air.join(5)
    p95, worst = np.percentile(stream, 95), max(stream)
    print(
        f"barge-in now, real clock: stream lateness p50 {np.median(stream) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {worst * 1000:.1f} ms; wall to first sample sent "
        f"p95 {np.percentile(wall, 95) * 1000:.1f} ms"
    )
    assert p95 < 0.200
    assert output.samples == playout.stats.audio_samples


def test_truncate_ends_the_airing_line_with_a_fade_and_returns_what_followed(
    rotation: list[Segment],
) -> None:
    first, second, _ = rotation
    timeline = AirTimeline(RATE, lead_in=0)
    timeline.append(first)
    waiting = timeline.append(second)
    cut = RATE  # one second in: mid-speech
    assert timeline.truncate(cut, FADE) == [waiting]
    assert timeline.end_sample == cut
    pcm = timeline.audio(0, 2 * RATE)
    assert np.array_equal(pcm[: cut - FADE], first.speech.pcm[: cut - FADE])
    assert_clean_cut(pcm, cut, first.speech.pcm[cut - FADE : cut])
    assert not pcm[cut:].any()  # the rest is gone: silence until something is placed
    airing = timeline.at(0.99)
    assert airing is not None and airing[0] is first
    assert timeline.at(1.0) is None  # captions and mouth stop at the cut
    placed = timeline.append(second)
    assert placed.start_sample == cut
    with pytest.raises(ValueError, match="negative"):
        timeline.truncate(-1)
