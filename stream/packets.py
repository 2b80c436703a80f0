"""Encoded media as plain values: what the one encoder hands to every sink."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal, Protocol

VIDEO: Literal["video"] = "video"
AUDIO: Literal["audio"] = "audio"


@dataclass(frozen=True)
class MediaSpec:
    """What a sink needs to open its output: codecs, sizes, rates and codec headers."""

    width: int
    height: int
    fps: int
    video_extradata: bytes  # H.264 SPS/PPS in Annex B form, for FLV and MP4 headers
    audio_rate: int
    audio_channels: int
    audio_extradata: bytes  # AAC AudioSpecificConfig
    video_codec: str = "h264"
    audio_codec: str = "aac"

    @property
    def video_time_base(self) -> Fraction:
        return Fraction(1, self.fps)

    @property
    def audio_time_base(self) -> Fraction:
        return Fraction(1, self.audio_rate)


@dataclass(frozen=True)
class Packet:
    """One encoded packet; timestamps count frames (video) or samples (audio) from air start."""

    stream: Literal["video", "audio"]
    data: bytes
    pts: int
    dts: int
    duration: int
    keyframe: bool

    @property
    def size(self) -> int:
        return len(self.data)

    def shifted(self, offset: int) -> Packet:
        """The same packet with its timestamps moved back by `offset` of its units."""
        return replace(self, pts=self.pts - offset, dts=self.dts - offset)


@dataclass(frozen=True)
class SinkHealth:
    """A sink's state as operators see it."""

    name: str
    state: str  # "starting", "connected", "reconnecting", "stopped", "failed"
    sent_bytes: int = 0
    dropped_bytes: int = 0
    reconnects: int = 0
    last_error: str = ""


class Sink(Protocol):
    """Where the stream goes; `send` never blocks the playout, whatever the far end does."""

    name: str

    def start(self, spec: MediaSpec) -> None: ...

    def send(self, packet: Packet) -> None: ...

    def close(self) -> None: ...

    def health(self) -> SinkHealth: ...
