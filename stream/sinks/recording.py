"""Record the stream into MP4 files rolled every few minutes, each playable on its own."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from stream.mp4_file import Mp4File
from stream.packets import AUDIO, MediaSpec, Packet, SinkHealth
from stream.sinks.backoff import Backoff
from stream.sinks.gop_buffer import GopBuffer, is_keyframe

PREROLL_PACKETS = 2


@dataclass
class _Part:
    """One file being written, and the stream time (frame `start`) it begins at."""

    mp4: Mp4File
    final: Path
    start: int  # video dts of its first keyframe
    audio_start: int  # the same instant, in audio samples
    preroll: list[Packet] = field(default_factory=list)  # audio that began before `start`

    def write(self, packet: Packet) -> None:
        shift = self.start if packet.stream != AUDIO else self.audio_start
        self.mp4.write(packet.shifted(shift))

    def finish(self) -> None:
        """Write the index (moov) and give the file its final name."""
        self.mp4.close()
        self.mp4.path.replace(self.final)


class Recording:
    """Writes `hostcast-YYYYmmdd-HHMMSS.mp4` files (UTC start time) into `folder`.

    A file starts on a video keyframe, its timestamps start near zero (both streams
    shifted by the same instant, so lip sync holds), and it is rolled on the first
    keyframe `roll_minutes` of stream time after its start. It is written as
    `.mp4.part` and renamed once its index is written, so a complete name means a
    playable file. Health: `starting`, `connected` while a file is open, `failed`
    (with `last_error`; it retries with backoff at a keyframe), `stopped` after close.
    """

    def __init__(
        self,
        folder: Path | str,
        roll_minutes: float = 10.0,
        name: str | None = None,
        *,
        buffer_bytes: int = 16 * 1024 * 1024,
        close_timeout: float = 5.0,
        retry: Backoff | None = None,
    ) -> None:
        if roll_minutes <= 0:
            raise ValueError(f"roll every {roll_minutes} minutes: must be positive")
        self.folder = Path(folder)
        self.roll_minutes = roll_minutes
        self.name = name or f"recording {self.folder}"
        self.close_timeout = close_timeout
        self.files: list[Path] = []  # finished files, oldest first
        self._retry = retry or Backoff(1.0, 60.0)
        self._buffer = GopBuffer(buffer_bytes)
        self._spec: MediaSpec | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._close_by = 0.0
        self._lock = threading.Lock()
        self._state = "starting"
        self._written = 0
        self._failures = 0
        self._recoveries = 0
        self._last_error = ""
        self._part: _Part | None = None
        self._previous: _Part | None = None  # still takes audio from before `_part` began
        self._retry_at = 0.0

    def start(self, spec: MediaSpec) -> None:
        """Begin recording in the background; returns at once."""
        if self._thread is not None:
            raise RuntimeError(f"sink {self.name} already started")
        self._spec = spec
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def send(self, packet: Packet) -> None:
        """Queue a packet; never blocks and never raises."""
        with contextlib.suppress(Exception):  # the playout goes on whatever happens here
            if self._thread is None or self._stop.is_set():
                self._buffer.reject(packet)
            else:
                self._buffer.put(packet)

    def close(self) -> None:
        """Write what is buffered within `close_timeout` seconds and finish the open files."""
        self._close_by = time.monotonic() + self.close_timeout
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.close_timeout + 5.0)
        with self._lock:
            self._state = "stopped"

    def health(self) -> SinkHealth:
        """State and counters, safe to call from any thread."""
        with self._lock:
            return SinkHealth(
                name=self.name,
                state=self._state,
                sent_bytes=self._written,
                dropped_bytes=self._buffer.dropped_bytes,
                reconnects=self._recoveries,
                last_error=self._last_error,
            )

    def _run(self) -> None:
        while True:
            packet = self._buffer.get(0.1)
            if self._stop.is_set() and (packet is None or time.monotonic() > self._close_by):
                if packet is not None:
                    self._buffer.discard(packet)
                break
            if packet is not None:
                try:
                    self._write(packet)
                except Exception as error:
                    self._fail(error)
        self._buffer.clear()
        while (part := self._previous or self._part) is not None:
            try:
                self._finish(part)
            except Exception as error:
                self._fail(error)

    def _write(self, packet: Packet) -> None:
        assert self._spec is not None
        spec = self._spec
        part = self._part
        roll_frames = max(1, round(self.roll_minutes * 60 * spec.fps))
        if is_keyframe(packet) and (part is None or packet.dts - part.start >= roll_frames):
            if part is None and time.monotonic() < self._retry_at:
                self._buffer.discard(packet)
                return
            if self._previous is not None:
                self._finish(self._previous)
            self._previous, part = part, self._open(packet)
        if part is None:  # waiting for a keyframe to start a file on
            self._buffer.discard(packet)
            return
        previous = self._previous
        if packet.stream == AUDIO:
            if packet.pts < part.audio_start:
                # Audio that began before this file's first picture belongs to the file
                # before; the last two such packets also lead this file's audio in, as
                # pre-roll (the MP4 edit list hides them): an AAC decoder needs the
                # packet before to get a packet's samples right.
                if previous is not None:
                    self._record(previous, packet)
                part.preroll.append(packet)
                if len(part.preroll) > PREROLL_PACKETS:
                    dropped = part.preroll.pop(0)
                    if previous is None:
                        self._buffer.discard(dropped)
                return
            if part.preroll:
                last = part.preroll[-1]
                if last.pts + last.duration >= part.audio_start:
                    for early in part.preroll:
                        part.write(early)
                elif previous is None:
                    for early in part.preroll:
                        self._buffer.discard(early)
                part.preroll.clear()
            if previous is not None:
                self._finish(previous)
        elif previous is not None and packet.dts - part.start > spec.fps:
            self._finish(previous)  # no audio came to close it: a silent stream
        self._record(part, packet)

    def _record(self, part: _Part, packet: Packet) -> None:
        part.write(packet)
        with self._lock:
            self._written += packet.size

    def _open(self, keyframe: Packet) -> _Part:
        assert self._spec is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self._free_name()
        audio_start = round(Fraction(keyframe.dts * self._spec.audio_rate, self._spec.fps))
        part = _Part(
            Mp4File(final.with_name(final.name + ".part"), self._spec),
            final,
            keyframe.dts,
            audio_start,
        )
        self._part = part
        with self._lock:
            if self._state == "failed":
                self._recoveries += 1
            self._state = "connected"
        self._retry.reset()
        return part

    def _finish(self, part: _Part) -> None:
        if part is self._previous:
            self._previous = None
        if part is self._part:
            self._part = None
        part.finish()
        self.files.append(part.final)

    def _free_name(self) -> Path:
        stem = "hostcast-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        candidate, n = self.folder / f"{stem}.mp4", 1
        while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
            n += 1
            candidate = self.folder / f"{stem}-{n}.mp4"
        return candidate

    def _fail(self, error: Exception) -> None:
        # Finish what can be finished (a file before a failed roll is whole); a file the
        # error cut short stays `.part` when its index cannot be written either.
        while (part := self._previous or self._part) is not None:
            with contextlib.suppress(Exception):
                self._finish(part)
        self._buffer.restart_at_keyframe()
        self._retry_at = time.monotonic() + self._retry.next_delay()
        with self._lock:
            self._state = "failed"
            self._last_error = f"{type(error).__name__}: {error}"
