"""Whether fetched bytes are a product photo we may draw: decoded, not trusted by their type."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_PIXELS = 40_000_000  # 8000x5000; a decompression bomb claims far more


class PhotoRefused(ValueError):
    """The bytes are not a photo we draw; the message says why, in a few words, and `kind`
    sorts it for counters: not_image or too_many_pixels."""

    def __init__(self, message: str, kind: str = "not_image") -> None:
        super().__init__(message)
        self.kind = kind


def check_photo(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[str, tuple[int, int]]:
    """(format, (width, height)) of the photo in `data`; PhotoRefused saying why not.

    The header's size is checked before a pixel is decoded, so a small file that claims
    20000x20000 pixels costs nothing; then the whole image is decoded, so a truncated
    or corrupt file is refused here and not on the card.
    """
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        raise PhotoRefused("not an image: the server sent a web page")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or "?"
                if kind not in FORMATS:
                    raise PhotoRefused(f"{kind} images are not drawn (JPEG, PNG, WebP, GIF)")
                width, height = image.size
                if width * height > max_pixels:
                    raise PhotoRefused(
                        f"{width}x{height} pixels, over the {max_pixels // 1_000_000} "
                        "megapixel cap", "too_many_pixels"
                    )
                image.load()
    except PhotoRefused:
        raise
    except UnidentifiedImageError:
        raise PhotoRefused("not an image Pillow can read") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(
            f"over the {max_pixels // 1_000_000} megapixel cap: a decompression bomb",
            "too_many_pixels",
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused(f"a broken image ({exc})") from None
    return kind, (width, height)
