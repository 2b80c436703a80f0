"""The photo cropped and scaled into the presenter's box, framed around the face."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from host.avatar.photo import mesh
from host.avatar.photo.detect import Rgb
from host.avatar.photo.landmarks import Points

FACE_SHARE = 0.36  # of the box's height, forehead to chin: a head-and-shoulders shot
EYE_LINE = 0.36  # how far down the box the eyes sit
Affine = npt.NDArray[np.float64]  # 2 x 3, picture pixels to box pixels


def framing(points: Points, picture: tuple[int, int], box: tuple[int, int]) -> Affine:
    """The scale and shift that frame the face in `box` (w, h) from a picture (w, h).

    The face is as large as FACE_SHARE asks, unless the picture would not fill the box:
    then it is larger. The crop never leaves the picture.
    """
    (pw, ph), (bw, bh) = picture, box
    tall = float(np.linalg.norm(points[mesh.CHIN, :2] - points[mesh.FOREHEAD, :2]))
    scale = max(FACE_SHARE * bh / tall, bw / pw, bh / ph)
    eyes = (points[33, :2] + points[263, :2]) / 2
    centre_x = float(points[mesh.FACE_OVAL, 0].mean())
    left = min(max(centre_x - bw / scale / 2, 0.0), pw - bw / scale)
    top = min(max(float(eyes[1]) - EYE_LINE * bh / scale, 0.0), ph - bh / scale)
    return np.array([[scale, 0, -left * scale], [0, scale, -top * scale]], np.float64)


def framed(image: Rgb, affine: Affine, box: tuple[int, int]) -> Rgb:
    """The picture in the box."""
    import cv2

    shrink = affine[0, 0] < 1
    flags = cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
    return np.asarray(
        cv2.warpAffine(image, affine, box, flags=flags, borderMode=cv2.BORDER_REPLICATE), np.uint8)


def moved(points: Points, affine: Affine) -> Points:
    """The mesh in the box's pixels (z scaled alike)."""
    out = points.copy()
    out[:, :2] = points[:, :2] @ affine[:, :2].T.astype(np.float32) + affine[:, 2]
    out[:, 2] *= affine[0, 0]
    return out
