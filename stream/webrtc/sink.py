"""The WebRTC sink: every viewer shares the playout's H.264 and one Opus encode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from stream.packets import VIDEO, MediaSpec, Packet, SinkHealth
from stream.webrtc.h264 import annex_b_parameter_sets, profile_level_id
from stream.webrtc.opus import OPUS_TIME_BASE, SharedOpus, live_encoders
from stream.webrtc.viewer import VideoCodec, Viewer
from stream.webrtc.vp8 import Vp8Encode

log = logging.getLogger(__name__)


class WebRtcSink:
    """A `Sink` for the preview page; viewers come and go in the server's event loop.

    The playout thread calls `send`, `audio_pcm` and `video_yuv`; they hand work to the
    loop with `call_soon_threadsafe` and return at once. Everything about viewers
    (`add_viewer`, `remove_viewer`) runs in that loop.
    """

    name = "webrtc"

    def __init__(self, *, video_queue: int = 60, audio_queue: int = 50,
                 vp8_bitrate: int = 1_500_000, opus: SharedOpus | None = None) -> None:
        self._video_limit = video_queue  # packets: two seconds at 30 fps
        self._audio_limit = audio_queue  # packets: one second of 20 ms Opus
        self._vp8_bitrate = vp8_bitrate
        self._spec: MediaSpec | None = None
        self._parameter_sets = b""
        # Shared with the show's other WebRTC-side sinks (WHIP pushes): one Opus encode.
        self._opus = opus or SharedOpus()
        self._attached = False
        self._vp8: Vp8Encode | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._viewers: list[Viewer] = []
        # Read by the playout thread to skip all work while nobody watches.
        self._h264_viewers = 0
        # Set in the loop when an H.264 viewer waits for a keyframe; the encoder reads it.
        self._keyframe_wanted = False
        self._closed = False
        self._lock = threading.Lock()  # guards the byte totals read by health()
        self._gone_sent = 0
        self._gone_dropped = 0

    # -- the playout side ---------------------------------------------------------

    @property
    def profile_level_id(self) -> str:
        """The H.264 profile and level the one encode is sent in, for the SDP."""
        if self._spec is None:
            raise RuntimeError("the WebRTC sink is not on air: start() it first")
        return profile_level_id(self._spec.video_extradata)

    @property
    def wants_keyframe(self) -> bool:
        """Whether an H.264 viewer is waiting for a keyframe to start its picture."""
        return self._keyframe_wanted and bool(self._h264_viewers)

    def start(self, spec: MediaSpec) -> None:
        if spec.video_codec != "h264":
            raise ValueError(f"WebRTC sink: video codec {spec.video_codec!r}, expected h264")
        self._spec = spec
        self._parameter_sets = annex_b_parameter_sets(spec.video_extradata)
        if not self._attached:
            self._opus.attach()
            self._attached = True

    def send(self, packet: Packet) -> None:
        # AAC packets are ignored: viewers get Opus, encoded from `audio_pcm`.
        if packet.stream != VIDEO or not self._h264_viewers:
            return
        if packet.keyframe:
            self._keyframe_wanted = False
        data = self._parameter_sets + packet.data if packet.keyframe else packet.data
        self._post(self._fan_video, "h264", data, packet.pts, packet.keyframe)

    def audio_pcm(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None:
        """The stream's PCM (48 kHz mono), before the AAC encode: the source of the Opus."""
        if not self._attached or self._closed or not self._viewers or self._loop is None:
            return
        packets = self._opus.encode(pcm, first_sample)
        if packets:
            self._post(self._fan_audio, packets)

    def video_yuv(self, yuv: npt.NDArray[np.uint8], index: int) -> None:
        """The raw frame, for the VP8 fallback; costs nothing while no viewer needs VP8."""
        vp8 = self._vp8
        if vp8 is not None:
            vp8.push(yuv, index)

    def close(self) -> None:
        self._closed = True
        self._post(self._drop_all_viewers)
        if self._attached:
            self._attached = False
            self._opus.release()

    def health(self) -> SinkHealth:
        with self._lock:
            sent = self._gone_sent + sum(v.sent_bytes for v in list(self._viewers))
            dropped = self._gone_dropped + sum(v.dropped_bytes for v in list(self._viewers))
        if self._closed:
            state = "stopped"
        elif self._spec is None or self._loop is None:
            state = "starting"
        else:
            state = "connected"
        return SinkHealth(self.name, state, sent_bytes=sent, dropped_bytes=dropped)

    def _post(self, callback: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is None:
            return
        # A closed loop means the server is stopping: nobody is left to send to.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(callback, *args)

    # -- the event-loop side ------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve viewers from this loop (the preview server's)."""
        self._loop = loop

    def detach(self) -> None:
        self._loop = None

    @property
    def on_air(self) -> bool:
        return self._spec is not None and not self._closed

    @property
    def viewer_count(self) -> int:
        return len(self._viewers)

    def encoders(self) -> dict[str, int]:
        """WebRTC-side encoders this sink runs now: one Opus; one VP8 while VP8 viewers watch."""
        return {"opus": int(self._attached and self._opus.is_open),
                "vp8": int(self._vp8 is not None)}

    def add_viewer(self, codec: VideoCodec) -> Viewer:
        if self._spec is None or self._closed:
            raise RuntimeError("the WebRTC sink is not on air: start() it first")
        viewer = Viewer(codec, video_limit=self._video_limit, audio_limit=self._audio_limit)
        with self._lock:
            self._viewers.append(viewer)
        self._count()
        if codec == "vp8":
            if self._vp8 is None:
                spec = self._spec
                self._vp8 = Vp8Encode(spec.width, spec.height, spec.fps, self._vp8_output,
                                      bitrate=self._vp8_bitrate)
            self._vp8.request_keyframe()
        return viewer

    def remove_viewer(self, viewer: Viewer) -> None:
        with self._lock:
            if viewer not in self._viewers:
                return
            self._viewers.remove(viewer)
            self._gone_sent += viewer.sent_bytes
            self._gone_dropped += viewer.dropped_bytes
        viewer.close()
        self._count()
        if self._vp8 is not None and not any(v.codec == "vp8" for v in self._viewers):
            vp8, self._vp8 = self._vp8, None
            asyncio.get_running_loop().run_in_executor(None, vp8.close)

    def _count(self) -> None:
        self._h264_viewers = sum(1 for v in self._viewers if v.codec == "h264")

    def _drop_all_viewers(self) -> None:
        for viewer in list(self._viewers):
            self.remove_viewer(viewer)

    def _vp8_output(self, data: bytes, pts: int, keyframe: bool) -> None:
        self._post(self._fan_video, "vp8", data, pts, keyframe)

    def _fan_video(self, codec: VideoCodec, data: bytes, pts: int, keyframe: bool) -> None:
        assert self._spec is not None
        packet = av.Packet(data)
        packet.pts = packet.dts = pts
        packet.time_base = Fraction(1, self._spec.fps)
        for viewer in self._viewers:
            if viewer.codec == codec:
                if viewer.waiting_for_keyframe and not keyframe:
                    if codec == "h264":
                        self._keyframe_wanted = True
                    elif self._vp8 is not None:
                        self._vp8.request_keyframe()
                viewer.offer_video(packet, keyframe)

    def _fan_audio(self, packets: list[tuple[bytes, int]]) -> None:
        for data, pts in packets:
            packet = av.Packet(data)
            packet.pts = packet.dts = pts
            packet.time_base = OPUS_TIME_BASE
            for viewer in self._viewers:
                viewer.offer_audio(packet)


__all__ = ["WebRtcSink", "live_encoders"]
