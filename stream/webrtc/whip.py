"""WHIP push (RFC 9725): the stream's one H.264 encode and one Opus encode to a WebRTC ingest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from urllib.parse import urljoin

import aiohttp
import numpy as np
import numpy.typing as npt
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpCodecCapability,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp

from stream.ingest_url import check_url, redact_url
from stream.packets import MediaSpec, Packet, SinkHealth
from stream.sinks.backoff import Backoff
from stream.webrtc.opus import SharedOpus
from stream.webrtc.sink import WebRtcSink

log = logging.getLogger(__name__)

class WhipError(Exception):
    """One publish attempt failed; the message names the endpoint safely (never the token)."""


class H264RefusedError(WhipError):
    """The endpoint answered without H.264 video: the sink never re-encodes, so it gives up."""


def parse_whip_url(url: str) -> str:
    """The URL, stripped, if it is http:// or https:// with a host."""
    return check_url(
        url,
        schemes=("http", "https"),
        kind="a WHIP",
        example="https://host/path (or http:// for a local endpoint)",
        need_path=False,
    )


def _h264_only() -> list[RTCRtpCodecCapability]:
    capabilities = RTCRtpSender.getCapabilities("video")
    wanted = ("video/h264", "video/rtx")
    return [c for c in capabilities.codecs if c.mimeType.lower() in wanted] if capabilities else []


def _answer_takes_h264(sdp: str) -> bool:
    try:
        description = aiortc_sdp.SessionDescription.parse(sdp)
    except Exception as exc:
        raise WhipError(f"the answer is not valid SDP ({type(exc).__name__}: {exc})") from None
    videos = [m for m in description.media if m.kind == "video"]
    return any(
        m.port != 0 and any(c.mimeType.lower() == "video/h264" for c in m.rtp.codecs)
        for m in videos
    )


def _describe(error: BaseException, timeout: float) -> str:
    if isinstance(error, WhipError):
        return str(error)
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    return f"{type(error).__name__}: {error}"


class WhipSink:
    """A `Sink` that publishes to one WHIP endpoint; reconnects with backoff, never blocks.

    It holds a `WebRtcSink` and is its one (outgoing) viewer, so packets reach the
    peer connection the way they reach preview viewers: H.264 as encoded, SPS/PPS in
    front of keyframes, one Opus encode, bounded queues that drop to the next keyframe.
    aiortc runs in the sink's own event loop, in a daemon thread. Health: `starting`
    until the first connection, `connected` while one is up, `reconnecting` between
    attempts (with `last_error`), `failed` if the endpoint refuses H.264 (it does not
    retry then), `stopped` after close.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        name: str | None = None,
        request_timeout: float = 5.0,
        connect_timeout: float = 10.0,
        close_timeout: float = 3.0,
        stable_after: float = 10.0,
        backoff: Backoff | None = None,
        video_queue: int = 60,
        audio_queue: int = 50,
        opus: SharedOpus | None = None,
    ) -> None:
        self.url = parse_whip_url(url)
        self.name = name or redact_url(self.url)
        self._token = token or None
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.close_timeout = close_timeout
        self.stable_after = stable_after
        self._backoff = backoff or Backoff(0.5, 10.0)
        self._media = WebRtcSink(video_queue=video_queue, audio_queue=audio_queue, opus=opus)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = threading.Lock()
        self._state = "starting"
        self._reconnects = 0
        self._last_error = ""
        self._closed = False

    # -- the playout side ---------------------------------------------------------

    def start(self, spec: MediaSpec) -> None:
        """Begin publishing in the background; returns at once."""
        if self._thread is not None:
            raise RuntimeError(f"sink {self.name} already started")
        self._media.start(spec)
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._media.attach(loop)
        self._thread = threading.Thread(
            target=self._serve, args=(loop,), name=f"whip {self.name}", daemon=True
        )
        self._thread.start()

    def send(self, packet: Packet) -> None:
        """Hand a packet to the sink's loop; never blocks and never raises."""
        with contextlib.suppress(Exception):  # the playout goes on whatever happens here
            self._media.send(packet)

    def audio_pcm(self, pcm: npt.NDArray[np.int16], first_sample: int) -> None:
        """The stream's PCM, for the Opus encode (done only while connected)."""
        with contextlib.suppress(Exception):
            self._media.audio_pcm(pcm, first_sample)

    def video_yuv(self, yuv: npt.NDArray[np.uint8], index: int) -> None:
        """Unused: WHIP gets the H.264 packets as encoded."""

    def close(self) -> None:
        """DELETE the session (bounded by `close_timeout`), hang up and stop the loop thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            stopping = asyncio.run_coroutine_threadsafe(self._stop_publishing(), loop)
            with contextlib.suppress(Exception):
                stopping.result(self.close_timeout + 2.0)
            self._media.close()
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(loop.stop)
            thread.join(2.0)
        else:
            self._media.close()
        with self._lock:
            self._state = "stopped"

    def health(self) -> SinkHealth:
        """State and counters, safe to call from any thread."""
        media = self._media.health()
        with self._lock:
            return SinkHealth(
                name=self.name,
                state=self._state,
                sent_bytes=media.sent_bytes,
                dropped_bytes=media.dropped_bytes,
                reconnects=self._reconnects,
                last_error=self._last_error,
            )

    # -- the event-loop side ------------------------------------------------------

    def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        self._task = loop.create_task(self._publish_forever())
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _stop_publishing(self) -> None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            # The task's own cleanup sends the DELETE, each step bounded by close_timeout.
            await asyncio.wait({task}, timeout=self.close_timeout + 1.0)

    def _set(self, state: str, error: str | None = None) -> None:
        with self._lock:
            if self._closed:
                return
            self._state = state
            if error is not None:
                self._last_error = self._scrub(error)

    def _scrub(self, text: str) -> str:
        """Never show the token or the full URL (which may hold a stream key)."""
        if self._token:
            text = text.replace(self._token, "***")
        return text.replace(self.url, self.name)

    async def _publish_forever(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                began = time.monotonic()
                try:
                    await self._publish_once(http)
                except H264RefusedError as refused:
                    self._set("failed", str(refused))
                    log.error("WHIP %s: %s", self.name, self._scrub(str(refused)))
                    return
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    reason = _describe(error, self.request_timeout)
                else:  # pragma: no cover - _publish_once only ends by raising
                    reason = "the connection ended"
                if time.monotonic() - began >= self.stable_after:
                    self._backoff.reset()
                self._set("reconnecting", reason)
                log.warning("WHIP %s: %s; reconnecting", self.name, self._scrub(reason))
                await asyncio.sleep(self._backoff.next_delay())
                with self._lock:
                    self._reconnects += 1

    async def _publish_once(self, http: aiohttp.ClientSession) -> None:
        """One session, from offer to hang-up; always raises to say why it ended."""
        viewer = self._media.add_viewer("h264")
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        connected = asyncio.Event()
        ended = asyncio.Event()

        @pc.on("connectionstatechange")
        def _state() -> None:
            if pc.connectionState == "connected":
                connected.set()
            elif pc.connectionState in ("failed", "closed"):
                ended.set()

        location: str | None = None
        try:
            video = pc.addTransceiver(viewer.video, direction="sendonly")
            video.setCodecPreferences(_h264_only())
            pc.addTransceiver(viewer.audio, direction="sendonly")
            # aiortc gathers every candidate before setLocalDescription returns.
            offer = await pc.createOffer()
            try:
                await asyncio.wait_for(pc.setLocalDescription(offer), self.connect_timeout)
            except TimeoutError:
                raise WhipError(
                    f"ICE gathering took over {self.connect_timeout:g} s"
                ) from None
            answer, location = await self._post(http, pc.localDescription.sdp)
            if not _answer_takes_h264(answer):
                raise H264RefusedError(
                    "the endpoint does not accept H.264 video; this sink sends the stream's "
                    "one H.264 encode as is and never re-encodes"
                )
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            try:
                await asyncio.wait_for(connected.wait(), self.connect_timeout)
            except TimeoutError:
                raise WhipError(
                    f"ICE/DTLS did not connect within {self.connect_timeout:g} s"
                ) from None
            self._set("connected", "")
            log.info("WHIP %s: publishing", self.name)
            await ended.wait()
            raise WhipError(f"the connection went {pc.connectionState}")
        finally:
            self._media.remove_viewer(viewer)
            if location is not None:
                await self._delete(http, location)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pc.close(), self.close_timeout)

    def _headers(self, content_type: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": content_type} if content_type else {}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    async def _post(self, http: aiohttp.ClientSession, offer: str) -> tuple[str, str | None]:
        """POST the offer; the answer SDP and the session URL (Location, resolved)."""
        async with http.post(
            self.url, data=offer.encode(), headers=self._headers("application/sdp")
        ) as response:
            body = await response.text()
            if response.status != 201:
                detail = " ".join(body.split())[:200]
                raise WhipError(
                    f"the endpoint answered HTTP {response.status} {response.reason or ''}".rstrip()
                    + (f": {detail}" if detail else "")
                )
            location = response.headers.get("Location")
            if not location:
                log.warning("WHIP %s: 201 without a Location; cannot DELETE on close", self.name)
            return body, urljoin(str(response.url), location) if location else None

    async def _delete(self, http: aiohttp.ClientSession, location: str) -> None:
        """End the session at the endpoint; best effort, bounded by `close_timeout`."""
        try:
            async with http.delete(
                location,
                headers=self._headers(),
                timeout=aiohttp.ClientTimeout(total=self.close_timeout),
            ) as response:
                if response.status >= 400 and response.status != 404:
                    log.warning("WHIP %s: DELETE answered HTTP %d", self.name, response.status)
        except Exception as error:
            log.warning("WHIP %s: DELETE failed (%s)", self.name,
                        self._scrub(_describe(error, self.close_timeout)))
