"""The VP8 fallback: one encode shared by every viewer whose browser has no H.264."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from stream.webrtc.opus import count_encoder

log = logging.getLogger(__name__)

Vp8Output = Callable[[bytes, int, bool], None]  # (frame, pts in 1/fps, keyframe)


class Vp8Encode:
    """A worker thread that encodes the newest frame; a slow encode drops frames, never queues."""

    def __init__(self, width: int, height: int, fps: int, output: Vp8Output, *,
                 bitrate: int = 1_500_000, keyframe_seconds: float = 2.0) -> None:
        self.fps = fps
        self._output = output
        self._codec: Any = av.CodecContext.create("libvpx", "w")
        self._codec.width, self._codec.height = width, height
        self._codec.pix_fmt = "yuv420p"
        self._codec.time_base = Fraction(1, fps)
        self._codec.framerate = Fraction(fps, 1)
        self._codec.bit_rate = bitrate
        self._codec.gop_size = max(1, round(fps * keyframe_seconds))
        self._codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",
            "error-resilient": "1",
            "threads": "2",
        }
        self._codec.open()
        self._wake = threading.Condition()
        self._frame: tuple[npt.NDArray[np.uint8], int] | None = None
        self._keyframe_wanted = True
        self._last_forced = 0.0
        self._stopped = False
        self.dropped_frames = 0
        count_encoder("vp8", +1)
        self._thread = threading.Thread(target=self._run, name="hostcast-vp8", daemon=True)
        self._thread.start()

    def push(self, yuv: npt.NDArray[np.uint8], index: int) -> None:
        """Take a frame (copied: the compositor may reuse its buffer); never waits."""
        copy = yuv.copy()
        with self._wake:
            if self._frame is not None:
                self.dropped_frames += 1
            self._frame = (copy, index)
            self._wake.notify()

    def request_keyframe(self) -> None:
        """A new viewer joined: make the next frame a keyframe, at most twice a second."""
        now = time.monotonic()
        if now - self._last_forced >= 0.5:
            self._last_forced = now
            self._keyframe_wanted = True

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._frame is None and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    break
                assert self._frame is not None
                yuv, index = self._frame
                self._frame = None
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts = index
            frame.time_base = self._codec.time_base
            if self._keyframe_wanted:
                self._keyframe_wanted = False
                frame.pict_type = av.video.frame.PictureType.I
            try:
                for packet in self._codec.encode(frame):
                    self._output(bytes(packet), int(packet.pts), bool(packet.is_keyframe))
            except Exception:  # the fallback failing must not take the main stream down
                log.exception("VP8 encode failed")
        count_encoder("vp8", -1)

    def close(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)
