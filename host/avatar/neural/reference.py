"""The presenter a lip-sync network animates: a photo or short loop, with face and mouth boxes."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from host.errors import AvatarError
from host.paths import shown

Frame = npt.NDArray[np.uint8]
Box = tuple[int, int, int, int]  # x, y, width, height in frame pixels
MAX_LOOP = 300  # frames in a reference loop: ten seconds at 30 fps, held in memory
_IMAGES = (".png", ".jpg", ".jpeg")
_SIDE_KEYS = ("face", "mouth", "feather")


@dataclass(frozen=True, eq=False)
class Reference:
    """The presenter to animate: a photo or short loop of RGBA frames, with face and mouth boxes."""

    frames: tuple[Frame, ...] = field(repr=False)
    face: Box  # the crop the network sees; its lower half is what it redraws
    mouth: Box  # the only pixels that change: inside the face's lower half
    feather: int  # pixels over which the blend fades in from the mouth box's edge
    source: str = "reference"  # the file or folder, for messages

    def __post_init__(self) -> None:
        if not 1 <= len(self.frames) <= MAX_LOOP:
            raise self._fail("frames", f"expected 1 to {MAX_LOOP} frames, got {len(self.frames)}")
        shape = self.frames[0].shape
        for frame in self.frames:
            if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 4:
                raise self._fail("frames", f"expected RGBA uint8, got {frame.shape} {frame.dtype}")
            if frame.shape != shape:
                raise self._fail("frames", f"every frame must be {shape}, got {frame.shape}")
        object.__setattr__(self, "frames", tuple(_read_only(f) for f in self.frames))
        height, width = shape[:2]
        fx, fy, fw, fh = self._box("face", self.face, (0, 0, width, height))
        self._box("mouth", self.mouth, (fx, fy + fh // 2, fw, fh - fh // 2))
        if isinstance(self.feather, bool) or not isinstance(self.feather, int) or self.feather < 0:
            raise self._fail("feather", f"expected a whole number of pixels >= 0: {self.feather!r}")

    @classmethod
    def of(
        cls,
        frames: Frame | Sequence[Frame],
        face: Sequence[int],
        mouth: Sequence[int],
        feather: int | None = None,
        source: str = "reference",
    ) -> Reference:
        """A reference from one (h, w, 3 or 4) array or a list of them; RGB becomes opaque RGBA."""
        listed = [frames] if isinstance(frames, np.ndarray) and frames.ndim == 3 else list(frames)
        rgba = tuple(_rgba(np.asarray(frame), source) for frame in listed)
        mouth_box = _four(mouth, f"{source}: mouth")
        if feather is None:
            feather = max(1, min(mouth_box[2:]) // 6)
        return cls(rgba, _four(face, f"{source}: face"), mouth_box, feather, source)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of every frame."""
        return (self.frames[0].shape[1], self.frames[0].shape[0])

    def scaled(self, height: int) -> Reference:
        """The same presenter drawn `height` pixels tall, boxes and feather scaled with it."""
        width, old = self.size
        scale = height / old
        size = (max(1, round(width * scale)), height)
        frames = tuple(
            np.asarray(Image.fromarray(f, "RGBA").resize(size, Image.Resampling.LANCZOS))
            for f in self.frames
        )
        face, mouth = (_scale_box(box, scale) for box in (self.face, self.mouth))
        return Reference(frames, face, mouth, round(self.feather * scale), self.source)

    def _box(self, name: str, box: Box, inside: Box) -> Box:
        x, y, w, h = box
        ix, iy, iw, ih = inside
        if w < 2 or h < 2:
            raise self._fail(name, f"{w}x{h} is too small; at least 2x2 pixels")
        if x < ix or y < iy or x + w > ix + iw or y + h > iy + ih:
            where = "the frame" if name == "face" else "the lower half of the face box"
            raise self._fail(name, f"{list(box)} reaches outside {where}, {list(inside)}")
        return box

    def _fail(self, name: str, problem: str) -> AvatarError:
        return AvatarError(f"{self.source}: {name}: {problem}")


def load_reference(path: str | Path) -> Reference:
    """A photo with its boxes in photo.toml beside it, or a folder of frames with face.toml."""
    path = Path(path)
    if path.is_dir():
        side = path / "face.toml"
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _IMAGES)
        if not files:
            raise AvatarError(f"{shown(path)}: no {'/'.join(_IMAGES)} frames in the folder")
        if len(files) > MAX_LOOP:
            raise AvatarError(f"{shown(path)}: {len(files)} frames; a loop holds {MAX_LOOP}")
    elif path.is_file():
        side, files = path.with_suffix(".toml"), [path]
    else:
        raise AvatarError(f"{shown(path)}: no such reference photo or folder")
    boxes = _read_side(side)
    frames = [_read_image(p) for p in files]
    for file, frame in zip(files, frames, strict=True):
        if frame.shape != frames[0].shape:
            raise AvatarError(
                f"{shown(file)}: {frame.shape[1]}x{frame.shape[0]}, but {files[0].name} is "
                f"{frames[0].shape[1]}x{frames[0].shape[0]}: a loop's frames share one size"
            )
    feather = boxes.get("feather")
    # The boxes come from the side file, so that is the file their errors name.
    return Reference.of(
        frames,
        _four(boxes.get("face"), f"{shown(side)}: face"),
        _four(boxes.get("mouth"), f"{shown(side)}: mouth"),
        feather if isinstance(feather, int) else None,
        shown(side),
    )


def _read_only(frame: Frame) -> Frame:
    """A view that cannot be written through: still() hands out the reference's own frames."""
    view = frame.view()
    view.flags.writeable = False
    return view


def _rgba(frame: npt.NDArray[np.generic], source: str) -> Frame:
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] not in (3, 4):
        raise AvatarError(
            f"{source}: frames: expected (h, w, 3) RGB or (h, w, 4) RGBA uint8, "
            f"got {frame.shape} {frame.dtype}"
        )
    if frame.shape[2] == 4:
        return np.ascontiguousarray(frame)
    opaque = np.full((*frame.shape[:2], 1), 255, np.uint8)
    return np.concatenate((frame, opaque), axis=2)


def _four(value: object, where: str) -> Box:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise AvatarError(f"{where}: expected [x, y, width, height] in pixels, got {value!r}")
    x, y, w, h = value
    return (x, y, w, h)


def _scale_box(box: Box, scale: float) -> Box:
    x, y, w, h = box
    left, top = round(x * scale), round(y * scale)
    return (left, top, round((x + w) * scale) - left, round((y + h) * scale) - top)


def _read_side(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise AvatarError(
            f"{shown(path)}: not found; it gives face = [x, y, w, h] and mouth = [x, y, w, h]"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise AvatarError(f"{shown(path)}: cannot be read as TOML ({err})") from err
    unknown = sorted(set(data) - set(_SIDE_KEYS))
    if unknown:
        raise AvatarError(f"{shown(path)}: unknown key {unknown[0]!r}; expected {_SIDE_KEYS}")
    if "feather" in data and not (
        isinstance(data["feather"], int) and not isinstance(data["feather"], bool)
    ):
        raise AvatarError(f"{shown(path)}: feather: expected whole pixels, got {data['feather']!r}")
    return data


def _read_image(path: Path) -> Frame:
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGBA"))
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        raise AvatarError(f"{shown(path)}: not a readable image ({err})") from err
