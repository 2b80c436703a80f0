"""The photo presenter: a real person's photo (or short loop) that speaks, blinks and moves.

Everything slow is done once at load: the mesh (cached beside the photo), the framing,
every mouth shape and eyelid. A frame is then a base (the still picture moved by the
head's motion, kept for the poses that share it) with the mouth and eyes remapped into
it: a few small boxes, well under a millisecond.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from host.avatar.pack import Motion as PackMotion
from host.avatar.photo.detect import Rgb
from host.avatar.photo.eyes import EyeKit, eye_kit
from host.avatar.photo.framing import framed, framing, moved
from host.avatar.photo.head import HeadField, Maps, Motion
from host.avatar.photo.loop import LoopFrames
from host.avatar.photo.mouth import MouthKit, mouth_kit
from host.avatar.photo.rig import FaceRig, load_rig
from host.avatar.pose import REST, VISEMES, Pose
from host.avatar.rhythm import Blinks, unit, waves
from host.errors import AvatarError

Box = tuple[int, int, int, int]
Rgba = npt.NDArray[np.uint8]
_TAU = 2 * math.pi
# Slow drift and the quicker motion talking adds, (Hz, weight), as the cartoon sways.
_TILT = ((0.063, 0.6), (0.171, 0.4))
_NOD = ((0.089, 0.55), (0.227, 0.45))
_TALK_TILT = ((0.41, 0.6), (0.83, 0.4))
_TALK_NOD = ((0.57, 0.5), (1.07, 0.5))
TILT_IDLE, TILT_TALKING = 1.0, 2.2  # degrees at most
NOD_IDLE, NOD_TALKING = 0.006, 0.016  # of the face's height
BREATH = 0.012  # of the face's height
_TALK_SHARE = 0.4
# Quantised so that neighbouring frames share a base: a tenth of a degree moves the top
# of the head by half a pixel; nod and breath go by half pixels.
TILT_STEP, SHIFT_STEP = 0.1, 0.5
BASES_KEPT = 8  # still pictures moved by one motion (1.4 MB each at 600x600)
# The head's motion is read this many times a second and held in between: a slow motion
# of a pixel at most per step, so it looks as smooth, and half the frames need no new
# base (nor does the encoder see the whole head move).
MOTION_RATE = 15.0


@dataclass(frozen=True)
class PhotoPose(Pose):
    """A Pose with the photo's own motion, in steps (TILT_STEP, SHIFT_STEP), and the loop
    frame on air."""

    tilt: int = 0
    nod: int = 0
    breath: int = 0
    frame: int = 0


class PhotoPresenter:
    """A photo of a person drawn at `size` (w, h), posed as a pure function of time."""

    def __init__(self, rig: FaceRig, size: tuple[int, int], seed: int = 0) -> None:
        width, height = size
        if width < 64 or height < 64 or width % 2 or height % 2:
            raise AvatarError(f"photo presenter size must be even and at least 64x64, "
                              f"got {width}x{height}")
        self.source = rig.source
        self.seed = seed
        self._size = size
        first = rig.frames[0]
        affine = framing(rig.points[0], (first.shape[1], first.shape[0]), size)
        stills = [framed(frame, affine, size) for frame in rig.frames]
        points = [moved(p, affine) for p in rig.points]
        self._mouths: MouthKit = mouth_kit(stills[0], points[0])
        self._eyes: EyeKit = eye_kit(stills[0], points[0])
        self._loop = LoopFrames(stills, points, rig.fps, self._mouths) if len(stills) > 1 else None
        self._still = _rgba(stills[0])
        _put(self._still, self._mouths.box, self._mouths.patches[REST])  # rest: lips together
        self._posed = self._still.copy()  # the still with one pose's mouth and eyes
        self._field = HeadField(points[0], size)
        self._bases: OrderedDict[tuple[int, int, int, int], tuple[Rgba, Maps | None]] = (
            OrderedDict())
        self._lock = threading.Lock()  # the producer and the playout both draw
        defaults = PackMotion()
        self._blinks = Blinks(seed, defaults.blink_interval, defaults.blink_duration)
        tall = self._field.face_height
        self._nod = (NOD_IDLE * tall, NOD_TALKING * tall)
        self._breath = BREATH * tall
        self._breath_rate = _TAU / defaults.breath_period
        phases = iter(_TAU * unit(seed, 2, k) for k in range(16))
        self._breath_phase = next(phases)
        self._waves = {name: [(_TAU * f, w, next(phases)) for f, w in of] for name, of in (
            ("tilt", _TILT), ("nod", _NOD), ("talk_tilt", _TALK_TILT), ("talk_nod", _TALK_NOD))}

    @classmethod
    def load(cls, path: str | Path, size: tuple[int, int], seed: int = 0) -> PhotoPresenter:
        """The photo, frames folder or short video at `path`, framed at `size`."""
        return cls(load_rig(path), size, seed)

    def __repr__(self) -> str:
        kind = f"loop of {len(self._loop)} frames" if self._loop else "photo"
        return f"PhotoPresenter({self.source.name!r}, {kind}, {self._size[0]}x{self._size[1]})"

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def mouth_box(self) -> Box:
        """The mouth's box in presenter pixels, with the head still."""
        return self._mouths.box

    def pose(self, t: float, viseme: str, talking: bool) -> PhotoPose:
        """The pose at `t`: a pure function of t, viseme, talking and the seed."""
        mouth = viseme if talking and viseme in VISEMES else REST
        if self._loop is not None:  # the loop moves and blinks by itself
            return PhotoPose(mouth=mouth, frame=self._loop.index_at(t))
        w = self._waves
        eyes = self._blinks.eyes_at(t)
        t = math.floor(t * MOTION_RATE) / MOTION_RATE
        if talking:
            tilt = TILT_TALKING * ((1 - _TALK_SHARE) * waves(w["tilt"], t)
                                   + _TALK_SHARE * waves(w["talk_tilt"], t))
            nod = self._nod[1] * ((1 - _TALK_SHARE) * waves(w["nod"], t)
                                  + _TALK_SHARE * waves(w["talk_nod"], t))
        else:
            tilt = TILT_IDLE * waves(w["tilt"], t)
            nod = self._nod[0] * waves(w["nod"], t)
        breath = self._breath * (0.5 + 0.5 * math.sin(self._breath_rate * t + self._breath_phase))
        return PhotoPose(
            mouth=mouth, eyes=eyes, tilt=round(tilt / TILT_STEP),
            nod=round(nod / SHIFT_STEP), breath=round(breath / SHIFT_STEP))

    def base_key(self, pose: Pose) -> tuple[int, int, int, int]:
        """Poses of one key differ only inside `patch_boxes`: their mouth and eyes."""
        p = _photo(pose)
        return (p.frame, p.tilt, p.nod, p.breath)

    def draw_base(self, key: tuple[int, int, int, int]) -> Rgba:
        """The (read-only) picture of every pose of `key`, with the mouth at rest."""
        with self._lock:
            return self._base(key)[0]

    def patch_boxes(self, pose: Pose) -> tuple[Box, ...]:
        """Where `draw(pose)` may differ from `draw_base(base_key(pose))`: the mouth, and
        the eyes in a blink, as far as the head's motion carries them."""
        p = _photo(pose)
        with self._lock:
            _, maps = self._base(self.base_key(p))
        if self._loop is not None:
            return (self._loop.mouth_box(p.frame),)
        reach = 0.0 if maps is None else maps.reach
        boxes = (self._mouths.box, *(self._eyes.boxes if p.eyes != "open" else ()))
        return tuple(_grown(box, reach, self._size) for box in boxes)

    def draw(self, pose: Pose) -> Rgba:
        """The presenter in `pose`: a (height, width, 4) RGBA array."""
        p = _photo(pose)
        if p.mouth not in VISEMES or p.eyes not in ("open", "half", "closed"):
            raise AvatarError(f"cannot draw {pose}: mouths are {VISEMES}")
        with self._lock:
            base, maps = self._base(self.base_key(p))
            out = base.copy()
            if self._loop is not None:
                self._loop.paste_mouth(out, p.frame, p.mouth)
                return out
            parts = [(self._mouths.box, self._mouths.patches[p.mouth])]
            if p.eyes != "open":
                parts += [(box, states[p.eyes]) for box, states in
                          zip(self._eyes.boxes, self._eyes.patches, strict=True)]
            for box, patch in parts:
                _put(self._posed, box, patch)
            for box, _ in parts:
                self._remap_into(out, box, maps)
            for box, _ in parts:  # back to the still, for the next pose
                _put(self._posed, box, self._still[_rows(box), _cols(box), :3])
            return out

    def _remap_into(self, out: Rgba, box: Box, maps: Maps | None) -> None:
        import cv2

        if maps is None:
            out[_rows(box), _cols(box)] = self._posed[_rows(box), _cols(box)]
            return
        x, y, w, h = _grown(box, maps.reach, self._size)
        region = np.asarray(cv2.remap(
            self._posed, maps.fixed[y:y + h, x:x + w], maps.fraction[y:y + h, x:x + w],
            cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), np.uint8)
        out[y:y + h, x:x + w] = region

    def _base(self, key: tuple[int, int, int, int]) -> tuple[Rgba, Maps | None]:
        import cv2

        known = self._bases.get(key)
        if known is not None:
            self._bases.move_to_end(key)
            return known
        frame, tilt, nod, breath = key
        if self._loop is not None:
            base, maps = self._loop.still(frame), None
        elif (tilt, nod, breath) == (0, 0, 0):
            base, maps = self._still.copy(), None
        else:
            maps = self._field.maps(Motion(tilt * TILT_STEP, nod * SHIFT_STEP,
                                           breath * SHIFT_STEP))
            base = np.asarray(cv2.remap(self._still, maps.fixed, maps.fraction,
                                        cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE),
                              np.uint8)
        base.flags.writeable = False
        self._bases[key] = (base, maps)
        while len(self._bases) > BASES_KEPT:
            self._bases.popitem(last=False)
        return base, maps


def _photo(pose: Pose) -> PhotoPose:
    return pose if isinstance(pose, PhotoPose) else PhotoPose(mouth=pose.mouth, eyes=pose.eyes)


def _rgba(rgb: Rgb) -> Rgba:
    out = np.full((*rgb.shape[:2], 4), 255, np.uint8)
    out[..., :3] = rgb
    return out


def _rows(box: Box) -> slice:
    return slice(box[1], box[1] + box[3])


def _cols(box: Box) -> slice:
    return slice(box[0], box[0] + box[2])


def _put(picture: Rgba, box: Box, rgb: Rgb) -> None:
    picture[_rows(box), _cols(box), :3] = rgb


def _grown(box: Box, by: float, size: tuple[int, int]) -> Box:
    """`box` grown by `by` pixels (and one for the interpolation) each way, in the picture."""
    grow = math.ceil(by) + 1
    x0, y0 = max(0, box[0] - grow), max(0, box[1] - grow)
    x1 = min(size[0], box[0] + box[2] + grow)
    y1 = min(size[1], box[1] + box[3] + grow)
    return (x0, y0, x1 - x0, y1 - y0)

