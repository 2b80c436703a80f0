"""Viewer connections: an SDP offer in, an answer out, and nothing left behind when one goes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpCodecCapability,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from aiortc.codecs import CODECS
from aiortc.rtcpeerconnection import find_common_codecs

from stream.webrtc.h264 import advertise_profile
from stream.webrtc.sink import WebRtcSink
from stream.webrtc.viewer import VideoCodec, Viewer

log = logging.getLogger(__name__)


class OfferError(ValueError):
    """The offer cannot be answered; the message names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ViewerLimitError(RuntimeError):
    """Every viewer seat is taken."""


class NotOnAirError(RuntimeError):
    """The stream has not started (or has ended): there is nothing to watch."""


def _video_codec(sdp: str, preference: Sequence[VideoCodec]) -> VideoCodec:
    """The first codec in `preference` the offer can take: H.264, by default, else VP8."""
    try:
        description = aiortc_sdp.SessionDescription.parse(sdp)
    except Exception as exc:
        reason = f"{exc.__class__.__name__}: {exc}"
        raise OfferError("sdp", f"not a valid SDP offer ({reason})") from None
    videos = [m for m in description.media if m.kind == "video"]
    if not videos:
        raise OfferError("sdp", "the offer has no video m-line")
    video = videos[0]
    if video.direction not in ("recvonly", "sendrecv", None):
        raise OfferError("sdp", f"the video m-line is {video.direction}; it must receive")
    # What aiortc itself would accept (H.264 needs packetization mode 1 and a baseline
    # profile in the SDP; our High-profile stream decodes fine in every browser anyway).
    common = {c.mimeType.lower() for c in find_common_codecs(CODECS["video"], video.rtp.codecs)}
    for codec in preference:
        if f"video/{codec}" in common:
            return codec
    wanted = " or ".join({"h264": "H.264 (packetization-mode=1)", "vp8": "VP8"}[c]
                         for c in preference)
    raise OfferError("sdp", f"the offer has no {wanted} video")


def _prefer(codec: VideoCodec) -> list[RTCRtpCodecCapability]:
    wanted = ({"h264": "video/h264", "vp8": "video/vp8"}[codec], "video/rtx")
    capabilities = RTCRtpSender.getCapabilities("video")
    return [c for c in capabilities.codecs if c.mimeType.lower() in wanted] if capabilities else []


@dataclass(eq=False)
class _Session:
    pc: RTCPeerConnection
    viewer: Viewer
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    watchdog: asyncio.Task[None] | None = None
    closing: bool = False


class ViewerPeers:
    """The RTCPeerConnections of the preview's viewers, at most `max_viewers` at once."""

    def __init__(self, sink: WebRtcSink, *, max_viewers: int = 50,
                 connect_timeout: float = 20.0,
                 video_codecs: Sequence[VideoCodec] = ("h264", "vp8")) -> None:
        if not video_codecs or set(video_codecs) - {"h264", "vp8"}:
            raise ValueError(f"video codecs {video_codecs!r}: choose from 'h264' and 'vp8'")
        self.sink = sink
        self.video_codecs = tuple(video_codecs)
        self.max_viewers = max_viewers
        self.connect_timeout = connect_timeout
        self._sessions: set[_Session] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._sessions)

    async def answer(self, sdp: str, kind: str) -> RTCSessionDescription:
        """Answer a viewer's offer; raises OfferError (400) or ViewerLimitError (503)."""
        if kind != "offer":
            raise OfferError("type", f"must be 'offer', got {kind!r}")
        if len(self._sessions) >= self.max_viewers:
            raise ViewerLimitError(f"all {self.max_viewers} viewer seats are taken")
        codec = _video_codec(sdp, self.video_codecs)
        if not self.sink.on_air:
            raise NotOnAirError("the stream is not on air")
        viewer = self.sink.add_viewer(codec)
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        session = _Session(pc, viewer)
        self._sessions.add(session)
        try:
            video = pc.addTransceiver(viewer.video, direction="sendonly")
            video.setCodecPreferences(_prefer(codec))
            pc.addTransceiver(viewer.audio, direction="sendonly")
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            await self._close(session)
            raise OfferError("sdp", f"cannot answer this offer ({exc})") from None

        @pc.on("connectionstatechange")
        def _state() -> None:
            state = pc.connectionState
            if state == "connected":
                session.connected.set()
            elif state in ("failed", "closed"):
                self._spawn(self._close(session))

        session.watchdog = self._spawn(self._watch(session))
        answer = pc.localDescription
        if codec == "h264":  # say the profile the encoder sends, not aiortc's Baseline
            sdp = advertise_profile(answer.sdp, self.sink.profile_level_id)
            answer = RTCSessionDescription(sdp=sdp, type=answer.type)
        log.info("viewer joined (%s, %d watching)", codec, len(self._sessions))
        return answer

    async def _watch(self, session: _Session) -> None:
        """A viewer that never connects (tab closed mid-handshake) gives its seat back."""
        try:
            await asyncio.wait_for(session.connected.wait(), self.connect_timeout)
        except TimeoutError:
            log.info("viewer never connected; closing")
            await self._close(session)

    async def _close(self, session: _Session) -> None:
        if session.closing:
            return
        session.closing = True
        if session.watchdog is not None and session.watchdog is not asyncio.current_task():
            session.watchdog.cancel()
        self.sink.remove_viewer(session.viewer)
        try:
            await session.pc.close()
        except Exception:
            log.exception("closing a viewer connection failed")
        self._sessions.discard(session)
        session.pc.remove_all_listeners()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close_all(self) -> None:
        """Hang up on everyone (server shutdown)."""
        await asyncio.gather(*(self._close(s) for s in list(self._sessions)))
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
