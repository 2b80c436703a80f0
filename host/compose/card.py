"""The product card: picture, brand, title, price or deal, note and QR code on a rounded card."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from host.compose.fonts import font
from host.compose.overlay import ProductCard
from host.compose.paint import (
    ACCENT,
    INK,
    MUTED,
    RGB,
    SUPERSAMPLE,
    WHITE,
    drop_shadow,
    fill_rounded,
    rounded_mask,
)
from host.compose.product_image import product_tile
from host.compose.qr import qr_tile
from host.compose.text import ellipsise, fit

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in card-box pixels

SHADOW = (76, 40, 120, 70)
DEAL_INK: RGB = (196, 22, 84)
NOTE_FILL: RGB = (238, 233, 252)
NOTE_INK: RGB = (96, 66, 178)
QR_LIGHT: RGB = (243, 240, 250)
RULE: RGB = (238, 234, 245)


@dataclass(frozen=True)
class CardArt:
    """A drawn card as RGBA the size of its box, with where each part landed (for tests)."""

    image: Image.Image
    parts: dict[str, Rect]


@dataclass(frozen=True)
class _Grid:
    """Where the blocks of one card arrangement go, in card-box pixels."""

    picture: Rect
    text: Rect  # brand, title, note
    price: Rect
    qr: Rect


def _grid(card: Rect, s: float) -> _Grid:
    """Picture top-left, text beside it; below them the price block and the QR code."""
    x0, y0, x1, y1 = card
    pad, gap = round(24 * s), round(18 * s)
    cw, ch = x1 - x0 - 2 * pad, y1 - y0 - 2 * pad
    side = round(min(cw * 0.46, ch * 0.5))
    top = y0 + pad + side
    qr_side = round(min(y1 - pad - top - gap, cw * 0.4))
    return _Grid(
        picture=(x0 + pad, y0 + pad, x0 + pad + side, top),
        text=(x0 + pad + side + gap, y0 + pad, x1 - pad, top),
        price=(x0 + pad, top + gap, x1 - pad - qr_side - gap, y1 - pad),
        qr=(x1 - pad - qr_side, y1 - pad - qr_side, x1 - pad, y1 - pad),
    )


def _bbox(
    draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, face: ImageFont.FreeTypeFont
) -> Rect:
    """The pixels `text` covers when drawn with its baseline's left end at `xy`."""
    x0, y0, x1, y1 = draw.textbbox(xy, text, font=face, anchor="ls")
    return (round(x0), round(y0), round(x1), round(y1))


def _pill(
    canvas: Image.Image,
    x: int,
    y: int,
    text: str,
    face: ImageFont.FreeTypeFont,
    fill: RGB,
    ink: RGB,
    s: float,
) -> Rect:
    """Draw `text` on a fully rounded pill with its top-left at (x, y); return its rectangle."""
    pad_x, height = round(12 * s), round(face.size * 1.55)
    rect = (x, y, x + round(face.getlength(text)) + 2 * pad_x, y + height)
    fill_rounded(canvas, rect, height / 2, fill)
    ImageDraw.Draw(canvas).text(
        (x + pad_x, y + height / 2), text, font=face, fill=(*ink, 255), anchor="lm"
    )
    return rect


def _clock(canvas: Image.Image, x: int, y: int, size: int, ink: RGB) -> None:
    """A small clock icon for the deal's end, with its top-left at (x, y)."""
    k = SUPERSAMPLE
    big = Image.new("RGBA", (size * k, size * k), (*ink, 0))
    draw = ImageDraw.Draw(big)
    stroke = max(k, round(size * k * 0.12))
    draw.ellipse((0, 0, size * k - 1, size * k - 1), outline=(*ink, 255), width=stroke)
    c = size * k / 2
    draw.line((c, c, c, c - size * k * 0.3), fill=(*ink, 255), width=stroke)
    angle = math.radians(30)
    hand = (c + size * k * 0.22 * math.cos(angle), c + size * k * 0.22 * math.sin(angle))
    draw.line((c, c, *hand), fill=(*ink, 255), width=stroke)
    canvas.alpha_composite(big.resize((size, size), Image.Resampling.BOX), (x, y))


def _text_block(canvas: Image.Image, card: ProductCard, box: Rect, s: float) -> dict[str, Rect]:
    """Brand, title (two or three lines) and the note pill, from the top of `box`."""
    draw = ImageDraw.Draw(canvas)
    x0, y, x1, _ = box
    width = x1 - x0
    parts: dict[str, Rect] = {}
    if card.brand:
        face = font(round(17 * s))
        brand = ellipsise(card.brand.upper(), face, width)
        draw.text((x0, y), brand, font=face, fill=(*MUTED, 255), anchor="lt")
        y += round(30 * s)
    # Two title lines, or three when the column is tall enough to hold them and the note.
    note_h = round(44 * s) if card.note else 0
    room = (box[3] - y - note_h) // round(30 * s * 1.22)
    max_lines = max(2, min(3, room))
    face, lines = fit(card.title, [round(v * s) for v in (30, 28, 26)], True, width, max_lines)
    line_h = round(face.size * 1.22)
    for line in lines:
        draw.text((x0, y), line, font=face, fill=(*INK, 255), anchor="lt")
        y += line_h
    parts["title"] = (x0, box[1], x1, y)
    if card.note:
        face = font(round(17 * s), bold=True)
        note = ellipsise(card.note, face, width - round(24 * s))
        parts["note"] = _pill(canvas, x0, y + round(8 * s), note, face, NOTE_FILL, NOTE_INK, s)
    return parts


def _price_block(canvas: Image.Image, card: ProductCard, box: Rect, s: float) -> dict[str, Rect]:
    """The price block, centred vertically in `box`."""
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    parts = _prices(layer, card, box, s)
    drawn = layer.getbbox()
    if drawn is None:
        return parts
    dy = max(0, (box[3] - box[1] - (drawn[3] - drawn[1])) // 2 - (drawn[1] - box[1]))
    x0, y0, x1, y1 = box
    canvas.alpha_composite(layer, (x0, y0 + dy), (x0, y0, x1, y1 - dy))
    return {name: (a, b + dy, c, d + dy) for name, (a, b, c, d) in parts.items()}


def _prices(canvas: Image.Image, card: ProductCard, box: Rect, s: float) -> dict[str, Rect]:
    """The price; on sale, the sale price large, the old one struck through, the deal's end."""
    draw = ImageDraw.Draw(canvas)
    x0, y0, x1, _ = box
    width = x1 - x0
    parts: dict[str, Rect] = {}
    on_sale = card.sale_price is not None
    main = card.sale_price if card.sale_price is not None else card.price
    big, _ = fit(main, [round(v * s) for v in (54, 48, 42, 36)], True, width, 1)
    baseline = y0 + big.getmetrics()[0]
    draw.text(
        (x0, baseline), main, font=big, fill=(*(ACCENT if on_sale else INK), 255), anchor="ls"
    )
    parts["price"] = _bbox(draw, (x0, baseline), main, big)
    if on_sale:
        old = font(round(26 * s))
        gap = round(14 * s)
        ox, oy = parts["price"][2] + gap, baseline
        if ox + old.getlength(card.price) > x1:  # no room beside the sale price: go below
            ox, oy = x0, baseline + round(36 * s)
        draw.text((ox, oy), card.price, font=old, fill=(*MUTED, 255), anchor="ls")
        bbox = _bbox(draw, (ox, oy), card.price, old)
        parts["old_price"] = bbox
        strike_y = oy - round(old.size * 0.36)
        draw.line(
            (bbox[0] - 2, strike_y, bbox[2] + 2, strike_y),
            fill=(*MUTED, 255),
            width=max(2, round(2.5 * s)),
        )
        y = max(oy, baseline) + round(16 * s)
        if card.deal_ends:
            face = font(round(21 * s), bold=True)
            icon = round(22 * s)
            text = ellipsise(card.deal_ends, face, width - icon - round(8 * s))
            _clock(canvas, x0, y, icon, DEAL_INK)
            draw.text(
                (x0 + icon + round(8 * s), y + icon / 2),
                text,
                font=face,
                fill=(*DEAL_INK, 255),
                anchor="lm",
            )
            parts["deal_ends"] = (x0, y, x1, y + icon)
    return parts


@lru_cache(maxsize=8)
def _blank(size: tuple[int, int], scale: float) -> tuple[Image.Image, Rect]:
    """The empty card with its shadow, the same for every product: drawn once per size."""
    width, height = size
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    mx, mt, mb = round(12 * scale), round(8 * scale), round(20 * scale)
    body = (mx, mt, width - mx, height - mb)
    radius = 28 * scale
    drop_shadow(canvas, body, radius, blur=12 * scale, offset=round(6 * scale), colour=SHADOW)
    fill_rounded(canvas, body, radius, WHITE)
    return canvas, body


def draw_card(card: ProductCard, size: tuple[int, int], scale: float) -> CardArt:
    """The card drawn into an RGBA image of `size` (its box), shadow included."""
    s = scale
    blank, body = _blank(size, scale)
    canvas = blank.copy()
    grid = _grid(body, s)
    parts: dict[str, Rect] = {"card": body}

    px0, py0, px1, _ = grid.picture
    canvas.alpha_composite(
        product_tile(card.image_path, card.product_id, card.title, px1 - px0, 18 * s), (px0, py0)
    )
    parts["picture"] = grid.picture
    if card.sale_price is not None and card.discount:
        face = font(round(22 * s), bold=True)
        inset = round(10 * s)
        parts["badge"] = _pill(
            canvas, px0 + inset, py0 + inset, card.discount, face, ACCENT, WHITE, s
        )

    # A hairline between the product and its price, as shop apps draw it.
    rule_y = (grid.picture[3] + grid.price[1]) // 2
    ImageDraw.Draw(canvas).line(
        (grid.picture[0], rule_y, grid.text[2], rule_y), fill=(*RULE, 255), width=max(1, round(s))
    )
    parts.update(_text_block(canvas, card, grid.text, s))
    parts.update(_price_block(canvas, card, grid.price, s))

    if card.link:
        qx0, qy0, qx1, qy1 = grid.qr
        tile = qr_tile(card.link, min(qx1 - qx0, qy1 - qy0), light=QR_LIGHT)
        # Right- and bottom-aligned in its slot, so it lines up with the card's edges; the
        # quiet zone is a soft tile whose corners are rounded well clear of any module.
        x, y = qx1 - tile.width, qy1 - tile.height
        canvas.paste(tile, (x, y), rounded_mask(tile.width, tile.height, 14 * s))
        parts["qr"] = (x, y, x + tile.width, y + tile.height)
    return CardArt(image=canvas, parts=parts)
