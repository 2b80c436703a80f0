"""Captions: a line's on-screen text cut into readable pieces timed over its speech."""

from __future__ import annotations

import re

from host.voice.speech import Timed

MAX_CHARS = 84  # about two caption lines on a phone-width frame

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE = re.compile(r"(?<=[,;:])\s+")


def _pieces(text: str, limit: int) -> list[str]:
    """Cut at sentence ends, then clause marks, then spaces, so no piece exceeds `limit`."""
    out: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        if len(sentence) <= limit:
            out.append(sentence)
            continue
        current = ""
        for clause in _CLAUSE.split(sentence):
            for word in clause.split(" ") if len(clause) > limit else [clause]:
                joined = f"{current} {word}".strip()
                if len(joined) <= limit:
                    current = joined
                else:
                    if current:
                        out.append(current)
                    current = word
        if current:
            out.append(current)
    return [piece for piece in out if piece]


def caption_track(caption: str, duration: float, limit: int = MAX_CHARS) -> tuple[Timed, ...]:
    """Pieces of `caption` spread over `duration` seconds in proportion to their length."""
    pieces = _pieces(caption, limit)
    if not pieces or duration <= 0:
        return ()
    total = sum(len(piece) for piece in pieces)
    track: list[Timed] = []
    start = 0.0
    for index, piece in enumerate(pieces):
        end = duration if index == len(pieces) - 1 else start + duration * len(piece) / total
        track.append(Timed(start, end, piece))
        start = end
    return tuple(track)
