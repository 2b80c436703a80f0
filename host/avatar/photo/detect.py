"""Faces in a picture: MediaPipe's full-range face detector, decoded and suppressed here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.avatar.photo.models import DETECTOR, model

MIN_SCORE = 0.6
OVERLAP = 0.3  # boxes overlapping more than this (IoU) are one face
_GRID = 48  # the full-range model's single anchor layer: 48 x 48 cells of 4 pixels

Rgb = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Face:
    """A detected face, in the picture's pixels: its box, eyes and score."""

    box: tuple[float, float, float, float]  # x, y, width, height
    right_eye: tuple[float, float]  # the person's right eye: on the image's left
    left_eye: tuple[float, float]
    score: float

    @property
    def height(self) -> float:
        return self.box[3]


def find_faces(rgb: Rgb) -> list[Face]:
    """Every face the detector finds in an RGB picture, the surest first."""
    import cv2

    detector = model(DETECTOR)
    size = detector.input_size
    height, width = rgb.shape[:2]
    side = max(height, width)
    square = np.zeros((side, side, 3), np.uint8)  # letterboxed: the aspect ratio is kept
    top, left = (side - height) // 2, (side - width) // 2
    square[top : top + height, left : left + width] = rgb
    small = cv2.resize(square, (size, size), interpolation=cv2.INTER_AREA)
    boxes, logits = detector.run(small.astype(np.float32) / 127.5 - 1.0)
    scores = (1 / (1 + np.exp(-np.clip(logits[:, 0], -80, 80)))).astype(np.float32)
    keep = np.flatnonzero(scores >= MIN_SCORE)
    if keep.size == 0:
        return []
    cells = np.arange(_GRID, dtype=np.float32)
    ax = np.tile((cells + 0.5) / _GRID, _GRID)
    ay = np.repeat((cells + 0.5) / _GRID, _GRID)
    raw = (boxes[keep] / size).astype(np.float32)
    cx, cy = raw[:, 0] + ax[keep], raw[:, 1] + ay[keep]
    w, h = raw[:, 2], raw[:, 3]
    eyes = (raw[:, 4:8] + np.stack([ax[keep], ay[keep]] * 2, axis=1)).astype(np.float32)
    found = _suppress(np.stack([cx - w / 2, cy - h / 2, w, h], axis=1), scores[keep], eyes)
    faces = []
    for (x, y, bw, bh), (rx, ry, lx, ly), score in found:
        def point(px: float, py: float) -> tuple[float, float]:
            return (px * side - left, py * side - top)

        faces.append(Face(
            box=(x * side - left, y * side - top, bw * side, bh * side),
            right_eye=point(rx, ry),
            left_eye=point(lx, ly),
            score=score,
        ))
    return faces


def _suppress(
    boxes: npt.NDArray[np.float32], scores: npt.NDArray[np.float32], eyes: npt.NDArray[np.float32]
) -> list[tuple[tuple[float, ...], tuple[float, ...], float]]:
    """Weighted non-maximum suppression: each face is the score-weighted mean of its boxes."""
    order = list(np.argsort(-scores))
    out = []
    while order:
        best = order[0]
        ious = np.array([_iou(boxes[best], boxes[i]) for i in order])
        group = [order[k] for k in np.flatnonzero(ious > OVERLAP)]
        weights = scores[group][:, None]
        box = (boxes[group] * weights).sum(0) / weights.sum()
        eye = (eyes[group] * weights).sum(0) / weights.sum()
        out.append((tuple(map(float, box)), tuple(map(float, eye)), float(scores[best])))
        order = [i for i in order if i not in group]
    return out


def _iou(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return float(inter / union) if union > 0 else 0.0
