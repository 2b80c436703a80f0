"""Fakes for tests and benchmarks: a synthetic show aired in real time, and aiortc viewers."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import aiohttp
import numpy as np
import numpy.typing as npt
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from stream.broadcast import Broadcast
from stream.encoder import AUDIO_CHUNK, AUDIO_RATE, Encoder, VideoSettings
from stream.packets import Sink


class SyntheticAir:
    """A moving test card and a beep, through the real Encoder and Broadcast, in real time."""

    def __init__(self, sinks: Sequence[Sink], *, width: int = 240, height: int = 432,
                 fps: int = 15, preset: str = "ultrafast") -> None:
        self.encoder = Encoder(VideoSettings(width=width, height=height, fps=fps, preset=preset))
        self.broadcast = Broadcast(self.encoder, sinks)
        self.fps = fps
        self.frames = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="synthetic-air", daemon=True)
        rows, columns = np.arange(height, dtype=np.uint16), np.arange(width, dtype=np.uint16)
        self._ramp = np.add.outer(rows, columns)
        self._yuv = np.full((height * 3 // 2, width), 128, dtype=np.uint8)
        t = np.arange(AUDIO_CHUNK) / AUDIO_RATE
        self._tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
        self._silence = np.zeros(AUDIO_CHUNK, dtype=np.int16)

    def frame(self, index: int) -> npt.NDArray[np.uint8]:
        """Diagonal stripes drifting over a slowly turning colour wash."""
        height, width = self._ramp.shape
        self._yuv[:height] = ((self._ramp + index * 4) % 160 + 48).astype(np.uint8)
        chroma = self._yuv[height:].reshape(2, height // 4, width)  # U, then V (quarter each)
        chroma[0] = 128 + 60 * np.sin(index / 40)
        chroma[1] = 128 + 60 * np.cos(index / 55)
        return self._yuv

    def start(self) -> SyntheticAir:
        self._thread.start()
        return self

    def _run(self) -> None:
        origin = time.monotonic()
        tick = frame = 0
        while not self._stop.is_set():
            now = time.monotonic() - origin
            while tick * AUDIO_CHUNK / AUDIO_RATE <= now:
                beep = (tick // 25) % 2 == 0  # half a second on, half off
                self.broadcast.audio(self._tone if beep else self._silence, tick * AUDIO_CHUNK)
                tick += 1
            if frame <= now * self.fps:
                frame = max(frame, int(now * self.fps))  # late: skip ahead, never burst
                self.broadcast.video(self.frame(frame), frame)
                self.frames += 1
                frame += 1
            due = min(tick * AUDIO_CHUNK / AUDIO_RATE, frame / self.fps)
            self._stop.wait(max(0.0, due - (time.monotonic() - origin)))

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.broadcast.close()


@contextlib.contextmanager
def loopback_candidates() -> Iterator[None]:
    """ICE on 127.0.0.1 only: aioice skips loopback, and a test must not need a network."""
    import aioice.ice

    original = aioice.ice.get_host_addresses

    def loopback(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return ["127.0.0.1"]

    aioice.ice.get_host_addresses = loopback
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original


class ViewerClient:
    """A recvonly aiortc viewer that counts what it decodes, like a browser tab would."""

    def __init__(self, base_url: str, *, video_codec: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.video_codec = video_codec  # "video/VP8" to act like a browser without H.264
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.video_frames = 0
        self.audio_frames = 0
        self.audio_peak = 0
        self.frame_size: tuple[int, int] | None = None
        self.started = 0.0
        self.first_video: float | None = None
        self.connected: float | None = None  # when ICE and DTLS were up
        self._tasks: list[asyncio.Task[None]] = []

    async def connect(self, session: aiohttp.ClientSession) -> None:
        pc = self.pc
        video = pc.addTransceiver("video", direction="recvonly")
        capabilities = RTCRtpReceiver.getCapabilities("video")
        if self.video_codec and capabilities is not None:
            wanted = (self.video_codec.lower(), "video/rtx")
            video.setCodecPreferences(
                [c for c in capabilities.codecs if c.mimeType.lower() in wanted]
            )
        pc.addTransceiver("audio", direction="recvonly")
        pc.on("track", self._on_track)
        pc.on("connectionstatechange", self._on_state)
        self.started = time.monotonic()
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
        async with session.post(f"{self.base_url}/api/offer", json=offer) as response:
            body: dict[str, Any] = await response.json()
            if response.status != 200:
                raise RuntimeError(f"offer refused: {response.status} {body}")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body["sdp"], type=body["type"]))

    def _on_state(self) -> None:
        if self.pc.connectionState == "connected" and self.connected is None:
            self.connected = time.monotonic()

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._tasks.append(asyncio.ensure_future(self._consume(track)))

    async def _consume(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame: Any = await track.recv()
                if track.kind == "video":
                    self.video_frames += 1
                    self.frame_size = (frame.width, frame.height)
                    if self.first_video is None:
                        self.first_video = time.monotonic()
                else:
                    self.audio_frames += 1
                    if self.audio_frames % 10 == 0:
                        peak = int(np.abs(frame.to_ndarray()).max())
                        self.audio_peak = max(self.audio_peak, peak)

    @property
    def time_to_first_frame(self) -> float | None:
        return None if self.first_video is None else self.first_video - self.started

    @property
    def picture_after_connected(self) -> float | None:
        """Seconds from the connection being up to the first picture: the server's part."""
        if self.first_video is None or self.connected is None:
            return None
        return self.first_video - self.connected

    async def close(self) -> None:
        """Hang up politely: the server hears DTLS close_notify."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pc.close()

    async def vanish(self) -> None:
        """Go silent as a killed tab does: stop ICE first, so no goodbye reaches the server."""
        for transceiver in self.pc.getTransceivers():
            with contextlib.suppress(Exception):
                await transceiver.receiver.transport.transport.stop()
        await self.close()
