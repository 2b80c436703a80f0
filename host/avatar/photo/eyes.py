"""Blinks on a photo: each upper eyelid slides down over the eye, column by column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.avatar.photo import mesh
from host.avatar.photo.columns import Axes, fade, squeeze
from host.avatar.photo.detect import Rgb
from host.avatar.photo.landmarks import Points

Box = tuple[int, int, int, int]
Plane = npt.NDArray[np.float64]
# How far the upper lid comes down towards the lower one, and the lower lid up.
CLOSING = {"half": (0.5, 0.0), "closed": (0.9, 0.1)}


@dataclass(frozen=True, eq=False)
class EyeKit:
    """For each eye, its box and its pictures half closed and closed."""

    boxes: tuple[Box, ...]
    patches: tuple[dict[str, Rgb], ...]  # eye -> state -> RGB of its box


def eye_kit(image: Rgb, points: Points) -> EyeKit:
    """Both eyes of `image`, half closed and closed."""
    import cv2

    xy = points[:, :2].astype(np.float64)
    boxes, patches = [], []
    for eye in mesh.EYES:
        axes = Axes(xy[eye["corners"][0]], xy[eye["corners"][1]], down_is_positive=True)
        length = axes.length
        brow = xy[list(eye["brow"])]
        top_v = float(axes.v_of(brow).min())
        bottom_v = 0.6 * length
        x0 = int(max(0, axes.centre[0] - 0.9 * length))
        x1 = int(min(image.shape[1], axes.centre[0] + 0.9 * length))
        y0 = int(max(0, axes.centre[1] + top_v - 2))
        y1 = int(min(image.shape[0], axes.centre[1] + bottom_v + 2))
        u, v = axes.grid((x0, y0, x1 - x0, y1 - y0))
        upper = axes.line(xy[[eye["corners"][0], *eye["upper"], eye["corners"][1]]], u)
        lower = axes.line(xy[[eye["corners"][0], *eye["lower"], eye["corners"][1]]], u)
        top = np.maximum(0.3 * axes.line(brow, u) + 0.7 * upper, top_v + 1)  # the brow stays
        bottom = np.full_like(u, bottom_v)
        near = fade(u, 0.85, 1.6)
        states = {}
        for state, (lid, lift) in CLOSING.items():
            gap = np.maximum(lower - upper, 0)
            to = [top, upper + lid * gap * near, lower - lift * gap * near, bottom]
            src_v = squeeze(v, to, [top, upper, lower, bottom])
            sx, sy = axes.to_xy(u, src_v)
            states[state] = np.asarray(cv2.remap(
                image, sx.astype(np.float32), sy.astype(np.float32), cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE), np.uint8)
        boxes.append((x0, y0, x1 - x0, y1 - y0))
        patches.append(states)
    return EyeKit(tuple(boxes), tuple(patches))

