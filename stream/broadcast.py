"""Encode once, fan out to every sink: a sink's trouble never reaches the playout."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from stream.encoder import Encoder
from stream.packets import Packet, Sink, SinkHealth

log = logging.getLogger(__name__)


class Broadcast:
    """The playout's output: one H.264 + AAC encode, every packet to every sink."""

    def __init__(self, encoder: Encoder, sinks: Sequence[Sink] = ()) -> None:
        self.encoder = encoder
        self._sinks: list[Sink] = []
        for sink in sinks:
            self.add(sink)

    def add(self, sink: Sink) -> None:
        """Start a sink; it gets packets from now on (and waits for a keyframe itself)."""
        sink.start(self.encoder.spec)
        self._sinks.append(sink)

    def remove(self, sink: Sink) -> None:
        if sink in self._sinks:
            self._sinks.remove(sink)
            sink.close()

    def _fan_out(self, packets: list[Packet]) -> None:
        for packet in packets:
            for sink in self._sinks:
                try:
                    sink.send(packet)
                except Exception:  # a sink that breaks its contract still must not stop air
                    log.exception("sink %s failed to take a packet", sink.name)

    def video(self, yuv: npt.NDArray[np.uint8], index: int) -> None:
        self._fan_out(self.encoder.video(yuv, index))

    def audio(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None:
        self._fan_out(self.encoder.audio(pcm, first_sample))

    def health(self) -> list[SinkHealth]:
        return [sink.health() for sink in self._sinks]

    def close(self) -> None:
        """Flush the encoder into the sinks, then close them."""
        self._fan_out(self.encoder.flush())
        for sink in self._sinks:
            try:
                sink.close()
            except Exception:
                log.exception("sink %s failed to close", sink.name)
