"""The mouth shapes on a photo: lips moved along the mesh, and what an open mouth shows.

Each shape moves the lip and jaw lines of the mesh; the skin between them stretches or
squeezes column by column (`columns.squeeze`), and the box's edge stays put, so there is
no seam. The gap the lips leave is drawn: a dark cavity, the upper teeth under the upper
lip, the lower teeth, and the tongue's shade.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.avatar.photo import mesh
from host.avatar.photo.columns import Axes, fade, squeeze
from host.avatar.photo.detect import Rgb
from host.avatar.photo.landmarks import Points
from host.avatar.pose import VISEMES

Box = tuple[int, int, int, int]  # x, y, width, height
Plane = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Shape:
    """One mouth shape, in shares of the mouth's width (corner to corner)."""

    gap: float = 0.0  # between the inner lips at the middle
    round: float = 0.0  # corners drawn in (rounded, puckered); negative spreads them
    press: float = 0.0  # lips thinned (M, B, P)
    tuck: bool = False  # the lower lip under the upper teeth (F, V)
    tongue_up: bool = False  # the tongue's tip behind the upper teeth (L)


SHAPES = {
    "X": Shape(),
    "A": Shape(press=0.05),
    "B": Shape(gap=0.07, round=-0.02),
    "C": Shape(gap=0.2, round=-0.04),
    "D": Shape(gap=0.33, round=-0.02),
    "E": Shape(gap=0.2, round=0.15),
    "F": Shape(gap=0.09, round=0.3),
    "G": Shape(gap=0.015, tuck=True),
    "H": Shape(gap=0.22, round=-0.02, tongue_up=True),
}
assert set(SHAPES) == set(VISEMES)
_TEETH = 0.11  # the upper teeth's height shown under the lip, in mouth widths
_LOWER_TEETH = 0.045
_CHIN_LINE = (172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397)
_STILL = (1, 2, 98, 327, 4, 5, 195, 93, 323, 132, 361, 234, 454, 50, 280, 205, 425)


@dataclass(frozen=True, eq=False)
class MouthKit:
    """Every shape's picture of the mouth's box, made once for one picture of the face."""

    box: Box
    patches: dict[str, Rgb]  # shape -> RGB of the box
    inner: dict[str, tuple[Plane, Plane]]  # shape -> inner lips (upper, lower), box pixels


def mouth_kit(image: Rgb, points: Points) -> MouthKit:
    """The mouth box of `image` in every shape."""
    import cv2

    frame = _Frame(points)
    box = frame.box(image.shape[1], image.shape[0])
    x, y = box[:2]
    u, v = frame.axes.grid(box)
    patches: dict[str, Rgb] = {}
    inner: dict[str, tuple[Plane, Plane]] = {}
    lip_colour = _lip_colour(image, points)
    teeth_colour = _teeth_colour(image, frame)
    for name, shape in SHAPES.items():
        shifts = frame.shifts(shape)
        src_x, src_y = frame.axes.to_xy(*frame.warp(shape, shifts, u, v))
        warped = np.asarray(cv2.remap(
            image, src_x.astype(np.float32), src_y.astype(np.float32), cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE), np.uint8)
        upper, lower = frame.inner(shifts)
        patches[name] = _draw_inside(
            warped, frame.axes, u, v, upper, lower, shape, lip_colour, teeth_colour)
        inner[name] = (upper - (x, y), lower - (x, y))
    return MouthKit(box, patches, inner)


class _Frame:
    """The mouth's own axes: u along the corners (-1 to 1), v down across them, in pixels."""

    def __init__(self, points: Points) -> None:
        self.points = points[:, :2].astype(np.float64)
        self.axes = Axes(self.points[mesh.LEFT_CORNER], self.points[mesh.RIGHT_CORNER])
        self.centre = self.axes.centre
        self.width = self.axes.length
        self.uv = np.stack([self.axes.u_of(self.points), self.axes.v_of(self.points)], axis=1)

    def box(self, width: int, height: int) -> Box:
        chin = self.points[mesh.CHIN]
        nose = self.points[2]
        reach = 1.35 * self.width
        x0 = int(max(0, self.centre[0] - reach))
        x1 = int(min(width, self.centre[0] + reach))
        # The still lines run along the mouth's own axis: where the face leans, the box
        # reaches past them by the lean across its width, so its edge rows never move.
        lean = abs(float(self.axes.across[1])) * reach + 2
        y0 = int(max(0, nose[1] - 0.05 * self.width - lean))
        y1 = int(min(height, chin[1] + 0.6 * self.width + lean))
        return (x0, y0, x1 - x0, y1 - y0)

    def line_v(self, indices: tuple[int, ...], u: Plane,
               shifts: dict[int, npt.NDArray[np.float64]] | None = None) -> Plane:
        """The v of a line of mesh points (moved by `shifts`, if given) at each u."""
        pts = self.points[list(indices)]
        if shifts is not None:
            pts = pts + np.array([shifts[i] for i in indices])
        return self.axes.line(pts, u)

    def warp(self, shape: Shape, shifts: dict[int, npt.NDArray[np.float64]], u: Plane,
             v: Plane) -> tuple[Plane, Plane]:
        """Where each (u, v) of the new mouth, its points moved by `shifts`, takes its
        pixel from in the picture."""
        lines = (mesh.OUTER_UPPER, mesh.INNER_UPPER, mesh.INNER_LOWER, mesh.OUTER_LOWER)
        near = fade(u, 1.0, 1.7)  # the lips' lines fade out past the corners
        # Rounding draws the corners in: the lips at u come from the column `came_u`, where
        # the same slide moved the mesh's points from, so the lines and the skin agree.
        came_u = _unslide(u, shape.round)
        top = np.full_like(u, self.uv[2, 1] - 0.05 * self.width)
        bottom = np.full_like(u, self.uv[mesh.CHIN, 1] + 0.55 * self.width)
        chin = self.line_v(_CHIN_LINE, u)
        jaw = self.jaw(shape) * np.maximum(0.25, 1 - 0.3 * np.abs(u)) * fade(u, 1.3, 2.3)
        came = [top] + [self.line_v(line, came_u) for line in lines] + [chin, bottom]
        to = [top] + [old + (self.line_v(line, u, shifts) - old) * near
                      for line, old in zip(lines, came[1:5], strict=True)] + [chin + jaw, bottom]
        src_v = squeeze(v, to, came)
        # The slide is whole at the lips and fades out above and below them.
        lips = self.uv[mesh.UPPER_MID, 1]
        below = (v - lips) / self.width
        above = (lips - v) / max(1e-6, lips - top[0, 0])  # 1 at the box's still top edge
        band = np.where(below < 0, fade(above, 0.3, 1.0), fade(below, 0.15, 0.45))
        return u - (u - came_u) * band, src_v

    def jaw(self, shape: Shape) -> float:
        middle_gap = self.uv[mesh.LOWER_MID, 1] - self.uv[mesh.UPPER_MID, 1]
        return max(0.0, float(0.75 * shape.gap * self.width - 0.5 * middle_gap))

    def shifts(self, shape: Shape) -> dict[int, npt.NDArray[np.float64]]:
        """Mesh point -> how far it moves (x, y) for `shape`.

        Each pair of inner-lip points (upper and lower, corner to corner) meets at its
        middle and opens from there by the shape's gap, most at the middle of the mouth;
        the outer lips follow their inner lines, the chin and jaw follow the lower lip.
        """
        w = self.width
        uv = self.uv
        moves: dict[int, tuple[float, float]] = {}  # index -> (du in pixels, dv)
        jaw = self.jaw(shape)
        bulge = 0.12 * max(shape.round, 0.0) * w
        for top, bottom, out_top, out_bottom in zip(
            mesh.INNER_UPPER, mesh.INNER_LOWER, mesh.OUTER_UPPER, mesh.OUTER_LOWER, strict=True
        ):
            u = float(np.clip((uv[top, 0] + uv[bottom, 0]) / 2, -1, 1))
            profile = max(0.0, 1 - u * u) ** 0.6
            middle = (uv[top, 1] + uv[bottom, 1]) / 2
            gap = shape.gap * w * profile
            if shape.tuck:  # the lower lip rises to the upper teeth's edge
                middle = uv[top, 1] + 0.03 * w * profile
            du = float(_slide(np.array(u), shape.round) - u) * w / 2
            to_top = middle - 0.25 * gap - uv[top, 1]
            to_bottom = middle + 0.75 * gap - uv[bottom, 1]
            moves[top] = (du, to_top)
            moves[bottom] = (du, to_bottom)
            moves[out_top] = (du, 0.6 * to_top - bulge * profile + shape.press * w * profile)
            moves[out_bottom] = (du, 0.8 * to_bottom + 0.2 * jaw * profile
                                 + bulge * profile - shape.press * w * profile)
        for i in mesh.JAW:
            if i not in moves:
                u = abs(float(uv[i, 0]))
                moves[i] = (0.0, jaw * max(0.25, 1 - 0.3 * u))
        for i in _STILL:
            moves.setdefault(i, (0.0, 0.0))
        return {i: du * self.axes.across + dv * self.axes.down for i, (du, dv) in moves.items()}

    def inner(self, shifts: dict[int, npt.NDArray[np.float64]]) -> tuple[Plane, Plane]:
        """The inner lips' new lines (x, y), corner to corner, moved by `shifts`."""
        upper = np.array([self.points[i] + shifts[i] for i in mesh.INNER_UPPER])
        lower = np.array([self.points[i] + shifts[i] for i in mesh.INNER_LOWER])
        return upper, lower


def _slide(u: Plane, rounding: float) -> Plane:
    """Where rounding moves the mouth's column u: the corners in, the middle least, and
    nothing beyond 1.8 corner-widths out."""
    profile = np.maximum(0.0, 1 - np.minimum(np.abs(u), 1.0) ** 2) ** 0.6
    return np.asarray(u - rounding * u * (0.7 + 0.3 * profile) * fade(u, 1.0, 1.8), np.float64)


def _unslide(u: Plane, rounding: float) -> Plane:
    """The column that `_slide` moves to u (it is monotonic for the shapes' roundings)."""
    if rounding == 0:
        return u
    grid = np.linspace(-1.8, 1.8, 721)  # beyond, nothing slides
    inverse = np.interp(u, _slide(grid, rounding), grid)
    return np.asarray(np.where(np.abs(u) < 1.8, inverse, u), np.float64)


def _lip_colour(image: Rgb, points: Points) -> npt.NDArray[np.float32]:
    """The lips' mean colour, sampled between the outer and inner lines."""
    samples = []
    pairs = ((mesh.OUTER_UPPER, mesh.INNER_UPPER), (mesh.OUTER_LOWER, mesh.INNER_LOWER))
    for outer, inner in pairs:
        for a, b in zip(outer[2:-2], inner[2:-2], strict=True):
            x, y = ((points[a, :2] + points[b, :2]) / 2).astype(int)
            if 0 <= y < image.shape[0] and 0 <= x < image.shape[1]:
                samples.append(image[y, x])
    return np.mean(samples, axis=0).astype(np.float32) if samples else np.array(
        [170, 90, 90], np.float32)


def _teeth_colour(image: Rgb, frame: _Frame) -> npt.NDArray[np.float32]:
    """The photo's own teeth where its mouth shows them (the brighter half of what lies
    between the inner lips), or a natural off-white."""
    default = np.array([232, 226, 214], np.float32)
    upper = frame.points[list(mesh.INNER_UPPER)]
    lower = frame.points[list(mesh.INNER_LOWER)]
    samples = []
    for a, b in zip(upper[3:-3], lower[3:-3], strict=True):
        for share in np.linspace(0.2, 0.8, 5):
            x, y = (a + share * (b - a)).astype(int)
            if np.linalg.norm(b - a) >= 3 and 0 <= y < image.shape[0] and 0 <= x < image.shape[1]:
                samples.append(image[y, x].astype(np.float32))
    if len(samples) < 6:
        return default
    colours = np.array(samples)
    bright = colours[colours.sum(1) >= np.median(colours.sum(1))]
    found = bright.mean(0)
    if found.min() < 150 or found.max() - found.min() > 60:  # not teeth: lips, shadow
        return default
    return np.asarray(found, np.float32)


def _draw_inside(
    warped: Rgb, axes: Axes, u: Plane, v: Plane, upper: Plane, lower: Plane, shape: Shape,
    lip: npt.NDArray[np.float32], teeth: npt.NDArray[np.float32],
) -> Rgb:
    """The opening between the inner lips painted: cavity, teeth, tongue, soft-edged."""
    top, bottom = axes.line(upper, u), axes.line(lower, u)
    corner_u = float(np.abs(axes.u_of(upper[[0, -1]])).max())
    inside_u = np.clip((corner_u - np.abs(u)) * axes.half, 0, 1)
    opening = np.clip(np.minimum(v - top, bottom - v) + 0.5, 0, 1) * inside_u
    width = axes.length
    out = warped.astype(np.float32)
    depth = np.clip(np.minimum(v - top, bottom - v) / max(1.0, 0.12 * width), 0, 1)
    cavity = (lip * 0.4)[None, None] * (1 - 0.5 * depth[..., None])  # dark red, darker inside
    paint = cavity
    gap = np.maximum(bottom - top, 0)
    across = 1 - np.clip(np.abs(u) / max(corner_u, 1e-3), 0, 1) ** 2
    # The tongue: a low mound behind the lower teeth, or its tip up for an L.
    tongue_v = (top + 0.55 * gap if shape.tongue_up
                else bottom - np.minimum(0.12 * width, 0.3 * gap) * across)
    tongue = np.clip((v - tongue_v) / max(1.0, 0.05 * width), 0, 1) * (np.abs(u) < 0.75)
    tongue_colour = 0.7 * (0.55 * lip + 0.45 * np.array([175, 78, 82], np.float32))  # in shade
    shade = (0.55 + 0.45 * across)[..., None]
    paint = paint * (1 - tongue[..., None]) + (tongue_colour * shade) * tongue[..., None]
    # Teeth: the lower row's edge, then the upper row under the upper lip, over all else.
    lower_teeth = np.clip((v - (bottom - np.minimum(_LOWER_TEETH * width, 0.2 * gap) * across))
                          + 0.5, 0, 1)
    lower_teeth *= (shape.gap < 0.25) * (across > 0.15)
    paint = paint * (1 - lower_teeth[..., None]) + (teeth * 0.78 * shade) * lower_teeth[
        ..., None]
    # Upper teeth under the lip, never filling the opening: behind them, the dark inside.
    room = _TEETH * width if shape.tuck else 0.45 * gap  # an F's teeth rest on the lip
    teeth_h = np.minimum(_TEETH * width, room) * (0.55 + 0.45 * across)
    # The teeth end before the corners, where the inside of the cheeks shows dark.
    upper_teeth = np.clip((top + teeth_h) - v + 0.5, 0, 1) * np.clip((across - 0.12) / 0.15, 0, 1)
    gaps = 0.95 + 0.05 * np.clip(np.abs(np.sin(u * np.pi * 4.2)) * 4, 0, 1)  # tooth edges
    lit = (0.72 + 0.28 * across) * (1 - 0.18 * np.clip((v - top) / np.maximum(teeth_h, 1), 0, 1))
    paint = paint * (1 - upper_teeth[..., None]) + (teeth * (lit * gaps)[..., None]
                                                    ) * upper_teeth[..., None]
    if shape.tuck:  # the upper teeth rest on the lower lip: drawn over it, not in a gap
        opening = np.maximum(opening, upper_teeth * (v > top) * inside_u * 0.92)
    if shape.gap <= 0 and not shape.tuck:  # shut: the lips meet along a soft dark line
        seam = (top + bottom) / 2
        near = np.clip(1 - np.abs(v - seam) / max(1.0, 0.03 * width), 0, 1) * inside_u
        paint = lip * (0.62 + 0.38 * np.clip(np.abs(v - seam) / max(1.0, 0.03 * width), 0, 1)
                       )[..., None]
        opening = near
    blended = out * (1 - opening[..., None]) + paint * opening[..., None]
    return np.asarray(np.clip(blended + 0.5, 0, 255), np.uint8)
