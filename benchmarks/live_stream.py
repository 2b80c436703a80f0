"""Live mode, measured: CPU per stream-second with RTMP and recording, frame lateness, RSS.

    .venv/bin/python benchmarks/live_stream.py [--seconds 60] [--size 720x1280] [--log-every 10]

Starts Debian's nginx-rtmp on 127.0.0.1 (as the tests do), then airs the French demo
in real time with one RTMP push to it and a local recording, with no preview page.
Prints, every --log-every seconds, the process RSS and the lateness of video frames
against the clock (p50, p99, max) and dropped frames; at the end, the CPU seconds per
stream second of this process plus its RTMP child (nginx's own CPU is not counted).
For the hour-long soak: --seconds 3600 --log-every 60.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the nginx-rtmp harness the tests use

from nginx_rtmp import NginxRtmp  # noqa: E402

from hostcast.cli.show import Show, ShowOptions  # noqa: E402
from stream.broadcast import Broadcast  # noqa: E402
from stream.clock import RealClock  # noqa: E402
from stream.encoder import Encoder  # noqa: E402
from stream.playout import Playout  # noqa: E402
from stream.sinks import Recording, RtmpSink  # noqa: E402
from stream.source import ProducerThread  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--size", default="720x1280")
    parser.add_argument("--log-every", type=float, default=10.0)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        nginx = NginxRtmp(Path(tmp) / "nginx")
        nginx.start()
        try:
            show = Show.open(
                ShowOptions(
                    catalog=REPO / "demo" / "catalog.fr.json",
                    lang="fr",
                    size=(width, height),
                    at=datetime(2026, 11, 18, 15, 0, tzinfo=UTC),
                )
            )
            rtmp = RtmpSink(nginx.url("bench"))
            broadcast = Broadcast(
                Encoder(show.settings), [rtmp, Recording(Path(tmp) / "rec", roll_minutes=10)]
            )
            producer = ProducerThread(show.segments, lookahead=30.0)
            playout = Playout(RealClock(), producer, show.picture, broadcast, fps=30)
            stop = threading.Event()
            began_cpu, began = cpu_seconds(), time.monotonic()
            thread = threading.Thread(target=playout.run, args=(args.seconds, stop))
            thread.start()
            while thread.is_alive():
                thread.join(timeout=args.log_every)
                late = playout.stats.lateness
                print(
                    f"t={time.monotonic() - began:6.0f} s  RSS {rss_mib():6.1f} MiB  "
                    f"late p50 {late.percentile(50) * 1e3:5.1f} ms  "
                    f"p99 {late.percentile(99) * 1e3:5.1f} ms  max {late.max * 1e3:6.1f} ms  "
                    f"repeated {playout.stats.repeated_frames}  rtmp {rtmp.health().state}",
                    flush=True,
                )
            producer.close()
            broadcast.close()  # reaps the RTMP child, so its CPU is counted below
            used = cpu_seconds() - began_cpu
        finally:
            nginx.stop()
    late = playout.stats.lateness
    print(
        f"live benchmark: {args.size} @ 30 fps, x264 {show.settings.preset}, RTMP + recording, "
        f"{args.seconds:.0f} s of stream"
    )
    print(f"  CPU per stream-second: {used / args.seconds:.3f}  ({used:.1f} CPU-s)")
    print(
        f"  video frame lateness: p50 {late.percentile(50) * 1e3:.1f} ms, "
        f"p99 {late.percentile(99) * 1e3:.1f} ms, max {late.max * 1e3:.1f} ms; "
        f"repeated {playout.stats.repeated_frames} of {round(args.seconds * 30)} frames"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
