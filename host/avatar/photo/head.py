"""The head's motion on a photo: a tilt about the neck, a nod and a breath's rise, fading
out into the still photo around the head.

The motion is a smooth field of small displacements, computed on a coarse grid and
scaled up, so it has no edge anywhere: the head turns, the background near it bends
by a pixel or two, and the corners of the picture stay still.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.avatar.photo import mesh
from host.avatar.photo.columns import fade
from host.avatar.photo.landmarks import Points

Plane = npt.NDArray[np.float32]
STEP = 4  # pixels per grid cell of the displacement field
HEAD_REACH = (1.35, 1.3)  # the moving head around the face's oval (hair, ears), x and y
FALLOFF = 0.7  # how far out (in head radii) the motion fades to nothing


@dataclass(frozen=True)
class Motion:
    """Tilt in degrees (clockwise on screen), nod and breath in pixels (down, up)."""

    tilt: float = 0.0
    nod: float = 0.0
    breath: float = 0.0


@dataclass(frozen=True, eq=False)
class Maps:
    """A motion as cv2.remap's fixed-point maps, and its largest displacement in pixels."""

    fixed: npt.NDArray[np.int16]
    fraction: npt.NDArray[np.uint16]
    reach: float


class HeadField:
    """Where each pixel of the picture (w, h) takes its colour from, for any Motion."""

    def __init__(self, points: Points, size: tuple[int, int]) -> None:
        width, height = size
        oval = points[list(mesh.FACE_OVAL), :2].astype(np.float64)
        low, high = oval.min(0), oval.max(0)
        centre = (low + high) / 2
        radii = (high - low) / 2 * HEAD_REACH
        chin = float(points[mesh.CHIN, 1])
        tall = chin - float(points[mesh.FOREHEAD, 1])
        self.face_height = tall
        self.pivot = np.array([centre[0], chin + 0.45 * tall])  # the neck's base
        self.size = size
        self._pixels = np.meshgrid(np.arange(width, dtype=np.float32),
                                   np.arange(height, dtype=np.float32))
        # Grid points where cv2.resize puts its samples, so the scaled-up field is aligned.
        cols, rows = -(-width // STEP), -(-height // STEP)
        gx = (np.arange(cols) + 0.5) * STEP - 0.5
        gy = (np.arange(rows) + 0.5) * STEP - 0.5
        self._x, self._y = np.meshgrid(gx, gy)
        reach = np.hypot((self._x - centre[0]) / radii[0],
                         (self._y - centre[1] + 0.08 * tall) / radii[1])
        self._head = fade(reach, 1.0, 1.0 + FALLOFF)
        # The neck moves with the head down to its base, under the chin.
        neck = (np.abs(self._x - centre[0]) < 0.55 * radii[0]) & (self._y > chin)
        along = np.clip((self._y - chin) / max(1.0, self.pivot[1] - chin), 0, 1)
        self._head = np.maximum(self._head, np.where(neck, 1 - along, 0.0) * fade(
            np.abs(self._x - centre[0]) / radii[0], 0.35, 0.7))

    def maps(self, motion: Motion) -> Maps:
        """The source of every pixel under `motion`, as maps for cv2.remap."""
        import cv2

        angle = math.radians(motion.tilt)
        cos, sin = math.cos(angle), math.sin(angle)
        rx, ry = self._x - self.pivot[0], self._y - self.pivot[1]
        head_dx = cos * rx - sin * ry - rx
        head_dy = sin * rx + cos * ry - ry + motion.nod - motion.breath
        # The body stays: moving it too costs the encoder the whole picture at every step,
        # for a lift of a pixel or two nobody sees.
        dx = self._head * head_dx
        dy = self._head * head_dy
        reach = float(np.hypot(dx, dy).max())
        width, height = self.size
        # What lands at p comes from p - d(p): the field is small and smooth, so the first
        # step of its inverse is within a few tenths of a pixel. The displacement is what
        # is scaled up, not the positions, so the picture's edges stay exact.
        up = [cv2.resize(d.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
              for d in (dx, dy)]
        xs, ys = self._pixels[0] - up[0], self._pixels[1] - up[1]
        fixed, fraction = cv2.convertMaps(xs, ys, cv2.CV_16SC2)
        return Maps(np.asarray(fixed, np.int16), np.asarray(fraction, np.uint16), reach)
