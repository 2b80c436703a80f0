"""The one Opus encode every WebRTC viewer shares: browsers play Opus, not the stream's AAC."""

from __future__ import annotations

import threading
from collections import Counter
from fractions import Fraction
from typing import Any

import av
import numpy as np
import numpy.typing as npt

OPUS_RATE = 48000
OPUS_FRAME = OPUS_RATE // 50  # 20 ms, one RTP packet
OPUS_TIME_BASE = Fraction(1, OPUS_RATE)

# Live encoders by codec: a test asserts that viewers never add one.
_live: Counter[str] = Counter()
_live_lock = threading.Lock()


def count_encoder(codec: str, delta: int) -> None:
    with _live_lock:
        _live[codec] += delta


def live_encoders() -> dict[str, int]:
    """How many WebRTC-side encoders (opus, vp8) are open in this process now."""
    with _live_lock:
        return {codec: n for codec, n in _live.items() if n}


class OpusEncode:
    """48 kHz mono PCM in, one 20 ms Opus packet per 960 samples out; pts count samples."""

    def __init__(self, bitrate: int = 64_000) -> None:
        self._codec: Any = av.CodecContext.create("libopus", "w")
        self._codec.sample_rate = OPUS_RATE
        self._codec.layout = "mono"
        self._codec.format = "s16"
        self._codec.bit_rate = bitrate
        self._codec.time_base = OPUS_TIME_BASE
        self._codec.options = {"application": "audio", "frame_duration": "20"}
        self._codec.open()
        self._pending = np.zeros(0, dtype=np.int16)
        self._next_sample: int | None = None  # stream sample number of _pending[0]
        self._closed = False
        count_encoder("opus", +1)

    def encode(self, pcm: npt.NDArray[np.int16], first_sample: int) -> list[tuple[bytes, int]]:
        """Encode PCM that starts at stream sample `first_sample`: (packet, pts) pairs."""
        if self._closed:
            return []
        pcm = np.ascontiguousarray(pcm, dtype=np.int16).reshape(-1)
        if self._next_sample is None or first_sample != self._next_sample + len(self._pending):
            # A gap (no viewers for a while) or the first call: start a fresh run.
            self._pending = pcm
            self._next_sample = first_sample
        else:
            self._pending = np.concatenate((self._pending, pcm))
        out: list[tuple[bytes, int]] = []
        while len(self._pending) >= OPUS_FRAME:
            chunk, self._pending = self._pending[:OPUS_FRAME], self._pending[OPUS_FRAME:]
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = OPUS_RATE
            frame.pts = self._next_sample
            frame.time_base = OPUS_TIME_BASE
            # libopus holds back its look-ahead, so stamp packets with our own clock:
            # one packet per frame in, 20 ms apart, from the stream's sample count.
            for packet in self._codec.encode(frame):
                out.append((bytes(packet), self._next_sample))
            self._next_sample += OPUS_FRAME
        return out

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            count_encoder("opus", -1)


class SharedOpus:
    """One Opus encode for every WebRTC-side sink of a show: the preview and each WHIP push.

    Each sink hands it the same PCM in the playout thread, one after the other; the first
    to ask for a stretch of air encodes it and the others get the same packets. The
    encoder opens with the first sink that starts and closes with the last that closes.
    """

    def __init__(self, bitrate: int = 64_000) -> None:
        self.bitrate = bitrate
        self.encodes = 0  # stretches actually encoded: the sinks' calls beyond are shared
        self._lock = threading.Lock()
        self._users = 0
        self._opus: OpusEncode | None = None
        self._last: tuple[int, int, list[tuple[bytes, int]]] | None = None

    @property
    def is_open(self) -> bool:
        return self._opus is not None

    def attach(self) -> None:
        with self._lock:
            self._users += 1
            if self._opus is None:
                self._opus = OpusEncode(self.bitrate)

    def release(self) -> None:
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users == 0 and self._opus is not None:
                self._opus.close()
                self._opus, self._last = None, None

    def encode(self, pcm: npt.NDArray[np.int16], first_sample: int) -> list[tuple[bytes, int]]:
        """The Opus packets of this stretch of air, encoded once whoever asks first."""
        with self._lock:
            last = self._last
            if last is not None and last[0] == first_sample and last[1] == len(pcm):
                return last[2]
            if self._opus is None:
                return []
            packets = self._opus.encode(pcm, first_sample)
            self.encodes += 1
            self._last = (first_sample, len(pcm), packets)
            return packets
