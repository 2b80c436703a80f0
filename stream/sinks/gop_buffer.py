"""A byte-bounded packet queue between one producer and one consumer, cut only at keyframes."""

from __future__ import annotations

import time
from collections import deque

from stream.packets import VIDEO, Packet

POLL = 0.005  # seconds between looks at an empty queue


def is_keyframe(packet: Packet) -> bool:
    """Whether a decoder can start at this packet."""
    return packet.stream == VIDEO and packet.keyframe


class GopBuffer:
    """Holds at most `max_bytes`; whatever is dropped, the consumer resumes at a keyframe.

    `put` (the producer: the playout thread) takes no lock and never waits: deque
    appends are atomic, and each counter has a single writer. When the queue is full
    the new packet is dropped, and so is everything after it until a keyframe that
    fits, so the far end sees the picture freeze and jump, never break.
    """

    def __init__(self, max_bytes: int) -> None:
        if max_bytes < 64 * 1024:
            raise ValueError(f"buffer of {max_bytes} bytes: need at least 64 KiB")
        self.max_bytes = max_bytes
        self._inbox: deque[Packet] = deque()  # producer appends, consumer pops
        self._staged: deque[Packet] = deque()  # the consumer's own
        self._put = 0  # bytes queued (written by the producer only)
        self._rejected = 0  # bytes the producer dropped (producer only)
        self._taken = 0  # bytes sent on or discarded (consumer only)
        self._discarded = 0  # bytes the consumer dropped (consumer only)
        self._producer_awaits_keyframe = True
        self._consumer_awaits_keyframe = False

    @property
    def dropped_bytes(self) -> int:
        return self._rejected + self._discarded

    @property
    def queued_bytes(self) -> int:
        return self._put - self._taken

    def __len__(self) -> int:
        return len(self._inbox) + len(self._staged)

    # The producer's side.

    def put(self, packet: Packet) -> None:
        """Queue a packet, or drop it (and its GOP's rest) if there is no room; O(1), no lock."""
        if self._producer_awaits_keyframe and not is_keyframe(packet):
            self._rejected += packet.size
            return
        if self._put - self._taken + packet.size > self.max_bytes:
            self._producer_awaits_keyframe = True
            self._rejected += packet.size
            return
        self._producer_awaits_keyframe = False
        self._inbox.append(packet)
        self._put += packet.size

    def reject(self, packet: Packet) -> None:
        """Count a packet the producer did not queue (the sink is closed)."""
        self._rejected += packet.size

    # The consumer's side.

    def get(self, timeout: float = 0.0) -> Packet | None:
        """The oldest packet, waiting up to `timeout` seconds for one; None if there is none."""
        deadline = time.monotonic() + timeout
        while True:
            self._pull()
            while self._staged:
                packet = self._staged.popleft()
                if self._consumer_awaits_keyframe and not is_keyframe(packet):
                    self._drop(packet)
                    continue
                self._consumer_awaits_keyframe = False
                self._taken += packet.size
                return packet
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            time.sleep(min(POLL, remaining))

    def discard(self, packet: Packet) -> None:
        """Count a packet that `get` gave out and the consumer could not deliver."""
        self._discarded += packet.size

    def skip_to_latest_keyframe(self) -> None:
        """Drop all but the newest GOP, so a fresh connection starts live and decodable."""
        self._pull()
        last = max((i for i, p in enumerate(self._staged) if is_keyframe(p)), default=None)
        for _ in range(len(self._staged) if last is None else last):
            self._drop(self._staged.popleft())
        self._consumer_awaits_keyframe = last is None

    def restart_at_keyframe(self) -> None:
        """Make the next packet out a keyframe, dropping the rest of a GOP if need be."""
        self._consumer_awaits_keyframe = True

    def clear(self) -> None:
        """Drop everything queued."""
        self._pull()
        while self._staged:
            self._drop(self._staged.popleft())

    def _drop(self, packet: Packet) -> None:
        self._taken += packet.size
        self._discarded += packet.size

    def _pull(self) -> None:
        inbox, staged = self._inbox, self._staged
        while inbox:
            staged.append(inbox.popleft())
