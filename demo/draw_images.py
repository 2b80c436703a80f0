"""Draw the demo catalog's product images with Pillow alone.

Run `python demo/draw_images.py` from the repository root (or anywhere): it rewrites
demo/images/*.png. The output is deterministic: the same bytes on every run.

Each picture is a flat illustration drawn at twice the final size on an 800x800
coordinate grid and scaled down for smooth edges; flat colours keep the PNGs small.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

SIZE = 800  # final image size; every coordinate below is on this grid
SS = 2  # supersampling factor
W = SIZE * SS
OUT_DIR = Path(__file__).resolve().parent / "images"

RGB = tuple[int, int, int]
Point = tuple[float, float]
Paint = RGB | tuple[Any, ...]


# --- colour helpers ---------------------------------------------------------------------


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(c: RGB, t: float) -> RGB:
    """Darker by t (0..1)."""
    return mix(c, (0, 0, 0), t)


def tint(c: RGB, t: float) -> RGB:
    """Lighter by t (0..1)."""
    return mix(c, (255, 255, 255), t)


# --- geometry helpers -------------------------------------------------------------------


def rot(points: Sequence[Point], angle_deg: float, cx: float, cy: float) -> list[Point]:
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    return [
        (cx + (x - cx) * ca - (y - cy) * sa, cy + (x - cx) * sa + (y - cy) * ca) for x, y in points
    ]


def rot_rect(cx: float, cy: float, w: float, h: float, angle: float) -> list[Point]:
    pts = [
        (cx - w / 2, cy - h / 2),
        (cx + w / 2, cy - h / 2),
        (cx + w / 2, cy + h / 2),
        (cx - w / 2, cy + h / 2),
    ]
    return rot(pts, angle, cx, cy)


def ellipse_pts(
    cx: float, cy: float, rx: float, ry: float, angle: float = 0, n: int = 72
) -> list[Point]:
    pts = [
        (cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]
    return rot(pts, angle, cx, cy)


def drop_pts(cx: float, cy: float, r: float, tip: float, angle: float = 0) -> list[Point]:
    """A teardrop: a circle of radius r at (cx, cy) with its point `tip` above the centre."""
    pts: list[Point] = [(cx, cy - tip)]
    ty = -r * r / tip
    a0 = math.atan2(ty, math.sqrt(r * r - ty * ty))  # right tangent point angle
    a1 = math.pi - a0
    steps = 48
    for i in range(steps + 1):
        a = a0 + (a1 - a0 + 2 * math.pi) % (2 * math.pi) * i / steps
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return rot(pts, angle, cx, cy)


def wave(
    x0: float, x1: float, y: float, amp: float, periods: float, phase: float = 0, n: int = 60
) -> list[Point]:
    return [
        (x0 + (x1 - x0) * i / n, y + amp * math.sin(phase + 2 * math.pi * periods * i / n))
        for i in range(n + 1)
    ]


def _s(v: Any) -> Any:
    if isinstance(v, (int, float)):
        return v * SS
    return [_s(x) for x in v]


def _flat(coords: Any) -> list[float]:
    out: list[float] = []
    for c in coords:
        if isinstance(c, (int, float)):
            out.append(c * SS)
        else:
            out.extend(_flat(c))
    return out


def _pairs(coords: Any) -> list[tuple[float, float]]:
    f = _flat(coords)
    return list(zip(f[0::2], f[1::2], strict=True))


# --- masks ------------------------------------------------------------------------------

Op = tuple[Any, ...]


def mask(*ops: Op, round_: float = 0) -> Image.Image:
    """An L mask from drawing ops; an op is (kind, coords, *args) with an optional
    trailing dict of options; option "cut": True erases instead of drawing."""
    m = Image.new("L", (W, W), 0)
    d = ImageDraw.Draw(m)
    for op in ops:
        kind, coords, *rest = op
        opts: dict[str, Any] = rest.pop() if rest and isinstance(rest[-1], dict) else {}
        fill = 0 if opts.get("cut") else 255
        if kind == "rect":
            radius = rest[0] if rest else 0
            d.rounded_rectangle(_flat(coords), radius=radius * SS, fill=fill)
        elif kind == "ellipse":
            d.ellipse(_flat(coords), fill=fill)
        elif kind == "circle":
            cx, cy, r = coords
            d.ellipse(_flat([cx - r, cy - r, cx + r, cy + r]), fill=fill)
        elif kind == "poly":
            d.polygon(_pairs(coords), fill=fill)
        elif kind == "pie":
            d.pieslice(_flat(coords), rest[0], rest[1], fill=fill)
        elif kind == "chord":
            d.chord(_flat(coords), rest[0], rest[1], fill=fill)
        elif kind == "arc":
            d.arc(_flat(coords), rest[0], rest[1], fill=fill, width=round(rest[2] * SS))
        elif kind == "line":
            width = rest[0]
            pts = _pairs(coords)
            d.line(pts, fill=fill, width=round(width * SS), joint="curve")
            if opts.get("caps", True):
                r = width * SS / 2
                for x, y in (pts[0], pts[-1]):
                    d.ellipse([x - r, y - r, x + r, y + r], fill=fill)
        else:
            raise ValueError(kind)
    if round_:
        m = m.filter(ImageFilter.GaussianBlur(round_ * SS))
        k = max(4.0, 1.3 * round_ * SS)  # re-sharpen the blurred edge to about 2 pixels
        m = m.point(lambda v: max(0, min(255, round((v - 128) * k + 128))))
    return m


def intersect(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageChops.multiply(a, b)


def subtract(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageChops.subtract(a, b)


def union(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageChops.lighter(a, b)


# --- the canvas -------------------------------------------------------------------------


def _strip(c1: RGB, c2: RGB, p0: float, p1: float, n: int = W) -> Image.Image:
    """A 1-pixel-wide gradient, c1 at p0 and c2 at p1 (800-grid), clamped outside."""
    data = []
    for i in range(n):
        p = i / SS
        t = 0.0 if p <= p0 else 1.0 if p >= p1 else (p - p0) / (p1 - p0)
        t = t * t * (3 - 2 * t)  # smoothstep for a softer ramp
        data.append(mix(c1, c2, t))
    strip = Image.new("RGB", (1, n))
    strip.putdata(data)
    return strip


def gradient(paint: Paint) -> Image.Image:
    """A full-canvas image for a paint: an RGB colour or ("v"|"h", c1, c2, p0, p1)."""
    if len(paint) == 3 and isinstance(paint[0], int):
        return Image.new("RGB", (W, W), paint)
    direction, c1, c2, p0, p1 = paint
    strip = _strip(c1, c2, p0, p1)
    if direction == "v":
        return strip.resize((W, W), Image.Resampling.NEAREST)
    return (
        strip.transpose(Image.Transpose.ROTATE_270)
        .transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        .resize((W, W), Image.Resampling.NEAREST)
    )


class Art:
    def __init__(
        self,
        top: RGB,
        bottom: RGB,
        blob: RGB | None = None,
        blob_center: Point = (400, 400),
        blob_r: float = 300,
    ) -> None:
        self.im = gradient(("v", top, bottom, 0, SIZE))
        if blob:
            cx, cy = blob_center
            self.fill(
                mask(("circle", (cx, cy, blob_r))),
                ("v", tint(blob, 0.25), blob, cy - blob_r, cy + blob_r),
            )

    def fill(self, m: Image.Image, paint: Paint, opacity: float = 1.0) -> Image.Image:
        if opacity < 1:
            m = m.point(lambda v: round(v * opacity))
        self.im.paste(gradient(paint), (0, 0), m)
        return m

    def shape(
        self,
        *ops: Op,
        paint: Paint,
        opacity: float = 1.0,
        round_: float = 0,
        clip: Image.Image | None = None,
    ) -> Image.Image:
        m = mask(*ops, round_=round_)
        if clip is not None:
            m = intersect(m, clip)
        self.fill(m, paint, opacity)
        return m

    def shadow(
        self, *ops: Op, blur: float = 20, opacity: float = 0.3, color: RGB = (40, 30, 40)
    ) -> None:
        m = mask(*ops).filter(ImageFilter.GaussianBlur(blur * SS))
        self.fill(m, color, opacity)

    def glow(self, cx: float, cy: float, r: float, color: RGB, opacity: float) -> None:
        m = mask(("circle", (cx, cy, r * 0.45))).filter(ImageFilter.GaussianBlur(r * 0.4 * SS))
        self.fill(m, color, opacity)

    def dots(
        self, spots: Sequence[tuple[float, float, float]], color: RGB, opacity: float = 1.0
    ) -> None:
        self.shape(*[("circle", s) for s in spots], paint=color, opacity=opacity)

    def sparkle(
        self, cx: float, cy: float, r: float, color: RGB = (255, 255, 255), opacity: float = 0.9
    ) -> None:
        k = r * 0.22
        pts = [
            (cx, cy - r),
            (cx + k, cy - k),
            (cx + r, cy),
            (cx + k, cy + k),
            (cx, cy + r),
            (cx - k, cy + k),
            (cx - r, cy),
            (cx - k, cy - k),
        ]
        self.shape(("poly", pts), paint=color, opacity=opacity)

    def save(self, name: str) -> Path:
        # A box filter keeps flat areas flat (a palette would band the soft gradients);
        # dropping the lowest bit of each channel is invisible and compresses better.
        small = ImageOps.posterize(self.im.reduce(SS), 7)
        path = OUT_DIR / f"{name}.png"
        small.save(path, optimize=True)
        return path


def ground(
    a: Art,
    cx: float,
    y: float,
    w: float,
    h: float = 36,
    opacity: float = 0.28,
    color: RGB = (60, 40, 50),
    blur: float = 16,
) -> None:
    a.shadow(
        ("ellipse", (cx - w / 2, y - h / 2, cx + w / 2, y + h / 2)),
        blur=blur,
        opacity=opacity,
        color=color,
    )


# --- products ---------------------------------------------------------------------------


def serum() -> Art:
    a = Art((253, 232, 220), (245, 196, 178), blob=(255, 226, 212), blob_r=290)
    a.dots([(150, 190, 10), (640, 170, 7), (665, 430, 12), (130, 560, 6)], (240, 170, 140))
    a.sparkle(600, 250, 26)
    a.sparkle(210, 300, 16, opacity=0.8)
    ground(a, 400, 662, 260, 40, color=(150, 70, 50), opacity=0.35)

    amber_l, amber_d = (232, 150, 66), (160, 78, 28)
    # bulb and collar
    a.shape(("rect", (368, 140, 432, 300), 32), paint=("h", (92, 84, 88), (36, 32, 36), 368, 432))
    a.shape(("rect", (380, 160, 390, 240), 5), paint=(255, 255, 255), opacity=0.28)
    a.shape(("rect", (358, 258, 442, 290), 10), paint=("h", (70, 64, 68), (30, 28, 30), 358, 442))
    a.shape(
        ("rect", (346, 284, 454, 336), 8), paint=("h", (246, 214, 140), (176, 128, 52), 346, 454)
    )
    for x in range(356, 450, 12):
        a.shape(("line", [(x, 292), (x, 328)], 2), paint=(140, 100, 40), opacity=0.35)
    # glass
    a.shape(
        ("rect", (362, 330, 438, 380), 0),
        ("rect", (296, 356, 504, 662), 54),
        paint=("h", amber_l, amber_d, 300, 500),
    )
    a.shape(
        ("rect", (296, 356, 504, 662), 54),
        paint=("v", (120, 50, 16), (120, 50, 16), 0, 1),
        opacity=0.25,
        clip=mask(("rect", (200, 600, 600, 700))),
    )
    # label
    a.shape(("rect", (320, 452, 480, 604), 14), paint=(253, 246, 234))
    a.shape(("circle", (400, 504, 26)), paint=(244, 150, 50))
    a.shape(("circle", (400, 504, 20)), paint=(255, 214, 120))
    for k in range(6):
        ang = math.radians(k * 60)
        a.shape(
            ("line", [(400, 504), (400 + 20 * math.cos(ang), 504 + 20 * math.sin(ang))], 3),
            paint=(244, 150, 50),
        )
    a.shape(("rect", (350, 548, 450, 558), 5), paint=(150, 90, 60))
    a.shape(("rect", (368, 568, 432, 576), 4), paint=(210, 170, 140))
    # highlights
    a.shape(("rect", (312, 392, 330, 640), 9), paint=(255, 255, 255), opacity=0.38)
    a.shape(("rect", (474, 392, 484, 440), 5), paint=(255, 255, 255), opacity=0.22)
    a.shape(("rect", (372, 338, 380, 374), 4), paint=(255, 255, 255), opacity=0.3)
    # a drop of serum and an orange slice
    a.shadow(("circle", (228, 470, 30)), blur=10, opacity=0.2, color=(150, 70, 50))
    a.shape(
        ("poly", drop_pts(224, 440, 30, 64)), paint=("h", (250, 186, 96), (224, 124, 44), 194, 254)
    )
    a.shape(("ellipse", (208, 424, 222, 446)), paint=(255, 255, 255), opacity=0.7)
    ground(a, 560, 690, 190, 30, color=(150, 70, 50), opacity=0.25)
    a.shape(("circle", (560, 612, 84)), paint=("v", (250, 150, 44), (226, 110, 24), 530, 700))
    a.shape(("circle", (560, 612, 74)), paint=(255, 236, 196))
    a.shape(("circle", (560, 612, 66)), paint=("v", (255, 184, 70), (248, 148, 40), 546, 680))
    for k in range(10):
        ang = math.radians(k * 36 + 8)
        a.shape(
            ("line", [(560, 612), (560 + 64 * math.cos(ang), 612 + 64 * math.sin(ang))], 5),
            paint=(255, 228, 180),
        )
    a.shape(("circle", (560, 612, 9)), paint=(255, 236, 196))
    return a


NECK_X, NECK_Y, NECK_RX, NECK_RY = 400, 180, 56, 44
TEE = [
    (NECK_X - NECK_RX, NECK_Y),
    (258, 198),
    (146, 288),
    (198, 374),
    (262, 336),
    (266, 646),
    (534, 646),
    (538, 336),
    (602, 374),
    (654, 288),
    (542, 198),
    (NECK_X + NECK_RX, NECK_Y),
] + [
    (NECK_X + NECK_RX * math.cos(math.pi * i / 24), NECK_Y + NECK_RY * math.sin(math.pi * i / 24))
    for i in range(1, 24)
]


def tshirt(color: RGB, bg_top: RGB, bg_bottom: RGB, blob: RGB, accent: RGB) -> Art:
    a = Art(bg_top, bg_bottom, blob=blob, blob_r=300)
    a.dots([(120, 160, 9), (690, 560, 12), (640, 130, 6), (160, 640, 7)], accent, 0.8)
    ground(a, 400, 660, 330, 44, opacity=0.25)
    # back of the collar and the inside of the shirt, seen through the neck opening
    x0, x1 = NECK_X - NECK_RX, NECK_X + NECK_RX
    depth = 0.55 if sum(color) < 600 else 0.32
    a.shape(
        ("ellipse", (x0 - 2, NECK_Y - 26, x1 + 2, NECK_Y + 40)),
        paint=("v", shade(color, 0.04), shade(color, 0.2), NECK_Y - 26, NECK_Y),
    )
    a.shape(
        ("ellipse", (x0 + 10, NECK_Y - 15, x1 - 10, NECK_Y + NECK_RY + 6)),
        paint=("v", shade(color, depth), shade(color, depth - 0.15), NECK_Y - 14, NECK_Y + 40),
    )
    body = a.shape(
        ("poly", TEE), round_=6, paint=("v", tint(color, 0.08), shade(color, 0.1), 170, 650)
    )
    # light from the left
    a.shape(
        (
            "poly",
            [(146, 288), (258, 198), (330, 182), (300, 646), (266, 646), (262, 336), (198, 374)],
        ),
        paint=(255, 255, 255),
        opacity=0.08,
        clip=body,
    )
    # front collar band along the neckline, with a stitch line
    band, stitch = 16, 11
    a.shape(
        (
            "arc",
            (x0 - band, NECK_Y - NECK_RY - band, x1 + band, NECK_Y + NECK_RY + band),
            0,
            180,
            band + 1,
        ),
        paint=shade(color, 0.12),
        clip=body,
    )
    a.shape(
        (
            "arc",
            (x0 - stitch, NECK_Y - NECK_RY - stitch, x1 + stitch, NECK_Y + NECK_RY + stitch),
            0,
            180,
            2,
        ),
        paint=shade(color, 0.35),
        opacity=0.6,
        clip=body,
    )
    # seams and folds
    line_c = shade(color, 0.28)
    for pts in ([(160, 280), (212, 364)], [(640, 280), (588, 364)], [(270, 622), (530, 622)]):
        a.shape(("line", pts, 3), paint=line_c, opacity=0.45)
    for pts in (
        [(270, 354), (296, 420), (300, 480)],
        [(530, 354), (506, 410)],
        [(330, 640), (348, 560)],
        [(470, 640), (460, 590)],
    ):
        a.shape(("line", pts, 5), paint=line_c, opacity=0.18)
    return a


def hoodie(color: RGB, bg_top: RGB, bg_bottom: RGB, blob: RGB, accent: RGB) -> Art:
    a = Art(bg_top, bg_bottom, blob=blob, blob_r=300)
    a.dots([(130, 170, 10), (680, 600, 12), (650, 140, 7), (140, 620, 6)], accent, 0.8)
    ground(a, 400, 680, 440, 48, opacity=0.25)
    dark = shade(color, 0.12)
    # hood, lying behind the shoulders
    a.shape(("ellipse", (298, 108, 502, 302)), paint=("v", tint(color, 0.05), dark, 110, 300))
    a.shape(
        ("ellipse", (338, 142, 462, 278)),
        paint=("v", shade(color, 0.5), shade(color, 0.3), 142, 278),
    )
    a.shape(("arc", (332, 136, 468, 284), 190, 350, 9), paint=tint(color, 0.08))
    # sleeves and cuffs
    for sx in (1, -1):

        def x(v: float, sx: int = sx) -> float:
            return v if sx == 1 else SIZE - v

        a.shape(
            (
                "poly",
                [
                    (x(266), 226),
                    (x(212), 246),
                    (x(176), 330),
                    (x(156), 592),
                    (x(222), 600),
                    (x(248), 420),
                    (x(262), 380),
                ],
            ),
            round_=10,
            paint=("h", shade(color, 0.06), shade(color, 0.16), 150, 260)
            if sx == 1
            else ("h", shade(color, 0.2), shade(color, 0.1), 540, 650),
        )
        cuff = a.shape(
            ("poly", [(x(156), 584), (x(222), 592), (x(218), 636), (x(152), 628)]),
            round_=6,
            paint=shade(color, 0.2),
        )
        for k in range(5):
            t = (k + 1) / 6
            a.shape(
                ("line", [(x(156 + 66 * t), 580 + 8 * t), (x(152 + 66 * t), 640 + 8 * t)], 2),
                paint=shade(color, 0.35),
                opacity=0.5,
                clip=cuff,
            )
    # body
    neck = [(345, 216), (400, 254), (455, 216)]
    body = a.shape(
        ("poly", [(266, 226), *neck, (534, 226), (546, 628), (254, 628)]),
        round_=8,
        paint=("v", tint(color, 0.06), shade(color, 0.06), 220, 640),
    )
    # hem band
    a.shape(("rect", (256, 614, 544, 664), 8), paint=shade(color, 0.16))
    for xx in range(270, 540, 14):
        a.shape(("line", [(xx, 620), (xx, 658)], 2), paint=shade(color, 0.32), opacity=0.45)
    # kangaroo pocket
    a.shape(
        ("poly", [(310, 462), (490, 462), (524, 596), (276, 596)]),
        round_=6,
        paint=shade(color, 0.07),
    )
    line_c = shade(color, 0.34)
    for pts in ([(310, 462), (490, 462)], [(310, 462), (276, 596)], [(490, 462), (524, 596)]):
        a.shape(("line", pts, 3), paint=line_c, opacity=0.55)
    # light from the left
    a.shape(
        ("poly", [(266, 226), (330, 210), (320, 680), (254, 680)]),
        paint=(255, 255, 255),
        opacity=0.07,
        clip=union(body, mask(("rect", (256, 614, 544, 664), 8))),
    )
    # the two front edges of the hood, crossing at the neck
    for sx, col in ((1, shade(color, 0.1)), (-1, shade(color, 0.02))):

        def xf(v: float, sx: int = sx) -> float:
            return v if sx == 1 else SIZE - v

        a.shape(
            ("line", [(xf(341), 178), (xf(344), 222), (xf(368), 260), (xf(414), 288)], 22),
            paint=col,
        )
    # drawstrings
    for sx, end in ((-1, 372), (1, 428)):
        top = 400 + sx * 30
        a.shape(("circle", (top, 266, 6)), paint=shade(color, 0.45))
        a.shape(("line", [(top, 266), (top + sx * 2, 320), (end, 380)], 7), paint=(246, 242, 234))
        a.shape(("rect", (end - 6, 372, end + 6, 402), 4), paint=(206, 200, 192))
    return a


def earbuds() -> Art:
    a = Art((236, 236, 252), (200, 204, 244), blob=(226, 226, 252), blob_r=300)
    a.dots([(140, 180, 9), (670, 170, 12), (680, 600, 7), (120, 560, 6)], (170, 170, 230))
    a.sparkle(650, 330, 22)
    a.sparkle(160, 400, 16, opacity=0.8)
    white_l, white_d = (255, 255, 255), (206, 208, 224)

    # charging case, lid closed
    ground(a, 400, 684, 340, 40, opacity=0.3, color=(70, 60, 120))
    box = (240, 490, 560, 684)
    case = a.shape(("rect", box, 92), paint=("v", white_l, white_d, 490, 684))
    a.shape(("rect", (200, 480, 600, 550)), paint=(255, 255, 255), opacity=0.7, clip=case)
    a.shape(("rect", (200, 548, 600, 552)), paint=(172, 174, 194), clip=case)
    a.shape(
        ("rect", (200, 460, 600, 720)),
        paint=(110, 110, 160),
        opacity=0.14,
        clip=subtract(case, mask(("rect", (240, 478, 560, 670), 92))),
    )
    a.shape(("circle", (400, 624, 6)), paint=(96, 216, 140))
    a.shape(("rect", (290, 506, 400, 516), 5), paint=(255, 255, 255), opacity=0.9)

    def bud(cx: float, cy: float, side: int) -> None:
        """One earbud in profile: head at (cx, cy), stem down, ear tip towards the middle."""
        ang = 14 * side

        def along(d: float, off: float = 0) -> Point:
            r = math.radians(ang)
            x = cx - d * math.sin(r) + off * math.cos(r)
            return (x, cy + d * math.cos(r) + off * math.sin(r))

        ground(a, along(210)[0], 480, 90, 16, opacity=0.16, color=(70, 60, 120), blur=10)
        # silicone ear tip, half hidden behind the head
        tx, ty = cx + 52 * side, cy + 4
        a.shape(
            ("poly", ellipse_pts(tx, ty, 26, 34, ang)),
            paint=("v", (214, 216, 230), (168, 170, 190), ty - 34, ty + 34),
        )
        a.shape(("poly", ellipse_pts(tx + 20 * side, ty, 5, 20, ang)), paint=(140, 142, 162))
        sx, sy = along(112)
        a.shape(
            ("poly", rot_rect(sx, sy, 40, 190, ang)),
            round_=14,
            paint=("h", white_l, white_d, sx - 24, sx + 24)
            if side == -1
            else ("h", white_d, white_l, sx - 24, sx + 24),
        )
        bx, by = along(196)
        a.shape(("poly", ellipse_pts(bx, by, 14, 7, ang)), paint=(170, 172, 192))
        a.shape(("circle", (cx, cy, 58)), paint=("v", white_l, white_d, cy - 40, cy + 70))
        a.shape(("ellipse", (cx - 34, cy - 40, cx - 12, cy - 22)), paint=(255, 255, 255))
        a.shape(
            ("poly", rot_rect(*along(100, -8 * side), 8, 110, ang)),
            round_=4,
            paint=(255, 255, 255),
            opacity=0.8,
        )

    bud(300, 250, 1)
    bud(500, 250, -1)
    return a


def smartwatch() -> Art:
    a = Art((226, 246, 238), (184, 224, 210), blob=(214, 240, 230), blob_r=300)
    a.dots([(150, 200, 10), (650, 170, 7), (660, 600, 12), (140, 590, 7)], (140, 200, 180))
    a.sparkle(610, 280, 22)
    ground(a, 400, 700, 200, 30, opacity=0.25, color=(40, 80, 70))
    band_l, band_d = (72, 84, 108), (34, 40, 54)
    a.shape(("rect", (328, 100, 472, 320), 30), paint=("v", band_d, band_l, 100, 320))
    a.shape(("rect", (328, 480, 472, 700), 30), paint=("v", band_l, band_d, 480, 700))
    for y in (560, 600, 640):
        a.shape(("circle", (400, y, 8)), paint=(22, 26, 36))
    a.shape(("rect", (316, 250, 484, 270), 6), paint=(30, 34, 46), opacity=0.6)
    a.shape(("rect", (316, 530, 484, 550), 6), paint=(30, 34, 46), opacity=0.6)
    # crown and button
    a.shape(
        ("rect", (508, 336, 544, 404), 10), paint=("h", (226, 230, 236), (140, 146, 156), 508, 544)
    )
    for y in range(344, 400, 9):
        a.shape(("line", [(536, y), (544, y)], 2), paint=(120, 126, 136))
    a.shape(("rect", (510, 430, 534, 476), 8), paint=(170, 176, 186))
    # case
    a.shape(
        ("rect", (278, 246, 522, 554), 74), paint=("h", (236, 238, 244), (132, 138, 150), 278, 522)
    )
    a.shape(("rect", (294, 262, 506, 538), 60), paint=(16, 16, 22))
    a.shape(("rect", (306, 274, 494, 526), 50), paint=("v", (30, 32, 44), (14, 14, 20), 274, 526))
    # activity rings
    cx, cy = 400, 400
    for r, col in ((82, (250, 78, 104)), (58, (150, 232, 84)), (34, (84, 204, 246))):
        box = (cx - r, cy - r, cx + r, cy + r)
        a.shape(("arc", box, 0, 360, 17), paint=shade(col, 0.7))
    for r, col, end in (
        (82, (250, 78, 104), 200),
        (58, (150, 232, 84), 120),
        (34, (84, 204, 246), 250),
    ):
        box = (cx - r, cy - r, cx + r, cy + r)
        a.shape(("arc", box, -90, end, 17), paint=col)
        a.shape(("circle", (cx, cy - r + 0.5, 8.5)), paint=col)
        e = math.radians(end)
        a.shape(
            ("circle", (cx + (r - 0.5) * math.cos(e), cy + (r - 0.5) * math.sin(e), 8.5)), paint=col
        )
    # glass sheen
    a.shape(
        ("poly", [(306, 274), (420, 274), (306, 420)]),
        paint=(255, 255, 255),
        opacity=0.07,
        clip=mask(("rect", (306, 274, 494, 526), 50)),
    )
    a.shape(("arc", (280, 248, 520, 552), 200, 250, 5), paint=(255, 255, 255), opacity=0.7)
    return a


def honey() -> Art:
    a = Art((255, 246, 220), (250, 222, 160), blob=(255, 238, 196), blob_r=300)
    a.dots([(140, 180, 10), (660, 150, 7), (680, 610, 10), (120, 600, 7)], (246, 200, 110))
    # honey dipper leaning behind the jar
    ang = 24
    a.shape(
        ("poly", rot_rect(560, 380, 20, 380, ang)),
        round_=8,
        paint=("h", (200, 146, 90), (150, 98, 52), 540, 600),
    )
    hx, hy = 560 + 190 * math.sin(math.radians(ang)), 380 - 190 * math.cos(math.radians(ang))
    hx, hy = hx + 8, hy + 10
    a.shape(
        ("poly", rot_rect(hx, hy, 76, 120, ang)),
        round_=22,
        paint=("h", (222, 168, 104), (166, 110, 60), hx - 50, hx + 50),
    )
    for k in range(-2, 3):
        gx = hx - k * 24 * math.sin(math.radians(ang))
        gy = hy + k * 24 * math.cos(math.radians(ang))
        a.shape(("poly", rot_rect(gx, gy, 80, 8, ang)), round_=3, paint=(120, 76, 36))
    ground(a, 400, 650, 330, 44, opacity=0.3, color=(150, 100, 30))
    # jar
    honey_l, honey_d = (252, 196, 70), (214, 126, 18)
    a.shape(("rect", (262, 312, 538, 652), 64), paint=("v", honey_l, honey_d, 330, 650))
    a.shape(
        ("rect", (262, 312, 538, 652), 64),
        paint=(255, 255, 255),
        opacity=0.12,
        clip=mask(("rect", (250, 300, 330, 660))),
    )
    a.shape(("rect", (286, 300, 514, 336), 8), paint=(255, 226, 150))
    a.shape(
        ("rect", (270, 228, 530, 312), 16), paint=("h", (250, 216, 120), (186, 134, 40), 270, 530)
    )
    for xx in range(284, 522, 13):
        a.shape(("line", [(xx, 240), (xx, 300)], 3), paint=(150, 104, 30), opacity=0.28)
    a.shape(("rect", (270, 228, 530, 244), 8), paint=(255, 240, 190), opacity=0.55)
    # label with honeycomb
    a.shape(("rect", (306, 410, 494, 566), 22), paint=(255, 250, 236))

    def hexagon(cx: float, cy: float, r: float) -> list[Point]:
        return [
            (
                cx + r * math.cos(math.radians(60 * k + 30)),
                cy + r * math.sin(math.radians(60 * k + 30)),
            )
            for k in range(6)
        ]

    r = 22
    for cx, cy in ((400 - r * 0.9, 472), (400 + r * 0.9, 472), (400, 472 + r * 1.56)):
        a.shape(("poly", hexagon(cx, cy, r - 2)), paint=(246, 176, 40))
        a.shape(("poly", hexagon(cx, cy, r - 9)), paint=(252, 214, 110))
    a.shape(("rect", (360, 536, 440, 544), 4), paint=(200, 150, 80))
    # glass highlights
    a.shape(("rect", (282, 360, 300, 620), 9), paint=(255, 255, 255), opacity=0.45)
    a.shape(("rect", (508, 370, 518, 430), 5), paint=(255, 255, 255), opacity=0.35)
    return a


def chocolates() -> Art:
    a = Art((252, 232, 232), (238, 194, 200), blob=(252, 222, 224), blob_r=310)
    a.dots([(130, 160, 9), (680, 150, 12), (690, 660, 7), (110, 650, 10)], (226, 160, 170))
    a.shadow(("rect", (176, 252, 636, 616), 26), blur=20, opacity=0.3, color=(110, 40, 60))
    a.shape(("rect", (164, 222, 636, 598), 28), paint=("v", (150, 44, 66), (108, 28, 46), 222, 598))
    a.shape(
        ("rect", (184, 242, 616, 578), 18), paint=("h", (240, 206, 126), (196, 150, 70), 184, 616)
    )
    a.shape(("rect", (194, 252, 606, 568), 12), paint=(70, 38, 30))
    kinds = [
        "dark",
        "milk",
        "heart",
        "white",
        "milk",
        "white",
        "dark",
        "heart",
        "heart",
        "dark",
        "white",
        "milk",
    ]
    for i, kind in enumerate(kinds):
        col, row = i % 4, i // 4
        x0, y0 = 200 + col * 101.5, 258 + row * 103
        cx, cy = x0 + 50, y0 + 51
        a.shape(
            ("rect", (x0 + 4, y0 + 4, x0 + 97, y0 + 99), 22),
            paint=("v", (104, 64, 48), (84, 50, 38), y0, y0 + 100),
        )
        a.shadow(("circle", (cx + 3, cy + 8, 34)), blur=5, opacity=0.45, color=(30, 14, 10))
        if kind == "dark":
            a.shape(
                ("circle", (cx, cy, 36)), paint=("v", (104, 60, 42), (58, 30, 20), cy - 36, cy + 36)
            )
            for k in range(3):
                a.shape(
                    ("line", wave(cx - 24, cx + 24, cy - 12 + k * 12, 4, 2, k), 3),
                    paint=(150, 100, 72),
                )
        elif kind == "milk":
            a.shape(
                ("rect", (cx - 34, cy - 34, cx + 34, cy + 34), 12),
                paint=("v", (184, 122, 76), (140, 86, 50), cy - 34, cy + 34),
            )
            square = mask(("rect", (cx - 34, cy - 34, cx + 34, cy + 34), 12))
            for k in (-1, 0, 1):
                a.shape(
                    ("line", [(cx - 40 + k * 22, cy + 30), (cx + 20 + k * 22, cy - 30)], 4),
                    paint=(250, 236, 214),
                    clip=square,
                )
        elif kind == "white":
            a.shape(
                ("circle", (cx, cy, 36)),
                paint=("v", (252, 244, 226), (226, 210, 182), cy - 36, cy + 36),
            )
            for k in range(3):
                a.shape(
                    ("line", wave(cx - 22, cx + 22, cy - 12 + k * 12, 4, 1.5, k), 4),
                    paint=(150, 96, 62),
                )
        else:
            hr = 18
            heart = [
                ("circle", (cx - hr * 0.9, cy - 8, hr + 1)),
                ("circle", (cx + hr * 0.9, cy - 8, hr + 1)),
                ("poly", [(cx - hr * 2 + 1, cy - 1), (cx + hr * 2 - 1, cy - 1), (cx, cy + 32)]),
            ]
            a.shape(*heart, round_=3, paint=("v", (226, 70, 92), (160, 30, 54), cy - 28, cy + 32))
            a.shape(
                ("ellipse", (cx - 26, cy - 20, cx - 14, cy - 8)), paint=(255, 255, 255), opacity=0.5
            )
        if kind != "heart":
            a.shape(
                ("ellipse", (cx - 24, cy - 26, cx - 10, cy - 14)),
                paint=(255, 255, 255),
                opacity=0.35,
            )
    # gold corner ribbon
    a.shape(
        ("poly", [(534, 222), (584, 222), (636, 274), (636, 324)]),
        paint=(232, 190, 96),
        clip=mask(("rect", (164, 222, 636, 598), 28)),
    )
    # a loose chocolate in front
    ground(a, 600, 670, 120, 24, opacity=0.35, color=(110, 40, 60), blur=8)
    a.shape(("circle", (600, 636, 40)), paint=("v", (112, 64, 44), (62, 32, 22), 596, 676))
    a.shape(("circle", (600, 636, 10)), paint=(232, 190, 96))
    a.shape(("ellipse", (572, 608, 588, 622)), paint=(255, 255, 255), opacity=0.35)
    return a


def bean(
    a: Art, cx: float, cy: float, ang: float, size: float = 1.0, color: RGB = (118, 70, 42)
) -> None:
    rx, ry = 26 * size, 18 * size
    a.shape(
        ("poly", ellipse_pts(cx, cy, rx, ry, ang)),
        paint=("v", tint(color, 0.12), shade(color, 0.2), cy - ry, cy + ry),
    )
    crease = rot(
        [
            (cx + rx * 0.75 * t / 10, cy - 4 * size * math.sin(math.pi * t / 10))
            for t in range(-10, 11)
        ],
        ang,
        cx,
        cy,
    )
    a.shape(("line", crease, 4 * size), paint=shade(color, 0.45))


def coffee() -> Art:
    a = Art((236, 242, 232), (204, 220, 200), blob=(226, 238, 222), blob_r=300)
    a.dots([(140, 190, 10), (660, 160, 8), (690, 520, 12), (120, 520, 7)], (170, 196, 166))
    ground(a, 400, 656, 360, 44, opacity=0.3, color=(60, 80, 50))
    kraft_l, kraft_d = (216, 176, 126), (168, 126, 82)
    bag = a.shape(
        ("poly", [(272, 214), (528, 214), (552, 656), (248, 656)]),
        round_=10,
        paint=("h", kraft_l, kraft_d, 248, 552),
    )
    a.shape(
        ("poly", [(248, 656), (552, 656), (548, 600), (252, 600)]),
        paint=shade(kraft_d, 0.1),
        opacity=0.35,
        clip=bag,
    )
    for pts in ([(292, 232), (276, 640)], [(508, 232), (524, 640)]):
        a.shape(("line", pts, 3), paint=shade(kraft_d, 0.25), opacity=0.35)
    teeth: list[Point] = [(266, 178)]
    for k in range(27):
        teeth.append((266 + (k + 0.5) * 10, 170 if k % 2 == 0 else 178))
    teeth += [(534, 178), (534, 232), (266, 232)]
    a.shape(("poly", teeth), paint=("h", tint(kraft_l, 0.1), kraft_d, 266, 534))
    a.shape(("line", [(272, 216), (528, 216)], 3), paint=shade(kraft_d, 0.3), opacity=0.5)
    # degassing valve
    a.shape(("circle", (400, 274, 16)), paint=(60, 46, 38))
    a.shape(("circle", (400, 274, 8)), paint=(100, 82, 70))
    # label
    a.shape(("rect", (300, 330, 500, 560), 16), paint=(40, 64, 64))
    bean(a, 400, 426, -30, 1.9, color=(214, 162, 106))
    a.shape(("rect", (344, 488, 456, 498), 5), paint=(236, 214, 170))
    a.shape(("rect", (366, 512, 434, 520), 4), paint=(150, 180, 170))
    a.shape(
        ("poly", [(272, 214), (330, 214), (300, 656), (248, 656)]),
        paint=(255, 255, 255),
        opacity=0.1,
        clip=bag,
    )
    # loose beans
    for cx, cy, ang in (
        (222, 640, 20),
        (270, 676, -35),
        (560, 668, 60),
        (610, 628, -10),
        (520, 700, 5),
    ):
        a.shadow(
            ("ellipse", (cx - 24, cy + 8, cx + 24, cy + 22)),
            blur=4,
            opacity=0.3,
            color=(60, 80, 50),
        )
        bean(a, cx, cy, ang)
    return a


def candle() -> Art:
    a = Art((240, 232, 248), (212, 198, 234), blob=(234, 224, 246), blob_r=300)
    a.dots([(140, 170, 9), (670, 180, 7), (680, 560, 12), (130, 520, 6)], (200, 180, 230))
    a.glow(400, 270, 260, (255, 214, 150), 0.65)
    ground(a, 400, 652, 300, 40, opacity=0.3, color=(80, 60, 110))
    # lavender sprigs lying in front-left
    ground(a, 190, 660, 180, 20, opacity=0.2, color=(80, 60, 110), blur=8)
    for x0, y0, x1, y1 in ((120, 670, 268, 560), (150, 682, 300, 610)):
        a.shape(("line", [(x0, y0), (x1, y1)], 5), paint=(120, 150, 96))
        dx, dy = x1 - x0, y1 - y0
        ln = math.hypot(dx, dy)
        ang = math.degrees(math.atan2(dy, dx))
        for k in range(8):
            t = 0.45 + k * 0.075
            px, py = x0 + dx * t, y0 + dy * t
            for side in (-1, 1):
                ox = -dy / ln * 9 * side
                oy = dx / ln * 9 * side
                a.shape(
                    ("poly", ellipse_pts(px + ox, py + oy, 11, 7, ang + 30 * side)),
                    paint=(150, 120, 200) if k % 2 else (126, 98, 184),
                )
        a.shape(
            ("poly", ellipse_pts(x1 + dx / ln * 10, y1 + dy / ln * 10, 10, 7, ang)),
            paint=(150, 120, 200),
        )
    # vessel: a ceramic tumbler
    top, bottom, x0, x1 = 372, 630, 282, 518
    rx, ry = (x1 - x0) / 2, 22
    ve_l, ve_d = (250, 236, 228), (206, 180, 176)
    a.shape(
        ("rect", (x0, top, x1, bottom)),
        ("ellipse", (x0, bottom - ry, x1, bottom + ry)),
        paint=("h", ve_l, ve_d, x0, x1),
    )

    # label band following the cylinder
    def curve(y: float, rev: bool = False) -> list[Point]:
        pts = [
            (
                x0 + (x1 - x0) * i / 40,
                y + ry * math.sqrt(max(0.0, 1 - ((x0 + (x1 - x0) * i / 40 - 400) / rx) ** 2)),
            )
            for i in range(41)
        ]
        return pts[::-1] if rev else pts

    a.shape(
        ("poly", curve(470) + curve(548, rev=True)),
        paint=("h", (150, 120, 200), (108, 82, 160), x0, x1),
    )
    for k, dx in enumerate((-26, 0, 26)):
        cy = 518 + (6 if k != 1 else 0)
        a.shape(("circle", (400 + dx, cy, 7)), paint=(246, 236, 252))
    # rim, inner wall, wax
    a.shape(("ellipse", (x0, top - ry, x1, top + ry)), paint=(236, 220, 214))
    inner = a.shape(
        ("ellipse", (x0 + 10, top - ry + 6, x1 - 10, top + ry - 4)), paint=(186, 160, 156)
    )
    a.shape(
        ("ellipse", (x0 + 10, top - ry + 16, x1 - 10, top + ry + 6)),
        paint=(250, 242, 226),
        clip=inner,
    )
    # wick and flame
    a.shape(("line", [(400, 378), (400, 338)], 5), paint=(60, 46, 46))
    a.shape(
        ("poly", drop_pts(400, 300, 26, 86)), paint=("v", (255, 196, 80), (255, 140, 40), 214, 326)
    )
    a.shape(("poly", drop_pts(400, 306, 16, 56)), paint=(255, 228, 140))
    a.shape(("poly", drop_pts(400, 312, 8, 28)), paint=(255, 250, 226))
    # highlight on the vessel
    a.shape(("rect", (300, 410, 316, 606), 8), paint=(255, 255, 255), opacity=0.55)
    return a


def mug() -> Art:
    a = Art((252, 236, 224), (242, 206, 186), blob=(252, 228, 214), blob_r=300)
    a.dots([(140, 170, 10), (670, 200, 7), (690, 610, 11), (120, 600, 7)], (236, 180, 160))
    ground(a, 390, 640, 360, 44, opacity=0.3, color=(130, 70, 50))
    glaze_l, glaze_d = (112, 152, 196), (62, 96, 140)
    x0, x1, top, bottom = 232, 492, 338, 628
    # handle
    a.shape(
        ("ellipse", (430, 392, 590, 560)),
        ("ellipse", (466, 428, 554, 524), {"cut": True}),
        paint=("h", glaze_l, glaze_d, 440, 590),
    )
    # body: clay below, glaze above with a drippy edge
    body = a.shape(
        ("rect", (x0, top, x1, bottom), 44),
        ("rect", (x0, top, x1, top + 80)),
        paint=("h", (232, 214, 190), (190, 166, 140), x0, x1),
    )
    rnd = random.Random(7)
    specks = [
        (rnd.uniform(x0 + 10, x1 - 10), rnd.uniform(520, bottom - 10), rnd.uniform(1.5, 3))
        for _ in range(70)
    ]
    a.shape(*[("circle", s) for s in specks], paint=(140, 112, 90), opacity=0.7, clip=body)
    drips = ((300, 30), (432, 22))

    def glaze_y(gx: float) -> float:
        return (
            526
            + 7 * math.sin(0.6 + 2 * math.pi * 2.5 * (gx - x0) / (x1 - x0))
            + sum(depth * math.exp(-(((gx - dx) / 13) ** 2)) for dx, depth in drips)
        )

    edge = [(x0 - 4 + (x1 - x0 + 8) * i / 120, 0.0) for i in range(121)]
    edge = [(gx, glaze_y(gx)) for gx, _ in edge]
    glaze_ops: list[Op] = [("poly", [(x0 - 4, top - 40), (x1 + 4, top - 40), *edge[::-1]])]
    glaze_ops += [("circle", (dx, glaze_y(dx) - 6, 11)) for dx, _ in drips]
    a.shape(*glaze_ops, paint=("h", glaze_l, glaze_d, x0, x1), clip=body)
    # rim and coffee
    ry = 24
    a.shape(("ellipse", (x0, top - ry, x1, top + ry)), paint=tint(glaze_l, 0.25))
    a.shape(("ellipse", (x0 + 12, top - ry + 7, x1 - 12, top + ry - 6)), paint=glaze_d)
    a.shape(
        ("ellipse", (x0 + 16, top - ry + 14, x1 - 16, top + ry - 4)),
        paint=("v", (120, 74, 44), (84, 50, 30), top - 10, top + 20),
    )
    a.shape(("ellipse", (x0 + 80, top - 4, x1 - 100, top + 10)), paint=(170, 120, 80), opacity=0.5)
    # highlight
    a.shape(("rect", (254, 372, 272, 520), 9), paint=(255, 255, 255), opacity=0.35)
    # steam
    for sx, ph in ((320, 0.0), (362, 1.7), (404, 3.2)):
        pts = [(sx + 12 * math.sin(ph + t / 18), 290 - t) for t in range(0, 130, 6)]
        a.shape(("line", pts, 10), paint=(255, 255, 255), opacity=0.6)
    return a


# --- catalog of pictures ------------------------------------------------------------------


PICTURES: dict[str, Callable[[], Art]] = {
    "serum": serum,
    "tshirt-navy": lambda: tshirt(
        (42, 58, 102), (228, 236, 246), (196, 212, 234), (216, 228, 246), (236, 190, 90)
    ),
    "tshirt-white": lambda: tshirt(
        (246, 245, 240), (212, 222, 232), (170, 186, 206), (196, 210, 226), (98, 140, 186)
    ),
    "tshirt-sage": lambda: tshirt(
        (140, 166, 130), (246, 240, 226), (226, 216, 196), (240, 232, 214), (246, 244, 236)
    ),
    "hoodie-grey": lambda: hoodie(
        (160, 162, 170), (236, 232, 226), (210, 204, 196), (228, 224, 218), (246, 160, 110)
    ),
    "hoodie-terracotta": lambda: hoodie(
        (198, 106, 76), (246, 234, 218), (232, 210, 186), (244, 228, 208), (236, 200, 160)
    ),
    "earbuds": earbuds,
    "smartwatch": smartwatch,
    "honey": honey,
    "chocolates": chocolates,
    "coffee": coffee,
    "candle": candle,
    "mug": mug,
}


def main(argv: Sequence[str] = ()) -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    names = list(argv) or list(PICTURES)
    for name in names:
        path = PICTURES[name]().save(name)
        print(f"{path.relative_to(OUT_DIR.parent.parent)}  {path.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
