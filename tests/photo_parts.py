"""What the photo presenter's tests need: the photo extra (LiteRT, OpenCV), MediaPipe's
model files and scikit-image's astronaut photo. A test module importing this is skipped
as a whole where they are not installed (bin/setup dev installs them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("ai_edge_litert")
skimage_data = pytest.importorskip("skimage.data")

from host.avatar.photo.models import DETECTOR, model_file  # noqa: E402
from host.errors import AvatarError  # noqa: E402

try:
    model_file(DETECTOR)
except AvatarError:
    pytest.skip("mediapipe's model files are not installed", allow_module_level=True)

# NASA's portrait of Eileen Collins (public domain), 512x512: the tests' only face.
ASTRONAUT: np.ndarray = skimage_data.astronaut()


def save(folder: Path, name: str, rgb: np.ndarray) -> Path:
    """`rgb` written as an image file `name` in `folder`."""
    path = folder / name
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path
