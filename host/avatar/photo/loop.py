"""A short loop of a person idling, aired frame by frame, back and forth, with the mouth
of the first frame's shapes carried onto whichever frame is on air.

The mouth shapes are made once, on the first frame; on frame k they are moved by the
similarity that takes the first frame's lips onto frame k's, and blended in with a
feathered edge, since the loop's light and skin shift a little from frame to frame.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from host.avatar.photo import mesh
from host.avatar.photo.detect import Rgb
from host.avatar.photo.landmarks import Points
from host.avatar.photo.mouth import MouthKit
from host.avatar.pose import REST

Box = tuple[int, int, int, int]
FEATHER = 0.12  # of the mouth box's smaller side: how wide its blended edge is


class LoopFrames:
    """The framed frames of a loop, their mouths' moves, and the loop's timing."""

    def __init__(self, frames: list[Rgb], points: list[Points], fps: float,
                 kit: MouthKit) -> None:
        import cv2

        self._frames = frames
        self._fps = fps if fps > 0 else 30.0
        self._kit = kit
        first = _lips(points[0])
        self._moves = []
        height, width = frames[0].shape[:2]
        self._boxes: list[Box] = []
        x, y, w, h = kit.box
        corners = np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]], np.float64)
        for pts in points:
            move, _ = cv2.estimateAffinePartial2D(first, _lips(pts))
            if move is None:
                move = np.array([[1, 0, 0], [0, 1, 0]], np.float64)
            moved = corners @ move[:, :2].T + move[:, 2]
            x0, y0 = np.floor(moved.min(0)).astype(int)
            x1, y1 = np.ceil(moved.max(0)).astype(int)
            x0, y0 = max(0, x0), max(0, y0)
            x1, y1 = min(width, x1), min(height, y1)
            self._boxes.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
            self._moves.append(np.asarray(move, np.float64))
        edge = max(2.0, FEATHER * min(w, h))
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
        inset = np.minimum.reduce([xs + 0.5, ys + 0.5, w - xs - 0.5, h - ys - 0.5])
        self._alpha = np.clip(inset / edge, 0, 1).astype(np.float32)

    def __len__(self) -> int:
        return len(self._frames)

    def index_at(self, t: float) -> int:
        """The frame on air at `t`: forward, then back, so the loop never jumps."""
        n = len(self._frames)
        k = math.floor(t * self._fps) % (2 * n - 2)
        return k if k < n else 2 * n - 2 - k

    def mouth_box(self, frame: int) -> Box:
        return self._boxes[frame]

    def still(self, frame: int) -> npt.NDArray[np.uint8]:
        """Frame `frame` as RGBA, its mouth at rest."""
        out = np.full((*self._frames[frame].shape[:2], 4), 255, np.uint8)
        out[..., :3] = self._frames[frame]
        self.paste_mouth(out, frame, REST)
        return out

    def paste_mouth(self, out: npt.NDArray[np.uint8], frame: int, shape: str) -> None:
        """Blend mouth `shape`, moved onto frame `frame`, into `out` (RGBA of that frame)."""
        import cv2

        x, y, w, h = self._boxes[frame]
        if w <= 0 or h <= 0:
            return
        kx, ky = self._kit.box[:2]
        move = self._moves[frame].copy()
        # From the kit's box pixels to this frame's box pixels.
        move[:, 2] += move[:, :2] @ np.array([kx, ky], np.float64) - (x, y)
        patch = cv2.warpAffine(self._kit.patches[shape], move, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
        alpha = cv2.warpAffine(self._alpha, move, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=0)[..., None]
        under = self._frames[frame][y:y + h, x:x + w].astype(np.float32)
        blended = under + (patch.astype(np.float32) - under) * alpha
        out[y:y + h, x:x + w, :3] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def _lips(points: Points) -> npt.NDArray[np.float32]:
    """The lips' outer line: what a frame's mouth is matched by."""
    return np.asarray(points[list(mesh.OUTER_UPPER + mesh.OUTER_LOWER[1:-1]), :2], np.float32)
