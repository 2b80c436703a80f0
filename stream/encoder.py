"""The one encoder: 4:2:0 frames and PCM in, H.264 and AAC packets out, for every sink."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from stream.packets import AUDIO, VIDEO, MediaSpec, Packet

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
        if self.keyframe_seconds <= 0:
            raise ValueError(f"keyframe interval {self.keyframe_seconds}: must be positive")

    @property
    def gop(self) -> int:
        return max(1, round(self.fps * self.keyframe_seconds))


def _packets(stream: Any, encoded: Any) -> list[Packet]:
    return [
        Packet(stream, bytes(p), int(p.pts), int(p.dts), int(p.duration or 0), bool(p.is_keyframe))
        for p in encoded
    ]


class Encoder:
    """Encodes once; video pts count frames and audio pts count samples from the same origin."""

    def __init__(self, video: VideoSettings, *, audio_bitrate: int = 96_000) -> None:
        self.settings = video
        flags = av.codec.context.Flags.global_header  # codec headers go in extradata
        self._video: Any = av.CodecContext.create("libx264", "w")
        self._video.width, self._video.height = video.width, video.height
        self._video.pix_fmt = "yuv420p"
        self._video.time_base = Fraction(1, video.fps)
        self._video.framerate = Fraction(video.fps, 1)
        self._video.gop_size = video.gop
        self._video.options = {
            "preset": video.preset,
            "tune": "zerolatency",
            "crf": str(video.crf),
            "threads": str(video.threads),
            # Keyframes on a fixed beat: files roll and new viewers start on time.
            "sc_threshold": "0",
            "forced-idr": "1",  # a keyframe asked for (a viewer joining) is a real IDR
        }
        self._forced_at = -video.fps  # frame index of the last keyframe asked for
        self._video.flags |= flags
        self._video.open()
        self._audio: Any = av.CodecContext.create("aac", "w")
        self._audio.sample_rate = AUDIO_RATE
        self._audio.layout = "mono"
        self._audio.format = "fltp"
        self._audio.bit_rate = audio_bitrate
        self._audio.time_base = Fraction(1, AUDIO_RATE)
        self._audio.flags |= flags
        self._audio.open()
        self.spec = MediaSpec(
            width=video.width,
            height=video.height,
            fps=video.fps,
            video_extradata=bytes(self._video.extradata or b""),
            audio_rate=AUDIO_RATE,
            audio_channels=1,
            audio_extradata=bytes(self._audio.extradata or b""),
        )

    def video(
        self, yuv: npt.NDArray[np.uint8], index: int, *, keyframe: bool = False
    ) -> list[Packet]:
        """Encode frame number `index` (its time is index / fps).

        `keyframe` asks for this frame to be one, out of the fixed beat, so a viewer who
        just joined sees a picture at once; granted at most once a second, since every
        output pays for it in bits.
        """
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        if keyframe and index - self._forced_at >= self.settings.fps:
            self._forced_at = index
            frame.pict_type = av.video.frame.PictureType.I
        frame.pts = index
        frame.time_base = self._video.time_base
        return _packets(VIDEO, self._video.encode(frame))

    def audio(self, pcm: npt.NDArray[np.int16], first_sample: int) -> list[Packet]:
        """Encode mono 48 kHz samples starting at sample number `first_sample`."""
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = first_sample
        frame.time_base = self._audio.time_base
        return _packets(AUDIO, self._audio.encode(frame))

    def flush(self) -> list[Packet]:
        """The packets both encoders still hold; call once, at the end."""
        return _packets(VIDEO, self._video.encode(None)) + _packets(AUDIO, self._audio.encode(None))
