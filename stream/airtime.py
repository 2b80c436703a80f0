"""Segments laid end to end on one sample-exact timeline: what airs at any moment."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stream.contract import AirBed, AirSegment
from stream.ducking import BED_TAIL_S, bed_gain


@dataclass(frozen=True)
class Placed:
    """A segment and the audio sample it starts on."""

    segment: AirSegment
    start_sample: int
    samples: int  # speech plus the pause after it, or less once cut
    fade: int = 0  # samples faded out before the end: the segment was cut there

    @property
    def end_sample(self) -> int:
        return self.start_sample + self.samples


LEAD_IN_S = 0.2


class AirTimeline:
    """Audio is the master clock: every segment starts on a whole sample, so nothing drifts."""

    def __init__(
        self, sample_rate: int, bed: AirBed | None = None, lead_in: float = LEAD_IN_S
    ) -> None:
        self.sample_rate = sample_rate
        self.lead_in = round(lead_in * sample_rate)  # silence before the first segment
        self.bed = bed  # music under the programme, ducked under speech
        self._placed: deque[Placed] = deque()
        self.end_sample = 0
        self._opened = False  # whether a segment was ever placed

    @property
    def end(self) -> float:
        return self.end_sample / self.sample_rate

    def append(self, segment: AirSegment, not_before: int = 0) -> Placed:
        """Place `segment` right after the last one, or at `not_before` after idle air."""
        if segment.speech.sample_rate != self.sample_rate:
            raise ValueError(
                f"segment audio is {segment.speech.sample_rate} Hz, the air is {self.sample_rate}"
            )
        samples = len(segment.speech.pcm) + round(segment.pause_after * self.sample_rate)
        start = max(self.end_sample, not_before)
        if not self._opened:
            # The air opens on a breath of silence: an AAC encoder whose very first frames
            # are loud speech overshoots them, by up to 4 dB on one start in eight here.
            start = max(start, self.lead_in)
            self._opened = True
        placed = Placed(segment, start, samples)
        self._placed.append(placed)
        self.end_sample = placed.start_sample + samples
        return placed

    def placed_at(self, sample: int) -> Placed | None:
        """The placement airing at `sample`, or None in a gap."""
        for placed in self._placed:
            if placed.start_sample <= sample < placed.end_sample:
                return placed
            if placed.start_sample > sample:
                break
        return None

    def after(self, sample: int) -> list[Placed]:
        """The placements that start at `sample` or later, soonest first."""
        return [placed for placed in self._placed if placed.start_sample >= sample]

    def truncate(self, at_sample: int, fade_samples: int = 0) -> list[Placed]:
        """End the air at `at_sample`: what airs there stops, faded out over the samples before.

        The segment airing across `at_sample` ends there (its audio, captions and mouth);
        the placements that start at or after it are taken off and returned, soonest first.
        The caller must not cut into samples already sent: the fade lies before the cut.
        """
        if at_sample < 0 or fade_samples < 0:
            raise ValueError(f"truncate({at_sample}, {fade_samples}): must not be negative")
        kept: deque[Placed] = deque()
        dropped: list[Placed] = []
        for placed in self._placed:
            if placed.start_sample >= at_sample:
                dropped.append(placed)
            elif placed.end_sample > at_sample:
                samples = at_sample - placed.start_sample
                kept.append(Placed(placed.segment, placed.start_sample, samples,
                                   min(fade_samples, samples)))
            else:
                kept.append(placed)
        self._placed = kept
        self.end_sample = kept[-1].end_sample if kept else min(self.end_sample, at_sample)
        return dropped

    def forget_before(self, sample: int) -> None:
        """Drop segments that ended before `sample`, so memory stays bounded on air."""
        if self.bed is not None:  # the bed comes back up after speech: keep what it follows
            sample -= round(BED_TAIL_S * self.sample_rate)
        while self._placed and self._placed[0].end_sample <= sample:
            self._placed.popleft()

    def at(self, t: float) -> tuple[AirSegment, float] | None:
        """The segment airing at `t` seconds and how far into it, or None in a gap."""
        placed = self.placed_at(int(t * self.sample_rate))
        if placed is None:
            return None
        return placed.segment, t - placed.start_sample / self.sample_rate

    def audio(self, start: int, count: int) -> npt.NDArray[np.int16]:
        """Samples [start, start + count): speech where a segment speaks, silence elsewhere."""
        out = np.zeros(count, dtype=np.int16)
        for placed in self._placed:
            pcm = placed.segment.speech.pcm
            speech_end = placed.start_sample + min(len(pcm), placed.samples)
            lo = max(start, placed.start_sample)
            hi = min(start + count, speech_end)
            if lo < hi:
                offset = placed.start_sample
                out[lo - start : hi - start] = pcm[lo - offset : hi - offset]
                if placed.fade:
                    _fade_out(out, start, lo, hi, placed.end_sample, placed.fade)
            if placed.start_sample >= start + count:
                break
        if self.bed is None:
            return out
        spans = [(p.start_sample, p.start_sample + min(len(p.segment.speech.pcm), p.samples))
                 for p in self._placed]
        music = self.bed.samples(start, count) * bed_gain(start, count, spans, self.sample_rate)
        mixed = out.astype(np.float32) + music * 32767
        return np.asarray(np.clip(np.round(mixed), -32768, 32767), np.int16)


def _fade_out(
    out: npt.NDArray[np.int16], start: int, lo: int, hi: int, end: int, fade: int
) -> None:
    """Ramp the samples in [end - fade, end) down to silence, within [lo, hi) of `out`."""
    fade_lo = max(lo, end - fade)
    if fade_lo >= hi:
        return
    # Gain (end - n) / (fade + 1): below 1 from the first faded sample, above 0 to the last.
    gain = (end - np.arange(fade_lo, hi, dtype=np.float64)) / (fade + 1)
    part = out[fade_lo - start : hi - start]
    out[fade_lo - start : hi - start] = np.round(part * gain).astype(np.int16)


SENTENCE_ENDS = ".!?…。！？"
CLOSERS = "\"'”’»)]"


def word_spans(segment: AirSegment) -> list[tuple[int, int]]:
    """Where each word is said, in samples into `segment`; empty without word timings."""
    speech = segment.speech
    length = len(speech.pcm)
    return [
        (min(round(word.start * speech.sample_rate), length),
         min(round(word.end * speech.sample_rate), length))
        for word in speech.words
    ]


def sentence_spans(segment: AirSegment) -> list[tuple[int, int]]:
    """Where each sentence is said (its words, split by the stops in the text), in samples."""
    spans: list[tuple[int, int]] = []
    text, cursor, first = segment.text, 0, None
    for (start, end), word in zip(word_spans(segment), segment.speech.words, strict=True):
        first = start if first is None else first
        found = text.find(word.value, cursor) if word.value else -1
        if found < 0:
            continue  # a word the voice spelled its own way: it cannot end a sentence here
        cursor = found + len(word.value)
        if _ends_sentence(text, cursor):
            spans.append((first, end))
            first = None
    if first is not None:  # the last sentence has no stop: it ends with the speech
        spans.append((first, len(segment.speech.pcm)))
    return spans


def span_end(spans: list[tuple[int, int]], sample: int) -> int | None:
    """The end of the span that `sample` lies in, or None when it lies between spans."""
    for start, end in spans:
        if start <= sample < end:
            return end
    return None


def _ends_sentence(text: str, after: int) -> bool:
    """Whether `text` ends a sentence right after position `after`: a stop, then space or end."""
    rest = text[after:]
    stripped = rest.lstrip(CLOSERS)
    if not stripped or stripped[0] not in SENTENCE_ENDS:
        return False
    tail = stripped.lstrip(SENTENCE_ENDS + CLOSERS)
    return not tail or tail[0].isspace()


def quiet_point(pcm: npt.NDArray[np.int16], start: int, limit: int, window: int) -> int:
    """The end of the first `window` samples from `start` quieter than a tenth of the speech.

    Returns `limit` when none is found before it: the cut waits no longer than that.
    """
    if len(pcm) == 0:
        return start
    loud = float(np.sqrt(np.mean(pcm.astype(np.float64) ** 2)))
    step = max(window // 2, 1)
    for lo in range(max(start, 0), max(limit - window, start) + 1, step):
        part = pcm[lo : lo + window].astype(np.float64)
        if len(part) < window:
            break
        if float(np.sqrt(np.mean(part**2))) <= 0.1 * loud:
            return lo + window
    return limit
