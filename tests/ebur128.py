"""Loudness as ffmpeg's ebur128 filter measures it: what a platform's meter would read."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of the audio in `path`."""
    run = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-map", "0:a",
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    summary = run.stderr[run.stderr.rindex("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated[1]), float(peak[1])
