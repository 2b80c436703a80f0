"""The face mesh: 468 points of one face, fitted in a square around it, twice."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from host.avatar.photo.detect import Face, Rgb
from host.avatar.photo.models import MESH, model

ROI_SCALE = 1.5  # the square the mesh looks in is this much larger than the face
MIN_PRESENCE = 0.5
Points = npt.NDArray[np.float32]  # (468, 3): x, y in the picture's pixels; z, relative


def fit_mesh(rgb: Rgb, face: Face) -> tuple[Points, float]:
    """The mesh of `face` and the model's confidence that it is a face (0 to 1).

    The first fit looks in a square around the detector's box, turned to level the eyes;
    the second in one around the first fit's points, as MediaPipe tracks a face.
    """
    x, y, w, h = face.box
    (rx, ry), (lx, ly) = face.right_eye, face.left_eye
    angle = math.atan2(ly - ry, lx - rx)
    points, _ = _fit(rgb, (x + w / 2, y + h / 2), max(w, h) * ROI_SCALE, angle)
    return refit(rgb, points)


def refit(rgb: Rgb, points: Points) -> tuple[Points, float]:
    """The mesh fitted again in the square its previous `points` give (a loop's next frame)."""
    right, left = points[33], points[263]
    angle = math.atan2(float(left[1] - right[1]), float(left[0] - right[0]))
    centre, size = _box_turned(points[:, :2], angle)
    return _fit(rgb, centre, size * ROI_SCALE, angle)


def _box_turned(xy: Points, angle: float) -> tuple[tuple[float, float], float]:
    """The centre and longer side of the points' box, measured in the turned frame."""
    c, s = math.cos(angle), math.sin(angle)
    turned = xy @ np.array([[c, -s], [s, c]], np.float32)
    low, high = turned.min(0), turned.max(0)
    mid = (low + high) / 2
    back = np.array([[c, s], [-s, c]], np.float32) @ mid
    return (float(back[0]), float(back[1])), float((high - low).max())


def _fit(
    rgb: Rgb, centre: tuple[float, float], size: float, angle: float
) -> tuple[Points, float]:
    import cv2

    mesh = model(MESH)
    n = mesh.input_size
    scale = n / size
    c, s = math.cos(angle) * scale, math.sin(angle) * scale
    # Picture -> model input: turn by -angle about the centre, scale, centre in the square.
    forward = np.array(
        [[c, s, n / 2 - (c * centre[0] + s * centre[1])],
         [-s, c, n / 2 - (-s * centre[0] + c * centre[1])]], np.float64)
    square = cv2.warpAffine(rgb, forward, (n, n), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    raw, flag = mesh.run(square.astype(np.float32) / 127.5 - 1.0)
    points = raw.reshape(-1, 3).astype(np.float32)
    back = cv2.invertAffineTransform(forward)
    xy = points[:, :2] @ back[:, :2].T.astype(np.float32) + back[:, 2].astype(np.float32)
    out = np.concatenate([xy, points[:, 2:] / scale], axis=1).astype(np.float32)
    presence = 1 / (1 + math.exp(-max(-80.0, min(80.0, float(flag.ravel()[0])))))
    return out, presence
