"""Helpers for the sink tests: nginx-rtmp, a synthetic air feed, a decoder, a process probe."""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest
from nginx_rtmp import NginxRtmp, missing

from stream.encoder import AUDIO_CHUNK, AUDIO_RATE, Encoder, VideoSettings
from stream.packets import MediaSpec, Packet, Sink

FPS = 30
WIDTH, HEIGHT = 320, 240
BEEP_SECONDS = 0.1  # each second starts with a 440 Hz beep this long, and a white frame
SETTINGS = VideoSettings(width=WIDTH, height=HEIGHT, fps=FPS, preset="ultrafast", threads=1)


def running_nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    """A running nginx-rtmp recording every publish, for a fixture; stopped at teardown."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    server = NginxRtmp(tmp_path / "nginx")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def picture(n: int) -> np.ndarray:
    """Frame `n` in yuv420p: a bar that moves one step a frame; all white on each second."""
    yuv = np.full((HEIGHT * 3 // 2, WIDTH), 128, np.uint8)
    if n % FPS == 0 and n > 0:
        yuv[:HEIGHT] = 235
        return yuv
    yuv[:HEIGHT] = 40
    x = (n * 8) % (WIDTH - 16)
    yuv[: HEIGHT // 2, x : x + 16] = 200
    return yuv


def beeps(first: int, count: int) -> np.ndarray:
    """Mono 48 kHz samples: a beep at the start of every second but the first."""
    s = np.arange(first, first + count)
    on = (s % AUDIO_RATE < BEEP_SECONDS * AUDIO_RATE) & (s >= AUDIO_RATE)
    tone = np.sin(2 * math.pi * 440 * s / AUDIO_RATE) * 12000
    return np.where(on, tone, 0).astype(np.int16)


@dataclass
class Air:
    """A real Encoder fed with synthetic frames and beeps, in real time or as fast as it goes."""

    sinks: Sequence[Sink]
    realtime: bool = True
    encoder: Encoder = field(default_factory=lambda: Encoder(SETTINGS))
    frames: int = 0
    samples: int = 0
    max_send: float = 0.0  # the slowest single send(), seconds
    max_late: float = 0.0  # how far the loop fell behind real time, seconds

    @property
    def spec(self) -> MediaSpec:
        return self.encoder.spec

    def start(self) -> None:
        for sink in self.sinks:
            sink.start(self.spec)

    def run(self, seconds: float, every_frame: Callable[[float], None] | None = None) -> None:
        """Air `seconds` more of the stream; `every_frame(t)` runs once a frame."""
        started = time.monotonic() - self.frames / FPS
        end = self.frames + round(seconds * FPS)
        while self.frames < end:
            n = self.frames
            if self.realtime:
                late = time.monotonic() - (started + n / FPS)
                self.max_late = max(self.max_late, late)
                if late < 0:
                    time.sleep(-late)
            self._send(self.encoder.video(picture(n), n))
            due = round((n + 1) * AUDIO_RATE / FPS)
            while self.samples < due:
                count = min(AUDIO_CHUNK, due - self.samples)
                self._send(self.encoder.audio(beeps(self.samples, count), self.samples))
                self.samples += count
            self.frames += 1
            if every_frame is not None:
                every_frame(n / FPS)

    def finish(self) -> None:
        """Flush the encoder into the sinks and close them."""
        self._send(self.encoder.flush())
        for sink in self.sinks:
            sink.close()

    def _send(self, packets: list[Packet]) -> None:
        for packet in packets:
            for sink in self.sinks:
                began = time.perf_counter()
                sink.send(packet)
                self.max_send = max(self.max_send, time.perf_counter() - began)


@dataclass
class Decoded:
    """What a viewer of one file gets: frame times, flashes, audio and its beeps."""

    video_times: list[float]
    flashes: list[float]
    first_is_keyframe: bool
    audio_spans: list[tuple[float, float]]  # (start, end) of each decoded audio frame
    beeps: list[float]

    @property
    def video_gap(self) -> float:
        """The longest step between two frames, seconds."""
        steps = np.diff(self.video_times)
        return float(steps.max()) if len(steps) else 0.0

    @property
    def audio_gap(self) -> float:
        """The longest hole (or overlap, negative) between two audio frames, seconds."""
        holes = [abs(b[0] - a[1]) for a, b in pairwise(self.audio_spans)]
        return max(holes, default=0.0)

    def av_offsets(self) -> list[float]:
        """Flash time minus the nearest beep onset, for every flash; zero is perfect sync."""
        if not self.beeps:
            return []
        return [f - min(self.beeps, key=lambda b: abs(b - f)) for f in self.flashes]


def decode(path: Path) -> Decoded:
    """Decode a recorded FLV or MP4 with PyAV."""
    with av.open(str(path)) as container:
        first = next(iter(container.demux(video=0)))
        first_is_keyframe = bool(first.is_keyframe)
    times: list[float] = []
    flashes: list[float] = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            t = float(frame.time)
            times.append(t)
            if frame.to_ndarray()[:HEIGHT].mean() > 200:
                flashes.append(t)
    spans: list[tuple[float, float]] = []
    chunks: list[tuple[float, np.ndarray]] = []
    with av.open(str(path)) as container:
        for sound in container.decode(audio=0):
            t = float(sound.time or 0.0)
            spans.append((t, t + sound.samples / sound.sample_rate))
            chunks.append((t, sound.to_ndarray().reshape(-1)))
    return Decoded(times, flashes, first_is_keyframe, spans, onsets(chunks))


def onsets(chunks: list[tuple[float, np.ndarray]]) -> list[float]:
    """When each beep starts: first sample over a third of full beep level after silence."""
    if not chunks:
        return []
    origin = chunks[0][0]
    end = max(round((t - origin) * AUDIO_RATE) + len(x) for t, x in chunks)
    signal = np.zeros(end)
    for t, x in chunks:
        at = round((t - origin) * AUDIO_RATE)
        signal[at : at + len(x)] = x
    loud = np.flatnonzero(np.abs(signal) > np.abs(signal).max() / 3)
    if not len(loud):
        return []
    starts = loud[np.concatenate(([True], np.diff(loud) > AUDIO_RATE // 2))]
    return [origin + s / AUDIO_RATE for s in starts]


def rtmp_children(parent: int | None = None) -> list[int]:
    """Pids of live RTMP child processes started by `parent` (default: this process)."""
    owner = str(parent or os.getpid()).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"stream.sinks.rtmp_child" in argv and owner in argv and state != "Z":
            found.append(int(entry.name))
    return found


NAL = b"\x00\x00\x00\x01\x65"  # an Annex B start code: the FLV muxer drops a packet without


def stand_in_feed(sink: Sink) -> Callable[[], None]:
    """Each call sends one frame of 200 kB stand-in video (and its audio): bulk, not pictures."""
    frames = iter(range(10**9))

    def feed() -> None:
        n = next(frames)
        sink.send(Packet("video", NAL + b"\x01" * 200_000, n, n, 1, n % 10 == 0))
        sink.send(Packet("audio", bytes(100), n * 1600, n * 1600, 1600, False))

    return feed


def wait_for(sink: Sink, state: str, feed: Callable[[], None], seconds: float) -> float:
    """Feed the sink until it reports `state`; returns how long that took."""
    began = time.monotonic()
    while sink.health().state != state:
        assert time.monotonic() - began < seconds, f"not {state}: {sink.health()}"
        feed()
        time.sleep(1 / FPS)
    return time.monotonic() - began


class SilentServer:
    """Accepts TCP connections on the loopback and never says a word."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.listener.settimeout(0.1)
        self.held: list[socket.socket] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                self.held.append(self.listener.accept()[0])
            except TimeoutError:
                continue

    def close(self) -> None:
        self.running = False
        self.thread.join(2.0)
        for connection in [*self.held, self.listener]:
            connection.close()
