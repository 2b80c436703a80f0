"""A WHIP ingest for tests and local checks: aiortc on 127.0.0.1, counting what decodes."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack


@dataclass(eq=False)
class WhipSession:
    """One publisher, as the ingest sees it: what it decoded, and whether it was DELETEd."""

    id: str
    pc: RTCPeerConnection
    video_frames: int = 0
    audio_frames: int = 0
    audio_peak: int = 0
    frame_size: tuple[int, int] | None = None
    deleted: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def consume(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame: Any = await track.recv()
                if track.kind == "video":
                    self.video_frames += 1
                    self.frame_size = (frame.width, frame.height)
                else:
                    self.audio_frames += 1
                    if self.audio_frames % 10 == 0:
                        self.audio_peak = max(self.audio_peak,
                                              int(np.abs(frame.to_ndarray()).max()))

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.pc.close()


class WhipEndpoint:
    """POST /whip takes an SDP offer (bearer token checked), DELETE /whip/<id> ends it.

    `refuse_h264` answers as an ingest without H.264 would (the answer offers VP8 only).
    """

    def __init__(self, token: str | None = None, *, refuse_h264: bool = False) -> None:
        self.token = token
        self.refuse_h264 = refuse_h264
        self.sessions: list[WhipSession] = []
        self.refused: list[int] = []  # HTTP statuses of refused POSTs
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; the URL to publish to."""
        app = web.Application()
        app.router.add_post("/whip", self._post)
        app.router.add_delete("/whip/{id}", self._delete)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/whip"
        return self.url

    async def stop(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sessions), return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def kick(self, session: WhipSession) -> None:
        """Hang up on a publisher from the ingest's side, as a restarting server would."""
        await session.close()

    def _authorised(self, request: web.Request) -> bool:
        return self.token is None or request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _post(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            self.refused.append(401)
            return web.Response(status=401, text="bad or missing bearer token")
        if request.content_type != "application/sdp":
            self.refused.append(415)
            return web.Response(status=415, text="expected application/sdp")
        offer = await request.text()
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        session = WhipSession(str(next(self._ids)), pc)
        self.sessions.append(session)
        pc.on("track", lambda track: session.tasks.append(
            asyncio.ensure_future(session.consume(track))))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        answer = pc.localDescription.sdp
        if self.refuse_h264:
            answer = answer.replace("H264/90000", "VP8/90000")
        return web.Response(status=201, text=answer, content_type="application/sdp",
                            headers={"Location": f"/whip/{session.id}"})

    async def _delete(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.Response(status=401)
        for session in self.sessions:
            if session.id == request.match_info["id"] and not session.deleted:
                session.deleted = True
                await session.close()
                return web.Response(status=200)
        return web.Response(status=404)
