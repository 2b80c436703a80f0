"""Frames per second of the neural lip-sync renderer (network + blend), by batch size.

    .venv/bin/python benchmarks/lipsync_speed.py [--device cpu|cuda] [--configs tiny,base]
        [--batches 1,8,32] [--seconds 2] [--threads N]

For each network config it builds a randomly initialised network (no trained weights
exist here: the figures measure speed, not how good the mouth looks), saves it and loads
it back through the checkpoint code, then renders speech onto a 600x600 photo (the
presenter box of the 720x1280 layout) with the mouth blended in. It prints frames per
second of whole frames, of the network alone on the same batches, and how many 30 fps
channels that throughput would carry on this device.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from host.avatar.neural.checkpoint import load_checkpoint, save_checkpoint
from host.avatar.neural.lipsync_net import PRESETS, LipSyncNet
from host.avatar.neural.lipsync_renderer import LipSyncRenderer, Reference
from host.voice.speech import Speech

FPS = 30
PHOTO = (600, 600)  # width, height
FACE = (190, 100, 220, 220)
MOUTH = (245, 240, 110, 60)


def sample_speech(seconds: float, rate: int = 24_000) -> Speech:
    """Noise shaped like syllables: enough to keep every mel window different."""
    n = round(seconds * rate)
    t = np.arange(n) / rate
    noise = np.random.default_rng(0).normal(0, 6000, n) * np.abs(np.sin(2 * np.pi * 3 * t))
    return Speech(np.clip(noise, -32768, 32767).astype(np.int16), rate, ())


def whole_frames(renderer: LipSyncRenderer, speech: Speech, seconds: float) -> float:
    """Frames per second of renderer.frames, timed over whole batches after a warm-up batch."""
    frames = renderer.frames(speech)
    batch = renderer.batch_size
    for _ in itertools.islice(frames, batch):  # warm-up; computes the mel too
        pass
    count, started = 0, time.perf_counter()
    for frame in frames:
        count += 1
        assert frame.shape == (PHOTO[1], PHOTO[0], 4)
        if count % batch == 0 and time.perf_counter() - started >= seconds:
            break
    return count / (time.perf_counter() - started)


def network_only(net: LipSyncNet, batch: int, device: torch.device, seconds: float) -> float:
    """Frames per second of the network's forward pass alone, results copied back."""
    size = net.config.face_size
    faces = torch.rand(batch, 6, size, size, device=device)
    mels = torch.rand(batch, 1, 80, 16, device=device) * 8 - 4
    with torch.inference_mode():
        net(faces, mels).cpu()
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            net(faces, mels).cpu()
            count += batch
    return count / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("--configs", default="tiny,base", help=f"of {', '.join(PRESETS)}")
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            parser.error("--device cuda: torch sees no CUDA device here")
        where = torch.cuda.get_device_name(device)
    else:
        where = f"CPU, {torch.get_num_threads()} torch threads"
    photo = np.random.default_rng(1).integers(0, 256, (PHOTO[1], PHOTO[0], 3), np.uint8)
    reference = Reference.of(photo, FACE, MOUTH)
    speech = sample_speech(120.0)
    print(f"lip-sync renderer on {where}; random weights; {PHOTO[0]}x{PHOTO[1]} photo, {FPS} fps")
    print(
        f"{'config':>6} {'face':>5} {'params':>7} {'batch':>5} {'frames/s':>9} "
        f"{'net only':>9} {'ms/frame':>9} {'30fps channels':>15}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for name in args.configs.split(","):
            torch.manual_seed(0)
            path = save_checkpoint(LipSyncNet(PRESETS[name]), Path(folder) / f"{name}.pt")
            net = load_checkpoint(path, device)
            params = sum(p.numel() for p in net.parameters())
            for batch in (int(b) for b in args.batches.split(",")):
                renderer = LipSyncRenderer(
                    net, reference, FPS, batch_size=batch, device=str(device)
                )
                fps = whole_frames(renderer, speech, args.seconds)
                bare = network_only(net, batch, device, args.seconds / 2)
                size = net.config.face_size
                print(
                    f"{name:>6} {size:>5} {params / 1e6:>6.1f}M {batch:>5} {fps:>9.1f} "
                    f"{bare:>9.1f} {1000 / fps:>9.2f} {fps / FPS:>15.1f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
