"""Phoneme timings become a mouth-shape timeline that covers the whole speech."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from host.avatar.pose import REST
from host.voice.speech import Speech, Timed

MIN_HOLD = 0.060  # seconds; a shape held less than two video frames reads as a flicker
EASE = 0.033  # one frame at 30 fps: the in-between on a big jump of the mouth
EASE_JUMP = 0.5  # an openness change larger than this gets an in-between
PAUSE = 0.080  # a silence at least this long lets the mouth rest; a shorter one holds it
CLOSURE = 0.045  # espeak marks a stop at its burst; the lips shut this much earlier

# How far each shape opens the mouth, after Rhubarb Lip Sync's drawings: H (tongue up
# for L) is nearly as open as D; E (rounded) is a little less open than C.
_OPENNESS = {
    "X": 0.0, "A": 0.0, "G": 0.1, "B": 0.2, "F": 0.25,
    "E": 0.45, "C": 0.6, "H": 0.7, "D": 1.0,
}  # fmt: skip

# espeak-ng mnemonics (stress marks removed) for English (en, en-us) and French, to one
# shape or, for a diphthong, two shapes that share its time. Other consonants are "B".
_SHAPES = {
    # lips shut, teeth on lip, tongue up, puckered
    "p": "A", "b": "A", "m": "A", "m-": "A",
    "f": "G", "v": "G",
    "l": "H", "l-": "H", "@L": "H", "L": "H",
    "w": "F", "H": "F",
    # English vowels
    "a": "D", "aa": "D", "A:": "D", "A@": "D", "A": "D", "a#": "C",
    "aI": "DC", "aI@": "DC", "aI3": "DE", "aU": "DF", "aU@": "DF",
    "E": "C", "e": "C", "E2": "C", "E3": "C", "e@": "C", "eI": "CB",
    "@": "C", "@2": "C", "@5": "C", "@-": "C", "V": "C",
    "3": "E", "3:": "E", "0": "E", "O": "E", "O:": "E", "O2": "E", "O@": "E", "o@": "E",
    "OI": "EB", "oU": "EF", "@U": "CF",
    "I": "B", "I#": "B", "I2": "B", "i": "B", "i:": "B", "i@": "BC", "i@3": "BE",
    "o": "F", "U": "F", "u": "F", "u:": "F", "U@": "FC",
    # French vowels: nasal an, in, on, un; eu open and closed; u as in lune
    "a-": "D", "A~": "D", "E~": "C", "O~": "E", "W~": "E", "W": "E",
    "Y": "F", "y": "F", "y-": "F",
}  # fmt: skip
_STOPS = {"p", "b", "t", "d", "k", "g", "tS", "dZ", "c", "q", "ts", "dz"}
_STRESS = "',%="
_VARIANT = ":#-0123456789;"  # length and variant marks: "t#", "z2", "n-", "r-"
_HOLD = "~"  # a stretch that keeps the shape before it (a short pause, a modifier)


def mouth_openness(viseme: str) -> float:
    """How open a shape leaves the mouth, from 0 (closed) to 1 (wide open)."""
    return _OPENNESS.get(viseme, 0.0)


def viseme_at(track: Sequence[Timed], t: float) -> str:
    """The shape at `t` seconds into a track from viseme_track; the rest shape outside it."""
    index = bisect.bisect_right(track, t, key=_start) - 1
    if index < 0 or t >= track[index].end:
        return REST
    return track[index].value


def viseme_track(speech: Speech) -> tuple[Timed, ...]:
    """Mouth shapes covering exactly [0, speech.duration], each held at least MIN_HOLD."""
    duration = speech.duration
    if duration <= 0:
        return ()
    bounds, shapes = _raw(speech.phonemes, duration)
    bounds, shapes = _merge_equal(bounds, shapes)
    bounds, shapes = _hold(bounds, shapes)
    bounds, shapes = _ease(bounds, shapes)
    bounds[0], bounds[-1] = 0.0, duration
    return tuple(Timed(bounds[i], bounds[i + 1], shapes[i]) for i in range(len(shapes)))


def shape_of(phoneme: str) -> str:
    """The shape(s) for one espeak mnemonic: one letter, or two for a diphthong."""
    name = phoneme.lstrip(_STRESS)
    if name in _SHAPES:
        return _SHAPES[name]
    base = name.rstrip(_VARIANT)
    if base in _SHAPES:
        return _SHAPES[base]
    return "B"


def _start(item: Timed) -> float:
    return item.start


def _base(phoneme: str) -> str:
    return phoneme.lstrip(_STRESS).rstrip(_VARIANT) or phoneme


def _raw(phonemes: Sequence[Timed], duration: float) -> tuple[list[float], list[str]]:
    """One stretch per phoneme, diphthong half or gap, before any smoothing."""
    spans = _with_closures([(p.start, min(p.end, duration), p.value) for p in phonemes])
    starts: list[float] = []
    shapes: list[str] = []
    cursor = 0.0
    for start, end, name in spans:
        start = max(start, cursor)
        if end <= start:
            continue
        if start > cursor:  # a gap in the timings is silence
            starts.append(cursor)
            shapes.append(REST if start - cursor >= PAUSE else _HOLD)
        if name.startswith("_"):
            parts = REST if end - start >= PAUSE else _HOLD
        elif name.startswith("(") or not name.strip(_STRESS + ";"):
            parts = _HOLD  # "(fr)" switches language; ";" modifies the sound before it
        else:
            parts = shape_of(name)
        step = (end - start) / len(parts)
        for index, part in enumerate(parts):
            starts.append(start + index * step)
            shapes.append(part)
        cursor = end
    if cursor < duration:
        starts.append(cursor)
        shapes.append(REST if duration - cursor >= PAUSE else _HOLD)
    return _resolve_holds([*starts, duration], shapes)


def _with_closures(spans: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    # The closure of a stop is silence (or a murmur) before its burst, which espeak counts
    # in the phoneme before: start the stop up to CLOSURE earlier, never past half of it.
    moved = list(spans)
    for index in range(1, len(moved)):
        start, end, name = moved[index]
        if _base(name) not in _STOPS:
            continue
        before_start, _before_end, before = moved[index - 1]
        shift = min(CLOSURE, (start - before_start) / 2)
        moved[index - 1] = (before_start, start - shift, before)
        moved[index] = (start - shift, end, name)
    return moved


def _resolve_holds(bounds: list[float], shapes: list[str]) -> tuple[list[float], list[str]]:
    """Stretches that hold take the shape before them (rest at the very start)."""
    out_bounds: list[float] = []
    out_shapes: list[str] = []
    for index, shape in enumerate(shapes):
        if bounds[index] >= bounds[index + 1] or (shape == _HOLD and out_shapes):
            continue  # empty, or the shape before simply lasts longer
        out_bounds.append(bounds[index])
        out_shapes.append(REST if shape == _HOLD else shape)
    if not out_shapes:
        return [bounds[0], bounds[-1]], [REST]
    out_bounds[0] = bounds[0]
    return [*out_bounds, bounds[-1]], out_shapes


def _merge_equal(bounds: list[float], shapes: list[str]) -> tuple[list[float], list[str]]:
    out_bounds, out_shapes = [bounds[0]], [shapes[0]]
    for index in range(1, len(shapes)):
        if shapes[index] != out_shapes[-1]:
            out_bounds.append(bounds[index])
            out_shapes.append(shapes[index])
    out_bounds.append(bounds[-1])
    return out_bounds, out_shapes


def _hold(bounds: list[float], shapes: list[str]) -> tuple[list[float], list[str]]:
    """Every shape lasts MIN_HOLD: grown from neighbours that can spare it, else merged away."""
    while len(shapes) > 1:
        lengths = [bounds[i + 1] - bounds[i] for i in range(len(shapes))]
        index = min(range(len(shapes)), key=lengths.__getitem__)
        need = MIN_HOLD - lengths[index]
        if need <= 1e-9:
            break
        left = lengths[index - 1] - MIN_HOLD if index > 0 else 0.0
        right = lengths[index + 1] - MIN_HOLD if index + 1 < len(shapes) else 0.0
        left, right = max(left, 0.0), max(right, 0.0)
        if left + right >= need:
            # Grow it on both sides, evenly where possible, so it stays centred on its sound.
            take_left = min(left, max(need / 2, need - right))
            bounds[index] -= take_left
            bounds[index + 1] += need - take_left
            continue
        neighbour = _closest_neighbour(shapes, lengths, index)
        if neighbour < index:
            del bounds[index]
        else:
            del bounds[index + 1]
        del shapes[index]
        bounds, shapes = _merge_equal(bounds, shapes)
    return bounds, shapes


def _closest_neighbour(shapes: list[str], lengths: list[float], index: int) -> int:
    """The neighbour whose opening is nearest, so merging moves the mouth least."""
    options = [i for i in (index - 1, index + 1) if 0 <= i < len(shapes)]
    here = mouth_openness(shapes[index])
    return min(options, key=lambda i: (abs(mouth_openness(shapes[i]) - here), lengths[i]))


def _ease(bounds: list[float], shapes: list[str]) -> tuple[list[float], list[str]]:
    # Easing rule: where the opening jumps by more than EASE_JUMP (A/X closed to D wide,
    # D back to rest), the mouth passes for EASE through B or C, whichever opens nearest
    # the midpoint; that time comes from the more closed shape when it can spare it (so the
    # mouth opens before the vowel sounds and closes after), else from the other, else none.
    out_bounds, out_shapes = [bounds[0]], [shapes[0]]
    for index in range(1, len(shapes)):
        before, after = shapes[index - 1], shapes[index]
        low, high = sorted((mouth_openness(before), mouth_openness(after)))
        boundary = bounds[index]
        if high - low > EASE_JUMP:
            middle = min("BC", key=lambda s: abs(mouth_openness(s) - (low + high) / 2))
            before_spare = boundary - out_bounds[-1] - MIN_HOLD >= EASE
            after_spare = bounds[index + 1] - boundary - MIN_HOLD >= EASE
            opening = mouth_openness(before) < mouth_openness(after)
            if before_spare and (opening or not after_spare):
                out_bounds.append(boundary - EASE)
                out_shapes.append(middle)
            elif after_spare:
                out_bounds.append(boundary)
                out_shapes.append(middle)
                boundary += EASE
        out_bounds.append(boundary)
        out_shapes.append(after)
    out_bounds.append(bounds[-1])
    return out_bounds, out_shapes
