"""The RTMP connection in a process of its own, so a server that hangs can be killed.

The parent writes one JSON line (URL and MediaSpec), then packets, each a fixed
header and its bytes. This process connects, muxes FLV without encoding, and reports
JSON lines on stdout: `connected`, `progress` (payload bytes read and sent), `error`.
It exits when its stdin closes, and dies with its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import signal
import sys
import threading
import time
from fractions import Fraction
from typing import IO, Any

import av

from stream.ingest_url import redact_url
from stream.mux import add_streams, av_packet
from stream.packets import AUDIO, VIDEO, MediaSpec, Packet
from stream.sinks.rtmp_framing import read_packet, read_spec

PROGRESS_EVERY = 0.2  # seconds between progress reports while data flows
PREROLL_SAMPLES = 2048  # two AAC packets


class Rebase:
    """Shifts both streams by one time offset so the connection starts just before a keyframe.

    The start is put PREROLL_SAMPLES of audio ahead of the first keyframe: the audio
    that leads into the first picture comes along, so the AAC decoder (which gets a
    packet right only with the one before it) plays the first picture's sound whole.
    """

    def __init__(self, spec: MediaSpec) -> None:
        self.spec = spec
        self.video_offset: int | None = None
        self.audio_offset = 0

    def __call__(self, packet: Packet) -> Packet | None:
        """The packet with timestamps from this connection's start, or None to skip it."""
        spec = self.spec
        if self.video_offset is None:
            if not (packet.stream == VIDEO and packet.keyframe):
                return None  # an FLV stream must open on a keyframe
            lead = math.ceil(Fraction(PREROLL_SAMPLES * spec.fps, spec.audio_rate))
            self.video_offset = packet.dts - lead
            self.audio_offset = round(Fraction(self.video_offset * spec.audio_rate, spec.fps))
        shift = self.video_offset if packet.stream == VIDEO else self.audio_offset
        if packet.stream == AUDIO and packet.pts < shift:
            return None  # from before this connection's start
        return packet.shifted(shift)


_STDOUT = threading.Lock()


def report(event: str, **fields: Any) -> None:
    """One JSON line to the parent."""
    line = json.dumps({"event": event, **fields}).encode() + b"\n"
    with _STDOUT:
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()


class Progress:
    """Counts payload bytes read and sent, and reports them every PROGRESS_EVERY s they change."""

    def __init__(self) -> None:
        self.read = 0
        self.written = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rtmp-child-progress", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        last = (0, 0)
        while not self._done.wait(PROGRESS_EVERY):
            now = (self.read, self.written)
            if now != last:
                report("progress", read=now[0], written=now[1])
                last = now

    def stop(self) -> None:
        """Stop reporting, then report the final counts."""
        self._done.set()
        self._thread.join()
        report("progress", read=self.read, written=self.written)


def die_with_parent(parent: int) -> None:
    """Make sure this process does not outlive the one that started it."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(3)

    if os.getppid() != parent:
        os._exit(3)
    threading.Thread(target=watch, name="rtmp-child-parent-watch", daemon=True).start()


def push(url: str, spec: MediaSpec, stdin: IO[bytes]) -> None:
    """Connect, then mux packets from stdin into FLV until stdin closes."""
    av.logging.set_level(av.logging.PANIC)
    # flush_packets: each packet leaves at once; no_duration_filesize: a live
    # stream cannot seek back to patch the header at the end.
    options = {"flvflags": "no_duration_filesize", "flush_packets": "1"}
    container: Any = av.open(url, "w", format="flv", options=options)
    video, audio = add_streams(container, spec)  # connects: handshake and publish
    report("connected")
    rebase = Rebase(spec)
    progress = Progress()
    while (packet := read_packet(stdin)) is not None:
        progress.read += packet.size
        shifted = rebase(packet)
        if shifted is not None:
            container.mux(av_packet(shifted, video, audio, spec))
            progress.written += packet.size
    container.close()
    progress.stop()
    report("closed")


def main() -> int:
    """Run one connection for the parent; the exit status says whether it ended cleanly."""
    die_with_parent(int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid())
    stdin = sys.stdin.buffer
    url = ""
    try:
        url, spec = read_spec(stdin)
        push(url, spec, stdin)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        if url:
            message = message.replace(url, redact_url(url))
        report("error", message=message)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
