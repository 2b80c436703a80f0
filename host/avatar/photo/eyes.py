"""Blinks on a photo: each upper eyelid slides down over the eye, column by column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.avatar.photo import mesh
from host.avatar.photo.columns import fade, squeeze
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

    boxes, patches = [], []
    for eye in mesh.EYES:
        xy = points[:, :2].astype(np.float64)
        outer, inner = xy[eye["corners"][0]], xy[eye["corners"][1]]
        centre = (outer + inner) / 2
        length = float(np.linalg.norm(inner - outer))
        across = (inner - outer) / length
        down = np.array([-across[1], across[0]])
        if down[1] < 0:
            down = -down
        brow = xy[list(eye["brow"])]
        top_v = float(((brow - centre) @ down).min())
        bottom_v = 0.6 * length
        half = length / 2
        x0 = int(max(0, centre[0] - 0.9 * length))
        x1 = int(min(image.shape[1], centre[0] + 0.9 * length))
        y0 = int(max(0, centre[1] + top_v - 2))
        y1 = int(min(image.shape[0], centre[1] + bottom_v + 2))
        xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float64),
                             np.arange(y0, y1, dtype=np.float64))
        dx, dy = xs - centre[0], ys - centre[1]
        u = (dx * across[0] + dy * across[1]) / half
        v = dx * down[0] + dy * down[1]

        axes = (centre, across, down, half)
        upper = _line(xy[[eye["corners"][0], *eye["upper"], eye["corners"][1]]], axes, u)
        lower = _line(xy[[eye["corners"][0], *eye["lower"], eye["corners"][1]]], axes, u)
        brow_v = _line(brow, axes, u)
        top = np.maximum(0.3 * brow_v + 0.7 * upper, top_v + 1)  # the brow itself stays
        bottom = np.full_like(u, bottom_v)
        near = fade(u, 0.85, 1.6)
        states = {}
        for state, (lid, lift) in CLOSING.items():
            gap = np.maximum(lower - upper, 0)
            to = [top, upper + lid * gap * near, lower - lift * gap * near, bottom]
            src_v = squeeze(v, to, [top, upper, lower, bottom])
            sx = centre[0] + u * half * across[0] + src_v * down[0]
            sy = centre[1] + u * half * across[1] + src_v * down[1]
            states[state] = np.asarray(cv2.remap(
                image, sx.astype(np.float32), sy.astype(np.float32), cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE), np.uint8)
        boxes.append((x0, y0, x1 - x0, y1 - y0))
        patches.append(states)
    return EyeKit(tuple(boxes), tuple(patches))


def _line(
    pts: npt.NDArray[np.float64],
    axes: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64], float],
    u: Plane,
) -> Plane:
    """The v (across the eye) of a line through `pts` at each u (along it)."""
    centre, across, down, half = axes
    pu = (pts - centre) @ across / half
    pv = (pts - centre) @ down
    order = np.argsort(pu)
    return np.asarray(np.interp(u, pu[order], pv[order]), np.float64)
