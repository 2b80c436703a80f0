"""The raw ctypes binding to the libespeak-ng that the espeakng-loader wheel ships."""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.errors import VoiceError

# Values from espeak-ng's speak_lib.h (API revision 12, library 1.52).
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
# Without this flag espeak calls exit() when its data folder is missing.
INITIALIZE_DONT_EXIT = 0x8000
POS_CHARACTER = 1
CHARS_UTF8 = 1
ENDPAUSE = 0x1000  # silence at the end of the text, as a sentence gets
# espeakSSML (0x10) and espeakPHONEMES (0x100) are never passed: text is spoken as text.

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5
EVENT_PHONEME = 7

PARAM_RATE = 1
PARAM_VOLUME = 2
PARAM_PITCH = 3

EE_OK = 0
BUFFER_MS = 200  # espeak hands audio to the callback in chunks of this length


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),  # the phoneme mnemonic, NUL-terminated unless 8 long
    )


class EspeakEvent(ctypes.Structure):
    """espeak_EVENT as laid out in speak_lib.h."""

    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters (code points), not bytes
        ("length", ctypes.c_int),  # word length in characters
        ("audio_position", ctypes.c_int),  # milliseconds from the start of the synth
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(EspeakEvent)
)


@dataclass(frozen=True)
class Event:
    """One word or phoneme event of a synth, copied out of espeak's memory."""

    kind: int
    text_position: int
    length: int
    audio_ms: int
    phoneme: str  # the mnemonic for phoneme events, "" otherwise


@dataclass(frozen=True)
class Synthesis:
    """What one call to espeak produced."""

    pcm: npt.NDArray[np.int16]
    sample_rate: int
    events: tuple[Event, ...]


class _Collector:
    """Gathers the audio chunks and events espeak hands to the callback during one synth."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.events: list[Event] = []

    def __call__(
        self,
        wav: ctypes._Pointer[ctypes.c_short],
        count: int,
        events: ctypes._Pointer[EspeakEvent],
    ) -> int:
        # An exception here would be printed and swallowed by ctypes, so nothing here raises.
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        index = 0
        while events and events[index].type != EVENT_LIST_TERMINATED:
            event = events[index]
            phoneme = ""
            if event.type == EVENT_PHONEME:
                phoneme = bytes(event.id.string).split(b"\0")[0].decode("utf-8", "replace")
            self.events.append(
                Event(
                    event.type,
                    event.text_position,
                    event.length,
                    event.audio_position,
                    phoneme,
                )
            )
            index += 1
        return 0  # 0: go on synthesising


class _Library:
    """libespeak-ng, initialised once per process; its state is global, hence the lock."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise VoiceError(
                "the espeak voice needs the espeakng-loader wheel: pip install espeakng-loader"
            ) from None
        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._declare()
        # espeak accepts the espeak-ng-data folder itself or the folder holding it.
        data = espeakng_loader.get_data_path().encode()
        rate = self._lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS,
            BUFFER_MS,
            data,
            INITIALIZE_PHONEME_EVENTS | INITIALIZE_DONT_EXIT,
        )
        if rate <= 0:
            raise VoiceError(f"espeak-ng could not start with its data in {data.decode()}")
        self.sample_rate: int = rate
        self._collector = _Collector()
        # Kept on self: ctypes does not hold the callback alive for espeak.
        self._callback = _SynthCallback(self._on_synth)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _declare(self) -> None:
        lib = self._lib
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_Synth.argtypes = (
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )

    def _on_synth(
        self,
        wav: ctypes._Pointer[ctypes.c_short],
        count: int,
        events: ctypes._Pointer[EspeakEvent],
    ) -> int:
        return self._collector(wav, count, events)

    def set_voice(self, name: str) -> None:
        """Make `name` the current voice."""
        if self._lib.espeak_SetVoiceByName(name.encode()) != EE_OK:
            raise VoiceError(
                f"espeak-ng has no voice named {name!r} (its voices are named like "
                "'en', 'en-us', 'fr', 'fr-be', with an optional variant: 'en-us+f3')"
            )

    def synth(self, text: str, voice: str, rate: int, pitch: int, volume: int) -> Synthesis:
        """Speak `text` with the voice and settings given."""
        self.set_voice(voice)
        # Set on every call: another EspeakVoice may have changed them since.
        for parameter, value in ((PARAM_RATE, rate), (PARAM_PITCH, pitch), (PARAM_VOLUME, volume)):
            self._lib.espeak_SetParameter(parameter, value, 0)
        self._collector = _Collector()
        data = text.encode("utf-8")
        status = self._lib.espeak_Synth(
            data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None
        )
        self._lib.espeak_Synchronize()
        collected, self._collector = self._collector, _Collector()
        if status != EE_OK:
            raise VoiceError(f"espeak-ng failed to speak (status {status})")
        pcm = np.frombuffer(b"".join(collected.chunks), dtype=np.int16).copy()
        return Synthesis(pcm, self.sample_rate, tuple(collected.events))


# espeak keeps one global state (voice, parameters, callback) and is not thread-safe.
_LOCK = threading.Lock()
_library: _Library | None = None


def _get() -> _Library:
    global _library
    if _library is None:
        _library = _Library()
    return _library


def synthesize(text: str, voice: str, rate: int, pitch: int, volume: int) -> Synthesis:
    """Speak `text` with espeak-ng, one caller at a time across the process."""
    with _LOCK:
        return _get().synth(text, voice, rate, pitch, volume)


def check_voice(name: str) -> None:
    """Raise VoiceError unless espeak-ng knows a voice called `name`."""
    with _LOCK:
        _get().set_voice(name)
