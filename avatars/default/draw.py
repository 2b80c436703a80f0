"""Draw the default presenter's layers with Pillow alone.

Run `python avatars/default/draw.py` from anywhere: it rewrites the PNGs next to this
file, the same bytes on every run. `--sheet PATH` also writes a contact sheet: the
whole presenter, every mouth and every eye state, for checking the art by eye.

Every coordinate is on the 600x800 canvas of manifest.toml; each layer is drawn at
four times that size and scaled down for smooth edges, then cropped to the box the
manifest places it at.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 600, 800
SS = 4
HERE = Path(__file__).resolve().parent

RGB = tuple[int, int, int]
Point = tuple[float, float]

SKIN = (240, 192, 160)
SKIN_SHADE = (222, 164, 134)
SKIN_DEEP = (200, 138, 112)
BLUSH = (240, 140, 132)
HAIR = (84, 50, 40)
HAIR_DARK = (58, 34, 30)
HAIR_SHINE = (136, 88, 66)
BROW = (78, 52, 44)
LASH = (40, 26, 26)
IRIS = (112, 74, 50)
IRIS_DARK = (70, 44, 32)
WHITE = (252, 248, 244)
LIP = (208, 104, 106)
LIP_DARK = (176, 80, 88)
LIP_LINE = (150, 66, 74)
MOUTH_IN = (84, 26, 38)
TEETH = (252, 250, 244)
TONGUE = (222, 116, 122)
JACKET = (34, 118, 124)
JACKET_SHADE = (24, 92, 100)
JACKET_LIGHT = (52, 142, 146)
SHELL = (250, 242, 230)
SHELL_SHADE = (228, 214, 198)
GOLD = (222, 178, 92)

# Boxes (x, y, w, h) the cropped layers cover on the canvas; manifest.toml repeats them.
BOXES = {
    "back": (100, 86, 400, 520),
    "body": (0, 360, 600, 440),
    "head": (160, 90, 320, 500),
    "eyes": (216, 266, 168, 56),
    "mouth": (260, 366, 80, 68),
}
MOUTH = (300.0, 392.0)  # centre of every mouth shape


# --- drawing surface --------------------------------------------------------------------


class Sheet:
    """A transparent full-canvas drawing surface at SS times the canvas size."""

    def __init__(self, colour: RGB | None = None) -> None:
        base = (*colour, 0) if colour else (0, 0, 0, 0)
        self.im = Image.new("RGBA", (W * SS, H * SS), base)
        self.draw = ImageDraw.Draw(self.im)

    def poly(self, pts: Sequence[Point], fill: RGB | tuple[int, ...]) -> None:
        self.draw.polygon([(x * SS, y * SS) for x, y in pts], fill=_rgba(fill))

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: RGB) -> None:
        box = ((cx - rx) * SS, (cy - ry) * SS, (cx + rx) * SS, (cy + ry) * SS)
        self.draw.ellipse(box, fill=_rgba(fill))

    def line(self, pts: Sequence[Point], fill: RGB | tuple[int, ...], width: float) -> None:
        xy = [(x * SS, y * SS) for x, y in pts]
        self.draw.line(xy, fill=_rgba(fill), width=round(width * SS), joint="curve")
        r = width * SS / 2
        for x, y in (xy[0], xy[-1]):  # round caps
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(fill))

    def over(self, top: Sheet, clip: Sheet | None = None) -> None:
        """Composite `top` over this sheet, keeping only what lies inside `clip`."""
        im = top.im
        if clip is not None:
            im = im.copy()
            alpha = Image.composite(im.getchannel("A"), Image.new("L", im.size), clip.alpha())
            im.putalpha(alpha)
        self.im.alpha_composite(im)

    def alpha(self) -> Image.Image:
        return self.im.getchannel("A").point(lambda a: 255 if a > 127 else 0)

    def blur(self, radius: float) -> None:
        self.im = self.im.filter(ImageFilter.GaussianBlur(radius * SS))
        self.draw = ImageDraw.Draw(self.im)

    def final(self, box: tuple[int, int, int, int]) -> Image.Image:
        """The sheet at canvas size, cropped to the box its layer is placed at."""
        small = self.im.resize((W, H), Image.Resampling.BOX)
        x, y, w, h = box
        left, top, right, bottom = small.getchannel("A").getbbox() or (x, y, x, y)
        if left < x or top < y or right > x + w or bottom > y + h:
            raise SystemExit(f"draw.py: a layer spills out of its box {box}: {small.getbbox()}")
        return small.crop((x, y, x + w, y + h))


def _rgba(c: RGB | tuple[int, ...]) -> tuple[int, ...]:
    return c if len(c) == 4 else (*c, 255)


def soft(pts: Sequence[Point], colour: RGB, alpha: int, radius: float) -> Sheet:
    """A blurred shape of one colour, for shading and blush."""
    s = Sheet(colour)
    s.poly(pts, (*colour, alpha))
    s.blur(radius)
    return s


def spline(pts: Sequence[Point], closed: bool = True, n: int = 16) -> list[Point]:
    """A smooth Catmull-Rom curve through the points."""
    out: list[Point] = []
    m = len(pts)
    for i in range(m if closed else m - 1):
        p0 = pts[(i - 1) % m] if closed else pts[max(i - 1, 0)]
        p1, p2 = pts[i], pts[(i + 1) % m]
        p3 = pts[(i + 2) % m] if closed else pts[min(i + 2, m - 1)]
        for k in range(n):
            t = k / n
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[j]
                        + (-p0[j] + p2[j]) * t
                        + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                        + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3
                    )
                    for j in (0, 1)
                )
            )
    if not closed:
        out.append(pts[-1])
    return out


def mirror(pts: Sequence[Point]) -> list[Point]:
    return [(W - x, y) for x, y in pts]


def ellipse_pts(cx: float, cy: float, rx: float, ry: float, n: int = 64) -> list[Point]:
    return [
        (cx + rx * math.cos(2 * math.pi * k / n), cy + ry * math.sin(2 * math.pi * k / n))
        for k in range(n)
    ]


def curve(pts: Sequence[Point], n: int = 16) -> list[Point]:
    return spline(pts, closed=False, n=n)


# --- shapes shared by several layers ----------------------------------------------------

FACE = spline(
    [
        (300, 150), (366, 160), (398, 212), (404, 280), (398, 342), (382, 388),
        (352, 424), (322, 442), (300, 446), (278, 442), (248, 424), (218, 388),
        (202, 342), (196, 280), (202, 212), (234, 160),
    ]
)
TORSO = spline(
    [
        (262, 476), (228, 506), (150, 528), (90, 550), (52, 590), (34, 660), (30, 760),
        (30, 860), (30, 900), (570, 900), (570, 860), (570, 760), (566, 660), (548, 590),
        (510, 550), (450, 528), (372, 506), (338, 476),
    ]
)
NECK = curve([(266, 370), (264, 440), (258, 496)]) + curve([(342, 496), (336, 440), (334, 370)])
EYE_UPPER = [(230, 303), (240, 290), (256, 284), (272, 288), (283, 299)]
EYE_LOWER = [(283, 299), (272, 310), (256, 315), (241, 312), (230, 303)]


# --- layers -----------------------------------------------------------------------------


def back() -> Sheet:
    """Hair behind the head and shoulders: it moves with the head."""
    s = Sheet()
    hair = spline(
        [
            (300, 92), (388, 110), (446, 172), (464, 262), (466, 360), (470, 460),
            (484, 540), (494, 584), (460, 600), (300, 590), (140, 600), (106, 584),
            (116, 540), (130, 460), (134, 360), (136, 262), (154, 172), (212, 110),
        ]
    )
    s.poly(hair, HAIR_DARK)
    s.over(soft(ellipse_pts(300, 330, 120, 260), HAIR, 255, 26), clip=s)
    return s


def body() -> Sheet:
    """Neck, shoulders, a cream top under a teal blazer, a necklace and a clip-on mic."""
    s = Sheet()
    s.poly(TORSO, SKIN)
    s.poly(NECK, SKIN)
    chest = Sheet()
    chest.poly(TORSO, SKIN)
    chest.poly(NECK, SKIN)
    # The chin's shadow on the neck, and the neck's shadow on the chest.
    s.over(soft([*curve([(250, 380), (300, 440), (350, 380)]), (350, 360), (250, 360)],
                SKIN_DEEP, 255, 8), clip=chest)
    s.over(soft([*curve([(340, 380), (330, 470), (300, 510)]), (360, 520), (360, 380)],
                SKIN_SHADE, 200, 8), clip=chest)
    s.over(soft([*curve([(262, 488), (300, 508), (338, 488)]), (338, 520), (262, 520)],
                SKIN_SHADE, 170, 7), clip=chest)
    scoop = curve([(222, 512), (260, 552), (300, 566), (340, 552), (378, 512)])
    top = Sheet()
    top.poly([(180, 500), *scoop, (420, 500), (420, 840), (180, 840)], SHELL)
    top.poly(curve([(232, 530), (266, 562), (300, 574), (334, 562), (368, 530)]) +
             curve([(368, 536), (334, 572), (300, 586), (266, 572), (232, 536)]),
             SHELL_SHADE)
    s.over(top, clip=chest)
    # Necklace: a fine chain and a small drop.
    s.line(curve([(266, 500), (280, 526), (300, 536), (320, 526), (334, 500)]), GOLD, 1.6)
    s.ellipse(300, 542, 5, 6, GOLD)
    s.ellipse(298.5, 540, 1.8, 2.2, (250, 226, 160))
    jacket = Sheet()
    for flip in (False, True):
        f = mirror if flip else list
        inner = curve([(252, 480), (244, 508), (262, 590), (282, 680), (294, 840)])
        jacket.poly(f([(0, 470), *inner, (0, 840)]), JACKET)
    s.over(jacket, clip=chest)
    worn = Sheet()
    worn.over(jacket, clip=chest)
    jacket = worn
    shade = Sheet()
    for flip in (False, True):
        f = mirror if flip else list
        # Sleeve seams and the arm's shadow under the shoulder.
        shade.line(f(curve([(132, 540), (112, 620), (104, 720), (102, 840)])), JACKET_SHADE, 3)
        shade.poly(f([*curve([(112, 620), (100, 720), (96, 840)]), (0, 840), (0, 600)]),
                   (*JACKET_SHADE, 120))
    s.over(shade, clip=jacket)
    s.over(soft([*curve([(380, 560), (480, 600), (600, 700)]), (600, 840), (330, 840)],
                JACKET_SHADE, 150, 24), clip=jacket)
    s.over(soft([*curve([(80, 560), (160, 540), (230, 540)]), (200, 600), (60, 640)],
                JACKET_LIGHT, 170, 18), clip=jacket)
    for flip in (False, True):
        f = mirror if flip else list
        lapel = f(
            curve([(252, 480), (244, 508), (262, 590), (282, 680)])
            + curve([(282, 680), (232, 606), (214, 594), (204, 586)], n=8)
            + curve([(204, 586), (214, 560), (220, 520), (238, 490)], n=8)
        )
        s.poly(lapel, JACKET_SHADE if flip else JACKET_LIGHT)
        s.line(f(curve([(244, 508), (262, 590), (282, 680)])), JACKET_SHADE, 2.4)
        s.line(f([(204, 586), (214, 594), (232, 606)]), JACKET_SHADE, 2)
    # A small clip-on microphone on the left lapel: this presenter is on air.
    s.poly([(226, 592), (236, 592), (238, 612), (224, 612)], (58, 58, 62))
    s.ellipse(231, 588, 7, 9, (36, 36, 40))
    s.ellipse(229, 585, 2.5, 3, (90, 90, 98))
    s.line(curve([(231, 612), (226, 650), (236, 700), (240, 760)]), (36, 36, 40), 1.6)
    return s


def head() -> Sheet:
    """Face, ears, brows, nose and the hair in front; eyes and mouth are layers of their own."""
    s = Sheet()
    face = Sheet()
    face.poly(FACE, SKIN)
    for flip in (False, True):
        f = mirror if flip else list
        ear = spline([(202, 290), (186, 282), (176, 300), (180, 326), (190, 346), (206, 352)])
        s.poly(f(ear), SKIN_SHADE if flip else SKIN)
        s.line(f(curve([(196, 300), (186, 306), (190, 330), (200, 340)])), SKIN_DEEP, 2.5)
    s.ellipse(186, 352, 3.4, 3.4, GOLD)  # a small stud earring
    s.over(face)
    # Shade on the side away from the light, under the fringe and under the lip.
    s.over(soft([*curve([(404, 200), (390, 320), (356, 420), (300, 452)]), (420, 460), (430, 200)],
                SKIN_SHADE, 255, 9), clip=face)
    s.over(soft([*curve([(220, 176), (290, 186), (360, 210), (404, 260)]), (404, 150), (220, 150)],
                SKIN_SHADE, 255, 8), clip=face)
    s.over(soft(ellipse_pts(300, 424, 12, 4), SKIN_SHADE, 200, 3), clip=face)
    for cx in (244, 356):
        s.over(soft(ellipse_pts(cx, 352, 24, 13), BLUSH, 120, 8), clip=face)
    # Nose: a shadow along the bridge, the tip and a highlight.
    s.over(soft([*curve([(306, 304), (310, 330), (313, 348)]), (304, 350), (301, 304)],
                SKIN_SHADE, 220, 3), clip=face)
    s.line(curve([(290, 350), (296, 355), (304, 355), (310, 350)]), SKIN_DEEP, 2.6)
    s.ellipse(297, 344, 3.5, 2.5, (250, 214, 190))
    for flip in (False, True):
        f = mirror if flip else list
        brow = spline([(226, 272), (238, 260), (258, 253), (282, 257), (284, 263),
                       (262, 261), (242, 265), (230, 276)])
        s.poly(f(brow), BROW)
    hair = Sheet()
    outline = curve(
        [
            (188, 286), (170, 262), (166, 200), (196, 138), (262, 100), (340, 98),
            (404, 122), (444, 178), (460, 260), (462, 360), (466, 460), (476, 540),
            (470, 578), (452, 584),
        ]
    ) + curve(
        [
            (452, 584), (430, 540), (416, 480), (406, 420), (404, 350), (406, 290),
            (398, 246), (374, 214), (332, 192), (288, 176), (254, 160), (230, 170),
            (210, 200), (200, 246), (196, 286), (188, 286),
        ]
    )
    hair.poly(outline, HAIR)
    s.over(hair)
    s.over(soft(curve([(196, 220), (222, 156), (278, 120), (330, 114)], n=24) +
                curve([(320, 126), (274, 136), (236, 170), (210, 226)], n=24),
                HAIR_SHINE, 255, 3), clip=hair)
    s.over(soft(curve([(404, 290), (396, 230), (350, 198), (300, 180), (260, 164)]) +
                curve([(260, 150), (320, 160), (380, 190), (430, 260), (430, 300)]),
                HAIR_DARK, 200, 6), clip=hair)
    strands = Sheet()
    for pts in (
        [(262, 104), (276, 140), (318, 172), (372, 200), (404, 246)],
        [(300, 100), (336, 140), (392, 178), (428, 240)],
        [(222, 134), (204, 180), (196, 240), (190, 280)],
        [(428, 300), (432, 400), (446, 500), (462, 570)],
    ):
        strands.line(curve(pts), HAIR_DARK, 2)
    strands.line(curve([(436, 220), (448, 300), (450, 420)]), HAIR_SHINE, 2)
    s.over(strands, clip=hair)
    return s


def lash(edge: Sequence[Point]) -> list[Point]:
    """The upper lash line along a lid edge (outer corner first): thick outside, a small wing."""
    line = curve(edge)
    n = len(line)
    top = [(x, y - 1.2 - 2.8 * (1 - i / (n - 1)) ** 0.7) for i, (x, y) in enumerate(line)]
    x0, y0 = line[0]
    return [*line, *top[::-1], (x0 - 10, y0 - 8), (x0 + 2, y0 - 1)]


def eyes(state: str) -> Sheet:
    """Both eyes, open, half closed or closed, over plain skin."""
    s = Sheet()
    for flip in (False, True):
        f = mirror if flip else list
        if state == "closed":
            lid = curve([(230, 303), (242, 309), (257, 311), (272, 308), (283, 301)])
            s.line(f(lid), LASH, 3.2)
            s.poly(f([(232, 304), (221, 301), (235, 307)]), LASH)
            continue
        almond = Sheet()
        almond.poly(f(curve(EYE_UPPER) + curve(EYE_LOWER)), WHITE)
        ball = Sheet()
        ball.over(almond)
        cx = W - 256 if flip else 256
        ball.ellipse(cx, 300, 13.5, 13.5, IRIS_DARK)
        ball.ellipse(cx, 301, 11.5, 11.5, IRIS)
        ball.ellipse(cx, 300, 6, 6, (28, 18, 16))
        ball.ellipse(cx + 4.5, 295, 3.6, 3.6, (255, 255, 255))
        ball.ellipse(cx - 4, 306, 1.7, 1.7, (255, 255, 255))
        # The upper lid's shadow on the eyeball.
        ball.over(soft(f(curve(EYE_UPPER)) + f([(283, 293), (230, 296)]), IRIS_DARK, 140, 2))
        s.over(ball, clip=almond)
        edge = EYE_UPPER
        if state == "half":
            edge = [(230, 303), (243, 300), (257, 298), (271, 298), (283, 299)]
            s.poly(f([*curve(edge), (286, 284), (257, 270), (226, 286)]), SKIN)
        else:
            crease = [(240, 280), (256, 275), (272, 279)]
            s.line(f(curve(crease)), (*SKIN_DEEP, 170), 1.6)
        s.poly(f(lash(edge)), LASH)
        s.line(f(curve(EYE_LOWER[1:4])), (*SKIN_DEEP, 150), 1.4)
    return s


# Mouth shapes, as offsets from MOUTH: half width, corner height, opening top and bottom
# at the middle, lip thicknesses, upper and lower teeth shown, tongue height, round or not.
MOUTHS: dict[str, dict[str, float]] = {
    "X": dict(hw=23, cy=-3, top=1, bot=1, ul=6, ll=8),
    "A": dict(hw=19, cy=0, top=0, bot=0, ul=4.5, ll=5.5),
    "B": dict(hw=22, cy=-1, top=-2, bot=5, ul=6, ll=8, teeth=3.5),
    "C": dict(hw=24, cy=-1, top=-5, bot=12, ul=6, ll=8, teeth=5, tongue=4),
    "D": dict(hw=26, cy=0, top=-9, bot=25, ul=6, ll=8, teeth=5, tongue=4),
    "E": dict(hw=16, cy=0, top=-8, bot=14, ul=7, ll=8, teeth=3, round=1),
    "F": dict(hw=10, cy=0, top=-3, bot=5, ul=7, ll=8, round=1),
    "G": dict(hw=22, cy=-1, top=-4, bot=3, ul=6, ll=6, teeth=7),
    "H": dict(hw=23, cy=-1, top=-5, bot=13, ul=6, ll=8, teeth=4, tongue=-9),
}


def mouth(name: str) -> Sheet:
    """One mouth shape on a transparent layer, centred on MOUTH."""
    p = MOUTHS[name]
    mx, my = MOUTH
    hw, cy, top, bot, ul, ll = p["hw"], p["cy"], p["top"], p["bot"], p["ul"], p["ll"]

    def at(pts: Sequence[Point]) -> list[Point]:
        return [(mx + x, my + y) for x, y in pts]

    s = Sheet()
    if p.get("round"):
        ox, oy = hw, (bot - top) / 2
        mid = (top + bot) / 2
        opening = at(ellipse_pts(0, mid, ox, oy))
        lips = at(ellipse_pts(0, mid + (ll - ul) / 2, ox + (ul + ll) / 2 + 1, oy + (ul + ll) / 2))
        s.poly(lips, LIP)
        s.poly(at(ellipse_pts(0, mid - oy * 0.4, ox + 5, oy * 0.7)), LIP_DARK)
    else:
        upper = curve(
            [
                (-hw - 3, cy + 1), (-hw * 0.55, top - ul), (-hw * 0.18, top - ul - 1.5),
                (0, top - ul + 1.2), (hw * 0.18, top - ul - 1.5), (hw * 0.55, top - ul),
                (hw + 3, cy + 1),
            ]
        )
        lower = curve([(hw + 3, cy + 1), (hw * 0.55, bot + ll * 0.85), (0, bot + ll),
                       (-hw * 0.55, bot + ll * 0.85), (-hw - 3, cy + 1)])
        top_edge = curve([(-hw, cy), (-hw * 0.5, top * 0.85 + cy * 0.15), (0, top),
                          (hw * 0.5, top * 0.85 + cy * 0.15), (hw, cy)])
        bot_edge = curve([(hw, cy), (hw * 0.5, bot * 0.8 + cy * 0.2), (0, bot),
                          (-hw * 0.5, bot * 0.8 + cy * 0.2), (-hw, cy)])
        s.poly(at(upper + lower), LIP)
        s.poly(at(upper + top_edge[::-1]), LIP_DARK)
        opening = at(top_edge + bot_edge)
    if bot > top + 0.5:
        hole = Sheet()
        hole.poly(opening, MOUTH_IN)
        inside = Sheet()
        inside.poly(opening, MOUTH_IN)
        if p.get("teeth"):
            t = top + p["teeth"]
            teeth = [(-hw, top - 4), (hw, top - 4), (hw, t - 1), (0, t), (-hw, t - 1)]
            inside.poly(at(teeth), TEETH)
        tongue = p.get("tongue", 0)
        if tongue > 0:
            inside.ellipse(mx, my + bot + 2, hw * 0.62, tongue + 2, TONGUE)
        elif tongue < 0:  # the tip raised behind the upper teeth
            inside.poly(at(curve([(-hw * 0.55, bot + 4), (-hw * 0.4, top + 5), (0, top + 1),
                                  (hw * 0.4, top + 5), (hw * 0.55, bot + 4)])), TONGUE)
        s.over(inside, clip=hole)
    else:
        s.line(at(curve([(-hw, cy), (-hw * 0.5, cy * 0.4 + top), (0, top),
                         (hw * 0.5, cy * 0.4 + top), (hw, cy)])), LIP_LINE, 2)
    # A soft shine on the lower lip and, for a smile, a crease at each corner.
    s.ellipse(mx - 3, my + bot + ll * 0.45, hw * 0.35, ll * 0.18, (232, 150, 150))
    if cy < -1:
        for side in (-1, 1):
            s.line(at([(side * (hw + 2), cy - 1), (side * (hw + 4.5), cy + 1.5)]), SKIN_DEEP, 1.8)
    return s


# --- output -----------------------------------------------------------------------------


def layers() -> dict[str, Image.Image]:
    """Every PNG of the pack, by file name."""
    out = {
        "back.png": back().final(BOXES["back"]),
        "body.png": body().final(BOXES["body"]),
        "head.png": head().final(BOXES["head"]),
    }
    for state in ("open", "half", "closed"):
        out[f"eyes_{state}.png"] = eyes(state).final(BOXES["eyes"])
    for name in MOUTHS:
        out[f"mouth_{name}.png"] = mouth(name).final(BOXES["mouth"])
    return out


def composite(images: dict[str, Image.Image], eye: str, mouth_name: str) -> Image.Image:
    """The presenter at rest on the canvas, as the manifest places the layers."""
    canvas = Image.new("RGBA", (W, H))
    parts = [("back", "back.png"), ("body", "body.png"), ("head", "head.png"),
             ("eyes", f"eyes_{eye}.png"), ("mouth", f"mouth_{mouth_name}.png")]
    for box, name in parts:
        canvas.alpha_composite(images[name], BOXES[box][:2])
    return canvas


def contact_sheet(images: dict[str, Image.Image]) -> Image.Image:
    """The presenter on a grey card, then every mouth and eye state enlarged and labelled."""
    sheet = Image.new("RGBA", (1500, 1000), (214, 220, 228, 255))
    pen = ImageDraw.Draw(sheet)
    sheet.alpha_composite(composite(images, "open", "X"), (20, 100))
    x, y, w, h = BOXES["mouth"]
    for i, name in enumerate(MOUTHS):
        tile = composite(images, "open", name).crop((x - 10, y - 4, x + w + 10, y + h + 4))
        tile = tile.resize((tile.width * 2, tile.height * 2), Image.Resampling.LANCZOS)
        where = (640 + (i % 3) * 280, 20 + (i // 3) * 215)
        sheet.alpha_composite(tile, where)
        pen.text((where[0] + 6, where[1] + 4), f"mouth {name}", fill=(40, 40, 40), font_size=22)
    x, y, w, h = BOXES["eyes"]
    for i, state in enumerate(("open", "half", "closed")):
        tile = composite(images, state, "X").crop((x, y, x + w, y + h))
        where = (640 + (i % 2) * 380, 680 + (i // 2) * 150)
        sheet.alpha_composite(tile.resize((w * 2, h * 2)), where)
        pen.text((where[0], where[1] + h * 2 + 2), f"eyes {state}", fill=(40, 40, 40), font_size=18)
    return sheet


def main(argv: Sequence[str]) -> None:
    images = layers()
    for name, image in images.items():
        image.save(HERE / name, optimize=True)
    if len(argv) == 2 and argv[0] == "--sheet":
        contact_sheet(images).save(argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])
