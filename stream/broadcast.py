"""Encode once, fan out to every sink: a sink's trouble never reaches the playout."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from stream.encoder import Encoder
from stream.packets import Packet, Sink, SinkHealth

log = logging.getLogger(__name__)


@runtime_checkable
class RawListener(Protocol):
    """A sink that also wants the raw air before the encode (the WebRTC sink's Opus and VP8)."""

    def audio_pcm(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None: ...

    def video_yuv(self, yuv: npt.NDArray[np.uint8], index: int) -> None: ...


class Broadcast:
    """The playout's output: one H.264 + AAC encode, every packet to every sink."""

    def __init__(self, encoder: Encoder, sinks: Sequence[Sink] = ()) -> None:
        self.encoder = encoder
        self._sinks: list[Sink] = []
        self._raw: list[RawListener] = []  # sinks that also take PCM and frames
        for sink in sinks:
            self.add(sink)

    def add(self, sink: Sink) -> None:
        """Start a sink; it gets packets from now on (and waits for a keyframe itself)."""
        sink.start(self.encoder.spec)
        self._sinks.append(sink)
        if isinstance(sink, RawListener):
            self._raw.append(sink)

    def remove(self, sink: Sink) -> None:
        if sink in self._sinks:
            self._sinks.remove(sink)
            if isinstance(sink, RawListener) and sink in self._raw:
                self._raw.remove(sink)
            sink.close()

    def _fan_out(self, packets: list[Packet]) -> None:
        for packet in packets:
            for sink in self._sinks:
                try:
                    sink.send(packet)
                except Exception:  # a sink that breaks its contract still must not stop air
                    log.exception("sink %s failed to take a packet", sink.name)

    def video(self, yuv: npt.NDArray[np.uint8], index: int) -> None:
        for listener in self._raw:
            try:
                listener.video_yuv(yuv, index)
            except Exception:
                log.exception("sink %s failed to take a frame", getattr(listener, "name", "?"))
        wanted = any(getattr(sink, "wants_keyframe", False) for sink in self._sinks)
        self._fan_out(self.encoder.video(yuv, index, keyframe=wanted))

    def audio(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None:
        for listener in self._raw:
            try:
                listener.audio_pcm(pcm, first_sample)
            except Exception:
                log.exception("sink %s failed to take audio", getattr(listener, "name", "?"))
        self._fan_out(self.encoder.audio(pcm, first_sample))

    def health(self) -> list[SinkHealth]:
        return [sink.health() for sink in self._sinks]

    def close(self) -> None:
        """Flush the encoder into the sinks, then close them all at once.

        Each sink bounds its own close; closing them side by side keeps the whole stop
        within one such bound rather than their sum.
        """
        self._fan_out(self.encoder.flush())
        closers = [
            threading.Thread(target=_close, args=(sink,), name=f"close-{sink.name}")
            for sink in self._sinks
        ]
        for closer in closers:
            closer.start()
        for closer in closers:
            closer.join()


def _close(sink: Sink) -> None:
    try:
        sink.close()
    except Exception:
        log.exception("sink %s failed to close", sink.name)
