"""Put already-encoded packets into any container (MP4, FLV) without encoding again."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

import av

from stream.packets import VIDEO, MediaSpec, Packet


def add_streams(container: Any, spec: MediaSpec) -> tuple[Any, Any]:
    """A video and an audio stream that carry the encoder's packets as they are.

    A stream made with `add_stream("h264")` would open a fresh x264 encoder when the
    file starts and write that encoder's SPS/PPS into the header, which need not match
    the packets. So the video stream is copied from a template that holds exactly the
    encoder's SPS/PPS; the AAC header depends only on rate and layout, and is checked.
    """
    template_input: Any = av.open(io.BytesIO(spec.video_extradata), format="h264")
    video = container.add_stream_from_template(template_input.streams.video[0])
    template_input.close()
    video.codec_context.width = spec.width
    video.codec_context.height = spec.height
    video.codec_context.pix_fmt = "yuv420p"
    video.time_base = spec.video_time_base
    audio = container.add_stream(spec.audio_codec, rate=spec.audio_rate)
    audio.layout = "mono" if spec.audio_channels == 1 else "stereo"
    container.start_encoding()
    made = bytes(audio.codec_context.extradata or b"")
    if made != spec.audio_extradata:
        raise RuntimeError(f"AAC header mismatch: {made.hex()} != {spec.audio_extradata.hex()}")
    return video, audio


def av_packet(packet: Packet, video: Any, audio: Any, spec: MediaSpec) -> Any:
    """The packet as PyAV wants it for `container.mux`."""
    out = av.Packet(packet.data)
    out.pts, out.dts = packet.pts, packet.dts
    if packet.stream == VIDEO:
        out.stream, out.time_base = video, Fraction(spec.video_time_base)
        out.duration = packet.duration or 1
    else:
        out.stream, out.time_base = audio, Fraction(spec.audio_time_base)
        out.duration = packet.duration
    out.is_keyframe = packet.keyframe
    return out
