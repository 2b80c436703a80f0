"""A show on air in real time: producer, playout, one encode to every output, the preview page.

`hostcast stream` and each channel of `hostcast daemon` air through this one wiring.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from host.script.steering import Steering
from host.segment.segment import Segment
from hostcast.cli.live import LiveShow
from hostcast.cli.show import Show
from hostcast.schedule.config import Outputs
from stream.broadcast import Broadcast
from stream.clock import Clock, RealClock
from stream.encoder import Encoder
from stream.lateness import LatenessHistogram
from stream.packets import Sink, SinkHealth
from stream.playout import TICK, Playout
from stream.sinks import Recording, RtmpSink
from stream.source import ProducerThread
from stream.web import PreviewServer
from stream.webrtc import WebRtcSink
from stream.webrtc.opus import SharedOpus
from stream.webrtc.whip import WhipSink

log = logging.getLogger(__name__)

# Makes the endless segments to air, given the air clock (seconds at which the next line
# airs) and the operator's steering.
SegmentsFactory = Callable[[Callable[[], float], Steering], Iterator[Segment]]
SegmentHook = Callable[[Segment, float], None]


class FrameLateness(LatenessHistogram):
    """The playout's lateness histogram that also counts frames later than one frame period."""

    def __init__(self, fps: int) -> None:
        super().__init__()
        self.period = 1.0 / fps
        self.late = 0

    def add(self, seconds: float) -> None:
        super().add(seconds)
        if seconds > self.period:
            self.late += 1


@dataclass(frozen=True)
class AirFigures:
    """How the air is going, read at one moment: the numbers a status line or page shows."""

    air_seconds: float
    frames: int
    repeated_frames: int
    late_frames: int
    lateness_p50: float  # seconds
    lateness_p99: float
    idle_seconds: float
    segments: int
    sinks: tuple[SinkHealth, ...]


def output_sinks(
    outputs: Outputs, whip_token: str | None = None, opus: SharedOpus | None = None
) -> list[Sink]:
    """The RTMP, WHIP and recording sinks `outputs` asks for (URLs already checked).

    Every WHIP push shares `opus`, the one Opus encode, with the preview's viewers.
    """
    sinks: list[Sink] = [RtmpSink(url) for url in outputs.rtmp]
    sinks.extend(WhipSink(url, whip_token, opus=opus) for url in outputs.whip)
    if outputs.record is not None:
        sinks.append(Recording(outputs.record, roll_minutes=outputs.roll_minutes))
    return sinks


class OnAir:
    """One show on air: `start()`, `run()` until stopped or done, then `close()`.

    `segments` makes what airs (default: the show's running order); `on_segment` hears
    each segment as it goes on air, on the playout's thread (keep it quick). With
    `outputs.preview`, the preview page is served there with `token` (the operator's,
    from HOSTCAST_TOKEN read at the edge; None: a random one).
    """

    def __init__(
        self,
        show: Show,
        outputs: Outputs,
        *,
        lookahead: float = 30.0,
        segments: SegmentsFactory | None = None,
        on_segment: SegmentHook | None = None,
        whip_token: str | None = None,
        allow_remote: bool = False,
        token: str | None = None,
        live: LiveShow | None = None,
        clock: Clock | None = None,
    ) -> None:
        if lookahead <= 0:
            raise ValueError(f"lookahead {lookahead}: must be positive")
        self.show = show
        self.outputs = outputs
        self.lookahead = lookahead
        self.live = live or LiveShow(show, Steering())
        self.stop = threading.Event()
        self._segments = segments
        self._on_segment = on_segment
        self._clock = clock or RealClock()
        self.opus = SharedOpus()  # one Opus encode for the preview and every WHIP push
        self.sinks = output_sinks(outputs, whip_token, self.opus)
        self.token = token or secrets.token_urlsafe(18)
        self.server: PreviewServer | None = None
        if outputs.preview is not None:
            host, port = outputs.preview
            webrtc = WebRtcSink(opus=self.opus)
            self.server = PreviewServer(
                webrtc, self.live.status, self.live, host=host, port=port, token=self.token,
                allow_remote=allow_remote,
                webhooks=self.live.chats.webhooks if self.live.chats else None,
            )
            self.sinks.append(webrtc)
        self.broadcast: Broadcast | None = None
        self.producer: ProducerThread | None = None
        self.playout: Playout | None = None
        self._lateness = FrameLateness(show.settings.fps)
        self._thread: threading.Thread | None = None
        self._closed = False

    def air_clock(self) -> float:
        """When the next line will air: what is on air now plus what waits in the queue."""
        if self.playout is None or self.producer is None:
            return 0.0
        return self.playout.air_time + self.producer.ahead()

    def ahead(self) -> float:
        """Seconds of air built and waiting to air."""
        return self.producer.ahead() if self.producer is not None else 0.0

    def start(self, duration: float | None = None) -> None:
        """Start the sinks, the producer, the preview page and the playout thread.

        An OSError means the preview page cannot be served; everything started is closed.
        """
        show = self.show
        self.broadcast = Broadcast(Encoder(show.settings), self.sinks)
        make = self._segments

        def segments() -> Iterator[Segment]:
            if make is not None:
                return make(self.air_clock, self.live.steering)
            return show.segments(air_clock=self.air_clock, steering=self.live.steering)

        hook, live = self._on_segment, self.live

        def on_segment(segment: Segment, at: float) -> None:
            live.on_segment(segment, at)  # answers to viewers are timed as they air
            if hook is not None:
                hook(segment, at)

        self.producer = ProducerThread(segments, lookahead=self.lookahead)
        self.playout = Playout(
            self._clock, self.producer, show.picture, self.broadcast, fps=show.settings.fps,
            on_segment=on_segment, on_frame=self.live.on_frame, bed=show.bed,
        )
        self.playout.stats.lateness = self._lateness
        self.live.attach(self.producer, self.playout, self.broadcast)
        if self.server is not None:
            try:
                self.server.start()
            except OSError:
                self.close()
                raise
        self._thread = threading.Thread(
            target=self.playout.run, args=(duration, self.stop), name="hostcast-playout",
            daemon=True,
        )
        self._thread.start()

    @property
    def airing(self) -> bool:
        """Whether the playout thread is still on air."""
        return self._thread is not None and self._thread.is_alive()

    def run(self, every: float = 0.0, tick: Callable[[], None] | None = None) -> None:
        """Wait until the playout ends (its duration, or `stop`), calling `tick` every `every` s."""
        last = time.monotonic()
        while self.airing:
            assert self._thread is not None
            self._thread.join(timeout=0.2)
            if tick is not None and every > 0 and time.monotonic() - last >= every:
                last = time.monotonic()
                tick()

    def figures(self) -> AirFigures:
        playout = self.playout
        if playout is None:
            return AirFigures(0.0, 0, 0, 0, 0.0, 0.0, 0.0, 0, ())
        stats = playout.stats
        return AirFigures(
            air_seconds=playout.air_time,
            frames=stats.frames,
            repeated_frames=stats.repeated_frames,
            late_frames=self._lateness.late,
            lateness_p50=stats.lateness.percentile(50),
            lateness_p99=stats.lateness.percentile(99),
            idle_seconds=stats.idle_ticks * TICK,
            segments=stats.segments,
            sinks=tuple(self.broadcast.health()) if self.broadcast is not None else (),
        )

    def close(self) -> None:
        """Stop the air and close every part, the recording's last file included; twice is safe."""
        self.stop.set()
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.live.steering.resume()  # a paused running order must not hold the producer
        self.live.close()
        if self.producer is not None:
            self.producer.close()
        if self.server is not None:
            self.server.stop()
        if self.broadcast is not None:
            self.broadcast.close()
