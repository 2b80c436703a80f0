"""The picture behind everything: the soft backdrop, the presenter's stage, the label and card."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from host.compose.card import draw_card
from host.compose.label import draw_label
from host.compose.layout import Box, Layout
from host.compose.overlay import OverlayState
from host.compose.paint import BACKDROP_STOPS, Pixels, gradient, over, rounded_mask

STAGE_TOP = (255, 255, 255, 120)
STAGE_BOTTOM = (255, 255, 255, 36)
GLOW = (255, 196, 220)


def _blob(
    canvas: Image.Image,
    centre: tuple[float, float],
    radius: float,
    colour: tuple[int, int, int],
    alpha: int,
) -> None:
    """Composite a big blurred disc of colour: the soft light of the backdrop."""
    layer = Image.new("L", canvas.size, 0)
    cx, cy = centre
    ImageDraw.Draw(layer).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=alpha)
    layer = layer.filter(ImageFilter.GaussianBlur(radius * 0.45))
    tint = Image.new("RGBA", canvas.size, (*colour, 0))
    tint.putalpha(layer)
    canvas.alpha_composite(tint)


def stage_radius(layout: Layout) -> float:
    """The corner radius of the presenter's stage panel."""
    return 36 * layout.scale


@lru_cache(maxsize=4)
def stage_mask(layout: Layout) -> Pixels:
    """The presenter box's rounded stage as (h, w) alpha: the presenter is clipped to it."""
    box = layout.presenter_box
    mask = np.asarray(rounded_mask(box.w, box.h, stage_radius(layout)), dtype=np.uint8)
    mask.flags.writeable = False
    return mask


@lru_cache(maxsize=4)
def backdrop(layout: Layout) -> Pixels:
    """The frame with no overlay and no presenter: gradient, soft lights, the stage panel."""
    w, h, s = layout.width, layout.height, layout.scale
    canvas = Image.fromarray(gradient(w, h, BACKDROP_STOPS)).convert("RGBA")
    small = min(w, h)
    _blob(canvas, (w * 0.12, h * 0.1), small * 0.32, (255, 206, 226), 150)
    _blob(canvas, (w * 0.92, h * 0.42), small * 0.36, (214, 206, 255), 140)
    _blob(canvas, (w * 0.2, h * 0.9), small * 0.3, (255, 222, 236), 110)

    box = layout.presenter_box
    stage = np.zeros((box.h, box.w, 4), np.uint8)
    stage[..., :3] = gradient(box.w, box.h, ((0.0, STAGE_TOP[:3]), (1.0, STAGE_BOTTOM[:3])))
    ramp = np.linspace(STAGE_TOP[3], STAGE_BOTTOM[3], box.h)[:, None]
    stage[..., 3] = np.rint(ramp * stage_mask(layout) / 255).astype(np.uint8)
    panel = Image.fromarray(stage, "RGBA")
    glow = Image.new("RGBA", box.size, (*GLOW, 0))
    glow_alpha = Image.new("L", box.size, 0)
    r = min(box.w, box.h) * 0.36
    cx, cy = box.w / 2, box.h * 0.42
    ImageDraw.Draw(glow_alpha).ellipse((cx - r, cy - r, cx + r, cy + r), fill=120)
    glow.putalpha(glow_alpha.filter(ImageFilter.GaussianBlur(r * 0.5)))
    panel.alpha_composite(glow)
    canvas.alpha_composite(panel, (box.x, box.y))
    # A hairline rim makes the stage read as a window, not a smudge.
    stroke = max(1, round(2 * s))
    inner = np.zeros((box.h, box.w), np.int16)
    inner[stroke:-stroke, stroke:-stroke] = np.asarray(
        rounded_mask(box.w - 2 * stroke, box.h - 2 * stroke, stage_radius(layout) - stroke)
    )
    ring = np.clip(stage_mask(layout).astype(np.int16) - inner, 0, 255) * 170 // 255
    rim = Image.new("RGBA", box.size, (255, 255, 255, 0))
    rim.putalpha(Image.fromarray(ring.astype(np.uint8), "L"))
    canvas.alpha_composite(rim, (box.x, box.y))
    pixels = np.asarray(canvas.convert("RGB"), dtype=np.uint8).copy()
    pixels.flags.writeable = False
    return pixels


def _over_box(pixels: Pixels, layer: Image.Image, box: Box) -> None:
    """Composite an RGBA layer the size of `box` onto the RGB frame, touching only that box."""
    region = pixels[box.y : box.bottom, box.x : box.right]
    region[:] = over(region, np.asarray(layer, dtype=np.uint8))


def draw_background(layout: Layout, overlay: OverlayState) -> Pixels:
    """The backdrop with the AI label and the product card (if any) drawn on, as (h, w, 3) RGB."""
    pixels = backdrop(layout).copy()
    label = draw_label(overlay.label, layout.label_box.size, layout.scale)
    _over_box(pixels, label, layout.label_box)
    if overlay.card is not None:
        art = draw_card(overlay.card, layout.card_box.size, layout.scale)
        _over_box(pixels, art.image, layout.card_box)
    return pixels
