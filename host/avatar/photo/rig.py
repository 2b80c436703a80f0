"""A photo (or a short loop) of a person and its face mesh, checked and cached at load.

The mesh is found once and kept beside the photo, in `.NAME.rig.npz`, keyed by the photo's
content: a new photo under the same name is fitted again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from host.avatar.photo import mesh
from host.avatar.photo.detect import Face, Rgb, find_faces
from host.avatar.photo.landmarks import MIN_PRESENCE, Points, fit_mesh, refit
from host.errors import AvatarError
from host.paths import shown

log = logging.getLogger(__name__)

MIN_FACE = 100  # pixels from the forehead to the chin; smaller faces are mush when framed
MAX_YAW = 0.45  # how far off the middle between the cheeks the nose may be (about 27 degrees)
MAX_ROLL = 30.0  # degrees the eyes' line may lean
OTHER_FACE = 0.5  # a second face at least this share of the first one's size is a person
RIG_VERSION = 1
IMAGES = (".png", ".jpg", ".jpeg", ".webp")
VIDEOS = (".mp4", ".mov", ".mkv", ".webm", ".avi")
MAX_LOOP_SECONDS = 12.0
MAX_SIDE = 4096


@dataclass(frozen=True, eq=False)
class FaceRig:
    """The pictures of a presenter (one photo, or a loop's frames) and each one's mesh."""

    source: Path
    frames: tuple[Rgb, ...]
    points: tuple[Points, ...]
    fps: float  # of a loop; 0 for a photo


def load_rig(path: str | Path) -> FaceRig:
    """A photo file, a folder of a loop's frames, or a short video file, with its mesh."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGES)
        if not files:
            raise AvatarError(f"{shown(path)}: no {'/'.join(IMAGES)} frames in the folder")
        frames = [read_image(p) for p in files]
        sizes = {f.shape for f in frames}
        if len(sizes) > 1:
            raise AvatarError(f"{shown(path)}: the frames differ in size ({len(sizes)} sizes)")
        return _track(path, frames, files, fps=30.0)
    if not path.is_file():
        raise AvatarError(f"{shown(path)}: no such photo")
    if path.suffix.lower() in VIDEOS:
        frames, fps = _read_video(path)
        return _track(path, frames, [path] * len(frames), fps)
    image = read_image(path)
    return FaceRig(path, (image,), (_cached_mesh(path, image),), 0.0)


def read_image(path: Path) -> Rgb:
    """An image file as RGB, turned as its EXIF says; AvatarError names the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        data = path.read_bytes()
    except OSError as err:
        raise AvatarError(f"{shown(path)}: cannot be read: {err.strerror}") from None
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if max(opened.size) > MAX_SIDE:
                raise AvatarError(
                    f"{shown(path)}: {opened.width}x{opened.height} is larger than "
                    f"{MAX_SIDE} pixels a side; scale it down")
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise AvatarError(f"{shown(path)}: not a readable image ({err})") from None
    return np.asarray(image, np.uint8)


def fit_face(image: Rgb, where: str) -> Points:
    """The mesh of the one face in `image`, or AvatarError saying (with `where`) why not."""
    faces = find_faces(image)
    if not faces:
        raise AvatarError(f"{where}: no face found; use a head-and-shoulders photo "
                          "of one person facing the camera")
    people = [f for f in faces if f.height >= OTHER_FACE * faces[0].height]
    if len(people) > 1:
        raise AvatarError(f"{where}: {len(people)} faces found; the photo must show one "
                          "person")
    face: Face = max(people, key=lambda f: f.height)
    points, presence = fit_mesh(image, face)
    if presence < MIN_PRESENCE:
        raise AvatarError(f"{where}: no face found (the face mesh did not fit)")
    check_face(points, where)
    return points


def check_face(points: Points, where: str) -> None:
    """AvatarError if the face is too small, turned aside or leaning."""
    tall = float(np.linalg.norm(points[mesh.CHIN, :2] - points[mesh.FOREHEAD, :2]))
    if tall < MIN_FACE:
        raise AvatarError(f"{where}: the face is {tall:.0f} pixels tall (forehead to chin); "
                          f"it must be at least {MIN_FACE}: use a larger or closer photo")
    left, right = points[mesh.LEFT_CHEEK, 0], points[mesh.RIGHT_CHEEK, 0]
    yaw = 2 * (points[mesh.NOSE_TIP, 0] - left) / max(1.0, float(right - left)) - 1
    if abs(yaw) > MAX_YAW:
        raise AvatarError(f"{where}: the face is turned too far to the side (about "
                          f"{math.degrees(math.asin(min(1.0, abs(yaw)))):.0f} degrees); "
                          "the person must face the camera")
    (rx, ry), (lx, ly) = points[33, :2], points[263, :2]
    roll = math.degrees(math.atan2(float(ly - ry), float(lx - rx)))
    if abs(roll) > MAX_ROLL:
        raise AvatarError(f"{where}: the head leans {abs(roll):.0f} degrees; at most "
                          f"{MAX_ROLL:.0f}: straighten the photo")


def rig_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.rig.npz")


def _cached_mesh(path: Path, image: Rgb) -> Points:
    key = hashlib.sha256(image.tobytes()).hexdigest()
    cache = rig_file(path)
    try:
        with np.load(cache) as saved:
            if str(saved["key"]) == key and int(saved["version"]) == RIG_VERSION:
                return np.asarray(saved["points"], np.float32)
    except (OSError, KeyError, ValueError):
        pass  # none yet, or not ours: fit again
    points = fit_face(image, shown(path))
    try:
        with cache.open("wb") as out:
            np.savez(out, key=key, version=RIG_VERSION, points=points)
    except OSError as err:
        log.warning("%s: the face mesh is not cached (%s); it is fitted at every start",
                    shown(cache), err.strerror)
    return points


def _track(path: Path, frames: list[Rgb], names: list[Path], fps: float) -> FaceRig:
    """Fit the first frame, then follow the face from frame to frame as MediaPipe does."""
    first = fit_face(frames[0], f"{shown(names[0])}")
    points = [first]
    for index, frame in enumerate(frames[1:], start=1):
        where = shown(names[index]) if names[index] != path else f"{shown(path)} frame {index}"
        fitted, presence = refit(frame, points[-1])
        if presence < MIN_PRESENCE:
            raise AvatarError(f"{where}: the face was lost; every frame must show it")
        check_face(fitted, where)
        points.append(fitted)
    return FaceRig(path, tuple(frames), tuple(points), fps)


def _read_video(path: Path) -> tuple[list[Rgb], float]:
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            fps = float(stream.average_rate or 30)
            frames = []
            for frame in container.decode(stream):
                frames.append(np.asarray(frame.to_ndarray(format="rgb24"), np.uint8))
                if len(frames) > MAX_LOOP_SECONDS * fps:
                    raise AvatarError(f"{shown(path)}: longer than {MAX_LOOP_SECONDS:.0f} s; "
                                      "a loop is a few seconds of a person idling")
    except (av.error.FFmpegError, IndexError) as err:
        raise AvatarError(f"{shown(path)}: not a readable video ({err})") from None
    if not frames:
        raise AvatarError(f"{shown(path)}: no video frames")
    return frames, fps
