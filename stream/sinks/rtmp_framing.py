"""How the parent hands packets to the RTMP child: one JSON line, then framed packets."""

from __future__ import annotations

import json
import struct
from typing import IO

from stream.packets import AUDIO, VIDEO, MediaSpec, Packet

# stream (0 video, 1 audio), pts, dts, duration, keyframe, size
FRAME = struct.Struct("!BqqiBI")


def spec_line(url: str, spec: MediaSpec) -> bytes:
    """The first thing the parent writes: where to connect and what the packets are."""
    fields = {
        "url": url,
        "width": spec.width,
        "height": spec.height,
        "fps": spec.fps,
        "video_extradata": spec.video_extradata.hex(),
        "audio_rate": spec.audio_rate,
        "audio_channels": spec.audio_channels,
        "audio_extradata": spec.audio_extradata.hex(),
        "video_codec": spec.video_codec,
        "audio_codec": spec.audio_codec,
    }
    return json.dumps(fields).encode() + b"\n"


def packet_frame(packet: Packet) -> bytes:
    """One packet as the parent writes it: header, then data."""
    kind = 0 if packet.stream == VIDEO else 1
    head = FRAME.pack(
        kind, packet.pts, packet.dts, packet.duration, int(packet.keyframe), packet.size
    )
    return head + packet.data


def read_spec(stream: IO[bytes]) -> tuple[str, MediaSpec]:
    """The URL and MediaSpec from the first line."""
    fields = json.loads(stream.readline())
    url = str(fields.pop("url"))
    fields["video_extradata"] = bytes.fromhex(fields["video_extradata"])
    fields["audio_extradata"] = bytes.fromhex(fields["audio_extradata"])
    return url, MediaSpec(**fields)


def read_packet(stream: IO[bytes]) -> Packet | None:
    """The next packet, or None when the parent closed the pipe."""
    head = stream.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    kind, pts, dts, duration, keyframe, size = FRAME.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return Packet(VIDEO if kind == 0 else AUDIO, data, pts, dts, duration, bool(keyframe))
