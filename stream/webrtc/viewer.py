"""One viewer: two tracks fed from small bounded queues, so a slow viewer only hurts itself."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Literal

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

VideoCodec = Literal["h264", "vp8"]


class PacketQueue:
    """Encoded packets for one track; lives in the server's event loop, never grows past `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: deque[av.Packet[Any]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.pulling = False  # the RTP sender asked for a packet: the viewer is connected

    def __len__(self) -> int:
        return len(self._items)

    def put(self, packet: av.Packet[Any]) -> None:
        if self.closed:
            return
        self._items.append(packet)
        self._wake()

    def drop_oldest(self) -> int:
        return self._items.popleft().size if self._items else 0

    def clear(self) -> int:
        dropped = sum(p.size for p in self._items)
        self._items.clear()
        return dropped

    def close(self) -> None:
        self.closed = True
        self._items.clear()
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def get(self) -> av.Packet[Any] | None:
        """The next packet, or None once closed."""
        self.pulling = True
        while not self._items:
            if self.closed:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()


class PacketTrack(MediaStreamTrack):
    """A track whose `recv` gives encoded packets: aiortc packs them into RTP, encoding nothing."""

    def __init__(self, kind: Literal["audio", "video"], queue: PacketQueue) -> None:
        super().__init__()
        self.kind = kind
        self._queue = queue

    async def recv(self) -> av.Packet[Any]:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        super().stop()
        self._queue.close()


class Viewer:
    """What one browser gets: video from the next keyframe on, audio from the moment it connects."""

    def __init__(self, codec: VideoCodec, *, video_limit: int, audio_limit: int) -> None:
        self.codec: VideoCodec = codec
        self._video_queue = PacketQueue(video_limit)
        self._audio_queue = PacketQueue(audio_limit)
        self.video = PacketTrack("video", self._video_queue)
        self.audio = PacketTrack("audio", self._audio_queue)
        self._needs_keyframe = True
        self.sent_bytes = 0
        self.dropped_bytes = 0

    @property
    def waiting_for_keyframe(self) -> bool:
        return self._video_queue.pulling and self._needs_keyframe

    def offer_video(self, packet: av.Packet[Any], keyframe: bool) -> None:
        queue = self._video_queue
        if not queue.pulling or queue.closed:
            return  # not connected yet: nothing to hold back for it
        if len(queue) >= queue.limit:
            # Behind by the whole queue: drop it and resume at the next keyframe, since a
            # decoder fed a broken chain shows garbage until then anyway.
            self.dropped_bytes += queue.clear()
            self._needs_keyframe = True
        if self._needs_keyframe:
            if not keyframe:
                return
            self._needs_keyframe = False
        queue.put(packet)
        self.sent_bytes += packet.size

    def offer_audio(self, packet: av.Packet[Any]) -> None:
        queue = self._audio_queue
        if not queue.pulling or queue.closed:
            return
        if len(queue) >= queue.limit:
            self.dropped_bytes += queue.drop_oldest()
        queue.put(packet)
        self.sent_bytes += packet.size

    def close(self) -> None:
        self.video.stop()
        self.audio.stop()
