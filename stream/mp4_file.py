"""An MP4 file muxed from already-encoded packets: no second encode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av

from stream.mux import add_streams, av_packet
from stream.packets import MediaSpec, Packet


class Mp4File:
    """Writes packets into one MP4; the file plays on its own once closed."""

    def __init__(self, path: Path, spec: MediaSpec) -> None:
        self.path = path
        self.spec = spec
        self.bytes_written = 0
        self._container: Any = av.open(str(path), mode="w", format="mp4")
        self._video, self._audio = add_streams(self._container, spec)

    def write(self, packet: Packet) -> None:
        self._container.mux(av_packet(packet, self._video, self._audio, self.spec))
        self.bytes_written += packet.size

    def close(self) -> None:
        self._container.close()
