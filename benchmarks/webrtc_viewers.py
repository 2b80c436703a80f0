"""CPU per stream-second of the WebRTC preview with 0, 1 and 20 viewers, in one run.

    python benchmarks/webrtc_viewers.py [--seconds 10] [--size 720x1280] [--fps 30]

The server side (the synthetic show's H.264 encode, the sink, aiortc) runs in this
process; the viewers are aiortc clients on 127.0.0.1 in a child process, so their
cost (reported apart) does not count against the server. The viewers skip decoding
unless --decode is given: a browser decodes, the server never does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from typing import Any

import aiohttp

from stream.web.testing import preview_on_air
from stream.webrtc.testing import ViewerClient, loopback_candidates


def _skip_decoding() -> dict[str, int]:
    """Count frames where the decoder would run, and decode nothing."""
    import aiortc.rtcrtpreceiver as receiver

    counts = {"audio": 0, "video": 0}

    class CountingDecoder:
        def __init__(self, kind: str) -> None:
            self.kind = kind

        def decode(self, encoded_frame: Any) -> list[Any]:
            counts[self.kind] += 1
            return []

    receiver.get_decoder = lambda codec: CountingDecoder(codec.mimeType.split("/")[0])
    return counts


def viewers(url: str, count: int, seconds: float, decode: bool) -> None:
    """The child: connect `count` viewers, say READY once all receive, stay `seconds`."""
    counts = None if decode else _skip_decoding()

    async def run() -> None:
        async with aiohttp.ClientSession() as session:
            clients = [ViewerClient(url) for _ in range(count)]
            await asyncio.gather(*(c.connect(session) for c in clients))
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if decode and all(c.video_frames and c.audio_frames for c in clients):
                    break
                if counts and counts["video"] >= count and counts["audio"] >= count:
                    break
                await asyncio.sleep(0.1)
            firsts = [c.time_to_first_frame for c in clients if c.time_to_first_frame]
            print("READY", max(firsts) if firsts else -1, flush=True)
            start = time.process_time()
            await asyncio.sleep(seconds)
            print("CPU", time.process_time() - start, flush=True)
            await asyncio.gather(*(c.close() for c in clients))

    with loopback_candidates():
        asyncio.run(run())


def measure(url: str, count: int, seconds: float, decode: bool) -> tuple[float, float]:
    """(server CPU s, client CPU s) per stream-second with `count` viewers watching."""
    if count == 0:
        start, wall = time.process_time(), time.monotonic()
        time.sleep(seconds)
        return (time.process_time() - start) / (time.monotonic() - wall), 0.0
    command = [sys.executable, __file__, "--child", url, "--clients", str(count),
               "--seconds", str(seconds)] + (["--decode"] if decode else [])
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        ready = child.stdout.readline()
        if not ready.startswith("READY"):
            raise RuntimeError(f"the viewers never got media: {ready!r}")
        start, wall = time.process_time(), time.monotonic()
        cpu_line = child.stdout.readline()
        elapsed = time.monotonic() - wall
        server = (time.process_time() - start) / elapsed
        child.wait(30)
    return server, float(cpu_line.split()[1]) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--size", default="720x1280")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--viewers", default="0,1,20", help="viewer counts to measure")
    parser.add_argument("--decode", action="store_true", help="viewers decode, as browsers do")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        viewers(args.child, args.clients, args.seconds, args.decode)
        return 0
    width, height = (int(n) for n in args.size.split("x"))
    print(f"{width}x{height} @ {args.fps} fps, {args.seconds:.0f} s per step, "
          f"{os.cpu_count()} CPUs; viewers {'decode' if args.decode else 'do not decode'}")
    with preview_on_air(width=width, height=height, fps=args.fps) as preview:
        time.sleep(2)  # past the encoder's start-up
        baseline = None
        print(f"{'viewers':>7}  {'server CPU/s':>12}  {'over 0 viewers':>14}  "
              f"{'per viewer':>10}  {'viewer procs CPU/s':>18}")
        for count in (int(n) for n in args.viewers.split(",")):
            server, client = measure(preview.url, count, args.seconds, args.decode)
            baseline = server if baseline is None and count == 0 else baseline
            extra = server - baseline if baseline is not None else float("nan")
            per = extra / count if count else 0.0
            print(f"{count:>7}  {server:>12.3f}  {extra:>14.3f}  {per:>10.4f}  {client:>18.3f}",
                  flush=True)
            time.sleep(1)
        print(f"encoders on the WebRTC side: {preview.sink.encoders()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
