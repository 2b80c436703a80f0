"""The default voice: espeak-ng, with phoneme and word timings from its events."""

from __future__ import annotations

import unicodedata

import numpy as np

from host.errors import VoiceError
from host.voice import espeak_ctypes
from host.voice.espeak_ctypes import EVENT_PHONEME, EVENT_WORD, Event
from host.voice.speech import Speech, Timed

MAX_CHARS = 5000  # a script line is a sentence or two; more is a caller's mistake
RATE_RANGE = (80, 450)  # words per minute, espeak's own limits
PITCH_RANGE = (0, 100)
VOLUME_RANGE = (0, 200)  # 100 is espeak's normal loudness
SILENCE_S = 0.2  # what a text espeak cannot say at all sounds like

# Control characters would reach espeak's own command syntax (U+0001 starts an embedded
# command) and lone surrogates cannot be encoded; tabs and line breaks become spaces.
_DROPPED_CATEGORIES = ("Cc", "Cs")
_SPACES = "\t\n\r\v\f\x85"


class EspeakVoice:
    """A Voice that speaks with espeak-ng in one language at a fixed rate, pitch and volume."""

    def __init__(
        self,
        language: str,
        voice: str | None = None,
        rate: int = 165,
        pitch: int = 50,
        volume: int = 100,
    ) -> None:
        self.language = language
        self.voice = voice or language
        self.rate = _checked("rate", rate, RATE_RANGE)
        self.pitch = _checked("pitch", pitch, PITCH_RANGE)
        self.volume = _checked("volume", volume, VOLUME_RANGE)
        # Fail at start-up, not on the first line on air.
        espeak_ctypes.check_voice(self.voice)

    def __repr__(self) -> str:
        return (
            f"EspeakVoice({self.language!r}, voice={self.voice!r}, rate={self.rate}, "
            f"pitch={self.pitch}, volume={self.volume})"
        )

    def speak(self, text: str) -> Speech:
        """Speak `text` as plain text (never SSML nor phoneme input) and time what is said."""
        if len(text) > MAX_CHARS:
            raise VoiceError(
                f"text is {len(text)} characters long; a voice speaks at most {MAX_CHARS} "
                "at once: split it into lines"
            )
        clean = clean_text(text)
        if not clean.strip():
            raise VoiceError("nothing to say")
        synthesis = espeak_ctypes.synthesize(clean, self.voice, self.rate, self.pitch, self.volume)
        rate = synthesis.sample_rate
        if len(synthesis.pcm) == 0:
            return Speech(np.zeros(round(SILENCE_S * rate), np.int16), rate, ())
        duration = len(synthesis.pcm) / rate
        phonemes = _phonemes(synthesis.events, duration)
        return Speech(synthesis.pcm, rate, phonemes, _words(synthesis.events, clean, phonemes))


def clean_text(text: str) -> str:
    """`text` without control characters, NULs and lone surrogates; line breaks become spaces."""
    kept = []
    for char in text:
        if char in _SPACES:
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            kept.append(char)
    return "".join(kept)


def sayable(text: str) -> str:
    """`text` cleaned and stripped for a neural voice; VoiceError if too long or empty."""
    if len(text) > MAX_CHARS:
        raise VoiceError(
            f"text is {len(text)} characters long; a voice speaks at most {MAX_CHARS} "
            "at once: split it into lines"
        )
    clean = clean_text(text).strip()
    if not clean:
        raise VoiceError("nothing to say")
    return clean


def is_pause(phoneme: str) -> bool:
    """Whether an espeak mnemonic is a pause ("_", "_:", "_!", ...) rather than a sound."""
    return phoneme.startswith("_")


def _checked(field: str, value: int, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise VoiceError(
            f"espeak {field} must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _phonemes(events: tuple[Event, ...], duration: float) -> tuple[Timed, ...]:
    # Each event marks where its phoneme starts; it lasts until the next one starts.
    # "(en)"-style events mark a switch of language, not a sound: they are left out.
    marks = sorted(
        (
            (min(max(e.audio_ms / 1000, 0.0), duration), e.phoneme)
            for e in events
            if e.kind == EVENT_PHONEME and e.phoneme and not e.phoneme.startswith("(")
        ),
        key=lambda mark: mark[0],
    )
    timed = []
    for index, (start, name) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else duration
        if end > start:  # the zero-length "_" espeak ends every text with says nothing
            timed.append(Timed(start, end, name))
    return tuple(timed)


def _words(events: tuple[Event, ...], text: str, phonemes: tuple[Timed, ...]) -> tuple[Timed, ...]:
    # Positions count characters from 1. A number or a symbol is one word of the text but
    # several spoken words whose events point inside (or just past) it: they extend it.
    spans: list[tuple[float, int, int]] = []  # (start, first char, one past the last char)
    for event in events:
        if event.kind != EVENT_WORD:
            continue
        first = max(event.text_position - 1, 0)
        last = min(first + max(event.length, 1), len(text))
        inside_previous = bool(spans) and first < spans[-1][2]
        if inside_previous or not text[first:last].strip():
            continue
        spans.append((event.audio_ms / 1000, first, last))
    words = []
    for index, (start, first, last) in enumerate(spans):
        next_start = spans[index + 1][0] if index + 1 < len(spans) else float("inf")
        spoken = [p for p in phonemes if start <= p.start < next_start and not is_pause(p.value)]
        if not spoken:
            continue
        words.append(Timed(spoken[0].start, spoken[-1].end, text[first:last].strip()))
    return tuple(words)
