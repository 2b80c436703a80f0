"""Planar YUV 4:2:0 frames as PyAV lays them out, and pasting rectangles into them."""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

Pixels = npt.NDArray[np.uint8]


def rgb_to_yuv420(rgb: Pixels, reformatter: VideoReformatter | None = None) -> Pixels:
    """(h, w, 3) RGB (or RGBA, its alpha ignored) as yuv420p (h*3//2, w): swscale's default
    BT.601 limited-range matrix."""
    # Passing one `reformatter` for pictures of one size reuses its swscale context: a third
    # cheaper than setting one up per picture.
    height, width = rgb.shape[:2]
    if height % 2 or width % 2:
        raise ValueError(f"a 4:2:0 picture needs an even size, not {width}x{height}")
    layout = "rgba" if rgb.shape[2] == 4 else "rgb24"
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format=layout)
    converted = (reformatter or VideoReformatter()).reformat(frame, format="yuv420p")
    return np.asarray(converted.to_ndarray(), dtype=np.uint8)


def yuv420_to_rgb(yuv: Pixels) -> Pixels:
    """A yuv420p (h*3//2, w) array back to (h, w, 3) RGB, the way PyAV converts it."""
    frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
    return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)


def planes(yuv: Pixels) -> tuple[Pixels, Pixels, Pixels]:
    """Views of the Y (h, w), U (h/2, w/2) and V (h/2, w/2) planes of a yuv420p array."""
    rows, width = yuv.shape
    height = rows * 2 // 3
    chroma = yuv[height:].reshape(2, height // 2, width // 2)
    return yuv[:height], chroma[0], chroma[1]


def paste(frame: Pixels, picture: Pixels, x: int, y: int) -> None:
    """Copy the yuv420p `picture` into the yuv420p `frame` with its top-left at even (x, y)."""
    if x % 2 or y % 2:
        raise ValueError(f"4:2:0 pastes need an even position, not ({x}, {y})")
    if not frame.flags.c_contiguous:
        raise ValueError("the frame must be C-contiguous, or its chroma planes are copies")
    fy, fu, fv = planes(frame)
    py, pu, pv = planes(picture)
    h, w = py.shape
    fy[y : y + h, x : x + w] = py
    cx, cy = x // 2, y // 2
    fu[cy : cy + h // 2, cx : cx + w // 2] = pu
    fv[cy : cy + h // 2, cx : cx + w // 2] = pv
