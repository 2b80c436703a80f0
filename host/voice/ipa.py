"""A neural voice's input tokens (IPA or letters) with their durations, as espeak phonemes."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from host.voice.speech import Timed

PAUSE = "_"  # espeak's pause mnemonic: a word gap, or a silence when long enough

# IPA symbols, as espeak-ng writes them with --ipa, to the espeak mnemonic that sounds (and
# so looks) most alike; visemes.shape_of knows these. Symbols that are the same in both
# (p b m f v t d n s z k g h l w j a e i o u y) need no entry. Multi-symbol sounds (aɪ, tʃ)
# are two tokens with two durations, so each half gets its own shape.
_IPA = {
    # vowels
    "ɑ": "A:", "æ": "a", "ɐ": "a#", "ʌ": "V", "ə": "@", "ɚ": "3", "ɜ": "3:", "ɝ": "3:",
    "ɛ": "E", "ɪ": "I", "ɨ": "I#", "ᵻ": "I#", "ɒ": "0", "ɔ": "O", "ʊ": "U", "ʉ": "u:",
    "ʏ": "Y", "ø": "Y", "œ": "W", "ɶ": "W", "ɵ": "@", "ɘ": "@", "ɤ": "V", "ɯ": "i",
    "ɞ": "3",
    # consonants
    "ɡ": "g", "θ": "T", "ð": "D", "ʃ": "S", "ʒ": "Z", "ŋ": "N", "ɲ": "n^", "ɹ": "r",
    "ɾ": "r", "ʁ": "r", "ʀ": "r", "ɻ": "r", "χ": "x", "ç": "C", "ɫ": "l", "ʎ": "l^",
    "ɥ": "H", "ʔ": "?", "ʧ": "tS", "ʤ": "dZ", "ɱ": "m", "ʍ": "w", "β": "v", "ɣ": "g",
    "ʈ": "t", "ɖ": "d", "ɳ": "n", "ɭ": "l", "ʂ": "s", "ʐ": "z", "ɕ": "S", "ʑ": "Z",
    "ɸ": "f", "ʋ": "v", "ɦ": "h",
}  # fmt: skip

# Plain letters, for a model that reads the text as written: the letters whose usual
# sound differs from the IPA symbol they look like.
_LETTERS = {"c": "k", "e": "E", "j": "dZ", "o": "0", "q": "k", "x": "k", "y": "i"}

_BEFORE = frozenset("ˈˌ")  # stress marks belong to the sound after them
# Length, nasality, aspiration, palatalisation...: they belong to the sound before them.
_AFTER = frozenset("ːˑʰʲʷˠˤ˞ʼ͡‿")


def espeak_mnemonic(symbol: str, *, letters: bool = False) -> str:
    """The espeak mnemonic for one IPA symbol (or, with `letters`, one written letter)."""
    if not symbol.strip() or unicodedata.category(symbol[0])[0] in "PZS":
        return PAUSE  # spaces, punctuation and symbols are where the voice pauses
    lower = symbol.lower()
    if letters and lower in _LETTERS:
        return _LETTERS[lower]
    return _IPA.get(lower, lower)


def timed_phonemes(
    tokens: Sequence[str | None], frames: Sequence[float], frame_seconds: float, *,
    letters: bool = False,
) -> tuple[Timed, ...]:
    """Phoneme timings from a model's input tokens and the frames it spent on each.

    A token of None is one that spells no sound (the blank a VITS model puts between
    tokens, padding, start and end marks): its time is shared by the sounds on each side.
    """
    if len(tokens) != len(frames):
        raise ValueError(f"{len(tokens)} tokens but {len(frames)} durations")
    units: list[list[float | str]] = []  # [start, end, mnemonic], in order, not overlapping
    waiting: float | None = None  # where a stress mark before the next sound started
    cursor = 0.0
    for token, count in zip(tokens, frames, strict=True):
        start, cursor = cursor, cursor + max(float(count), 0.0) * frame_seconds
        if token is None or not token:
            continue
        if all(char in _AFTER or unicodedata.category(char) == "Mn" for char in token):
            if units and units[-1][2] != PAUSE:
                units[-1][1] = cursor
            continue
        if all(char in _BEFORE for char in token):
            waiting = start if waiting is None else waiting
            continue
        name = espeak_mnemonic(token, letters=letters)
        units.append([start if waiting is None else waiting, cursor, name])
        waiting = None
    return _contiguous(units, cursor)


def _contiguous(units: list[list[float | str]], total: float) -> tuple[Timed, ...]:
    """Units that meet: a gap between two is split at its middle; at either end it is a pause."""
    if not units:
        return ()
    spans: list[tuple[float, float, str]] = []
    if float(units[0][0]) > 0:
        spans.append((0.0, float(units[0][0]), PAUSE))
    for index, (start, end, name) in enumerate(units):
        begin = spans[-1][1] if spans else float(start)
        stop = float(end)
        if index + 1 < len(units):
            stop = (stop + float(units[index + 1][0])) / 2
        spans.append((begin, max(stop, begin), str(name)))
    if spans[-1][1] < total:
        spans.append((spans[-1][1], total, PAUSE))
    merged: list[tuple[float, float, str]] = []
    for start, end, name in spans:
        if merged and name == PAUSE and merged[-1][2] == PAUSE:
            merged[-1] = (merged[-1][0], end, PAUSE)
        elif end > start:
            merged.append((start, end, name))
    return tuple(Timed(start, end, name) for start, end, name in merged)
