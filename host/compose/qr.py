"""The QR code for a product link, drawn with crisp square modules."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import segno
from PIL import Image

from host.compose.paint import INK, RGB, WHITE

QUIET_ZONE = 4  # modules of light margin on each side, as the QR standard asks


@lru_cache(maxsize=32)
def qr_matrix(link: str) -> npt.NDArray[np.bool_]:
    """The QR symbol for `link` with its quiet zone: True where a module is dark."""
    # Lowest error level that gives the smallest symbol; segno raises it when that costs nothing.
    code = segno.make_qr(link, error="l", boost_error=True)
    rows = list(code.matrix_iter(scale=1, border=QUIET_ZONE))
    matrix = np.array(rows, dtype=bool)
    matrix.flags.writeable = False
    return matrix


def qr_tile(link: str, max_size: int, dark: RGB = INK, light: RGB = WHITE) -> Image.Image:
    """The QR code as an RGB image at most `max_size` square, modules whole pixels wide."""
    matrix = qr_matrix(link)
    module = max(1, max_size // matrix.shape[0])
    big = np.repeat(np.repeat(matrix, module, axis=0), module, axis=1)
    pixels = np.where(big[..., None], np.array(dark, np.uint8), np.array(light, np.uint8))
    return Image.fromarray(pixels.astype(np.uint8), "RGB")
