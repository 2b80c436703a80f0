"""One H.264 + AAC encode: video frames in 4:2:0 and 20 ms audio chunks in, packets out."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

AUDIO_RATE = 48000
AUDIO_CHUNK = AUDIO_RATE // 50  # 20 ms, the playout's audio tick


@dataclass(frozen=True)
class VideoSettings:
    """How video is encoded; validated so a typo fails before anything airs."""

    width: int = 720
    height: int = 1280
    fps: int = 30
    preset: str = "veryfast"
    crf: int = 23
    keyframe_seconds: float = 2.0
    threads: int = 0  # x264 threads; 0: x264 chooses

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width < 16 or self.height < 16:
            raise ValueError(f"size {self.width}x{self.height}: both sides must be even, >= 16")
        if not 1 <= self.fps <= 120:
            raise ValueError(f"fps {self.fps}: must be between 1 and 120")

    @property
    def gop(self) -> int:
        return max(1, round(self.fps * self.keyframe_seconds))


class Mp4Writer:
    """Encodes to an MP4 file: H.264 video, AAC audio at 48 kHz mono, timestamps from counts."""

    def __init__(self, path: Path, video: VideoSettings, *, audio_bitrate: int = 96_000) -> None:
        self.settings = video
        self._container: Any = av.open(str(path), mode="w", format="mp4")
        self._video: Any = self._container.add_stream("libx264", rate=video.fps)
        self._video.width = video.width
        self._video.height = video.height
        self._video.pix_fmt = "yuv420p"
        self._video.time_base = Fraction(1, video.fps)
        self._video.codec_context.gop_size = video.gop
        self._video.codec_context.options = {
            "preset": video.preset,
            "tune": "zerolatency",
            "crf": str(video.crf),
            "threads": str(video.threads),
        }
        self._audio: Any = self._container.add_stream("aac", rate=AUDIO_RATE)
        self._audio.layout = "mono"
        self._audio.bit_rate = audio_bitrate
        self._audio_pts = 0
        self.frames = 0

    def video(self, yuv: npt.NDArray[np.uint8]) -> None:
        """Encode the next video frame; its timestamp is its index over the frame rate."""
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = self.frames
        frame.time_base = Fraction(1, self.settings.fps)
        self.frames += 1
        self._container.mux(self._video.encode(frame))

    def audio(self, pcm: npt.NDArray[np.int16]) -> None:
        """Encode the next chunk of mono 48 kHz samples."""
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._audio_pts
        frame.time_base = Fraction(1, AUDIO_RATE)
        self._audio_pts += len(pcm)
        self._container.mux(self._audio.encode(frame))

    def close(self) -> None:
        """Flush both encoders and finish the file so it plays on its own."""
        self._container.mux(self._video.encode(None))
        self._container.mux(self._audio.encode(None))
        self._container.close()
