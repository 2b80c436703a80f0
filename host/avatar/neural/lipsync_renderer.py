"""Presenter frames whose mouth follows a speech: a lip-sync network blended into a photo."""

from __future__ import annotations

import logging
import queue
import threading
import time
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from host.avatar.neural import missing_torch
from host.avatar.neural.checkpoint import load_checkpoint
from host.avatar.neural.lipsync_net import LipSyncNet
from host.avatar.neural.mel import frame_count, frame_windows, speech_mel
from host.errors import AvatarError
from host.paths import shown
from host.voice.speech import Speech

try:
    import torch
    import torch.nn.functional as F
except ImportError as err:  # only without the extra
    raise missing_torch() from err

log = logging.getLogger(__name__)

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


class RenderAhead:
    """Frames made by a thread into a queue of bounded size ahead of air; the playout pulls them."""

    def __init__(self, frames: Iterable[Frame], count: int, size: int) -> None:
        if size < 1:
            raise ValueError(f"render-ahead buffer size must be at least 1, got {size}")
        self.count = count
        self.size = size
        self.rendered = 0  # frames the producer finished
        self.missed = 0  # pulls that found their frame not ready: behind real time
        self.skipped = 0  # frames rendered too late and dropped unseen
        self.peak = 0  # the most frames the buffer ever held
        self.error: Exception | None = None
        self._busy = 0.0  # producer seconds spent rendering, not waiting for room
        # None after the last frame: the producer is done, so a waiting puller need not wait.
        self._queue: queue.Queue[tuple[int, Frame] | None] = queue.Queue(maxsize=size)
        self._stop = threading.Event()
        self._done = threading.Event()  # the producer has finished, failed or stopped
        self._marked = False  # whether the end marker went into the queue
        self._last: tuple[int, Frame] | None = None
        self._thread = threading.Thread(
            target=self._produce, args=(iter(frames),), name="lipsync-ahead", daemon=True
        )
        self._thread.start()

    @property
    def behind(self) -> bool:
        """Whether a frame was not ready when pulled, or rendering failed: time to fall back."""
        return self.missed > 0 or self.error is not None

    @property
    def render_fps(self) -> float:
        """Frames per second of rendering time so far (waits for buffer room excluded)."""
        return self.rendered / self._busy if self._busy > 0 else 0.0

    @property
    def buffered(self) -> int:
        """Frames rendered and waiting to be pulled."""
        return max(0, self._queue.qsize() - self._marked)

    def frame(self, n: int, wait: float = 0.0) -> Frame | None:
        """Frame n, waiting at most `wait` seconds for it; None when it is not ready in time."""
        if not 0 <= n < self.count:
            raise ValueError(f"frame {n} is outside this speech's frames 0..{self.count - 1}")
        if self._last is not None and n <= self._last[0]:
            if n == self._last[0]:
                return self._last[1]
            raise ValueError(f"frames are pulled in order: {n} after {self._last[0]}")
        deadline = time.monotonic() + wait
        first = -1 if self._last is None else self._last[0]
        for _ in range(n - first):  # frames arrive in order, so n is at most this many away
            # A finished producer sends nothing more: do not wait for it.
            timeout = 0.0 if self._done.is_set() else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                break
            if item is None:
                break
            index, image = item
            self._last = (index, image)
            if index == n:
                return image
            self.skipped += 1
        self.missed += 1
        return None

    def close(self) -> None:
        """Stop rendering and drop what is buffered."""
        self._stop.set()
        self._thread.join(timeout=5.0)
        while not self._queue.empty():
            self._queue.get_nowait()

    def __enter__(self) -> RenderAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _produce(self, frames: Iterator[Frame]) -> None:
        try:
            started = time.perf_counter()
            for index in range(self.count):
                image = next(frames)
                self._busy += time.perf_counter() - started
                self.rendered += 1
                while True:  # wait for room, checking now and then whether to stop
                    if self._stop.is_set():
                        return
                    try:
                        self._queue.put((index, image), timeout=0.05)
                        break
                    except queue.Full:
                        continue
                self.peak = max(self.peak, self._queue.qsize())
                started = time.perf_counter()
        except Exception as err:  # a failed render is a value the playout reads, not a crash
            log.warning("lip-sync rendering failed: %s", err)
            self.error = err
        finally:
            self._done.set()
            self._marked = True  # before the put, so `buffered` never counts the marker
            try:
                self._queue.put_nowait(None)
            except queue.Full:  # then no puller is waiting for it
                self._marked = False


class LipSyncRenderer:
    """A reference presenter whose mouth a lip-sync network redraws for each video frame."""

    def __init__(
        self,
        net: LipSyncNet,
        reference: Reference,
        fps: int,
        *,
        batch_size: int = 8,
        device: str | None = None,
    ) -> None:
        if isinstance(fps, bool) or not isinstance(fps, int) or fps <= 0:
            raise AvatarError(f"fps must be a whole number > 0, got {fps!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise AvatarError(f"batch size must be a whole number > 0, got {batch_size!r}")
        self.reference = reference
        self.fps = fps
        self.batch_size = batch_size
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.net = net.to(self.device).eval()
        self._prepare()

    @classmethod
    def from_checkpoint(
        cls,
        path: str | Path,
        reference: Reference,
        fps: int,
        *,
        batch_size: int = 8,
        device: str | None = None,
    ) -> LipSyncRenderer:
        """A renderer whose network comes from a local checkpoint file."""
        return cls(load_checkpoint(path), reference, fps, batch_size=batch_size, device=device)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of every frame."""
        return self.reference.size

    def frame_count(self, speech: Speech) -> int:
        """How many frames cover the speech at this renderer's fps."""
        return frame_count(speech, self.fps)

    def still(self, n: int) -> Frame:
        """Frame n of the reference loop, untouched: the presenter when nothing is said."""
        return self.reference.frames[n % len(self.reference.frames)]

    def frames(self, speech: Speech) -> Iterator[Frame]:
        """Every frame of the speech in order, (height, width, 4) RGBA, rendered in batches."""
        mel = speech_mel(speech)
        count = self.frame_count(speech)
        my, mx = self.reference.mouth[1], self.reference.mouth[0]
        mh, mw = self.reference.mouth[3], self.reference.mouth[2]
        for first in range(0, count, self.batch_size):
            size = min(self.batch_size, count - first)
            mouths = self._mouths(first, frame_windows(mel, self.fps, first, size))
            for k in range(size):
                out = self.still(first + k).copy()
                out[my : my + mh, mx : mx + mw, :3] = mouths[k]
                yield out

    def render_ahead(self, speech: Speech, buffer: int | None = None) -> RenderAhead:
        """Start rendering the speech on a thread, at most `buffer` frames ahead of the puller."""
        size = 2 * self.batch_size if buffer is None else buffer
        return RenderAhead(self.frames(speech), self.frame_count(speech), size)

    def _prepare(self) -> None:
        """Tensors that depend only on the reference: network faces, mouth pixels, blend mask."""
        ref, side = self.reference, self.net.config.face_size
        fx, fy, fw, fh = ref.face
        mx, my, mw, mh = ref.mouth
        with torch.inference_mode():
            crops = _planes([f[fy : fy + fh, fx : fx + fw, :3] for f in ref.frames], self.device)
            crops = F.interpolate(
                crops / 255.0,
                size=(side, side),
                mode="bilinear",
                align_corners=False,
                antialias=True,
            )
            masked = crops.clone()
            masked[:, :, side // 2 :] = 0  # the network must draw the lower face, not copy it
            self._faces = torch.cat((masked, crops), dim=1)
            self._patches = _planes(
                [f[my : my + mh, mx : mx + mw, :3] for f in ref.frames], self.device
            )
        self._lower = (fh - fh // 2, fw)  # the predicted lower face, in frame pixels
        self._at = (my - (fy + fh // 2), mx - fx)  # the mouth box within it
        self._mask = torch.from_numpy(_feather_mask(mh, mw, ref.feather)).to(self.device)

    def _mouths(self, first: int, windows: npt.NDArray[np.float32]) -> Frame:
        """(count, mh, mw, 3) mouth pixels for frames first.., blended over the reference's."""
        count = len(windows)
        loop = torch.arange(first, first + count, device=self.device) % len(self.reference.frames)
        top, left = self._at
        mw, mh = self.reference.mouth[2:]
        with torch.inference_mode():
            mels = torch.from_numpy(windows).unsqueeze(1).to(self.device)
            lower = self.net(self._faces[loop], mels)
            lower = F.interpolate(lower, size=self._lower, mode="bilinear", align_corners=False)
            drawn = lower[:, :, top : top + mh, left : left + mw] * 255.0
            under = self._patches[loop]
            blended = under + (drawn - under) * self._mask
            pixels = blended.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
            return pixels.cpu().numpy()


def _feather_mask(height: int, width: int, feather: int) -> npt.NDArray[np.float32]:
    """1 inside the box, easing to 0 over `feather` pixels towards each edge (smoothstep)."""
    rows = np.minimum(np.arange(height) + 0.5, height - np.arange(height) - 0.5)
    cols = np.minimum(np.arange(width) + 0.5, width - np.arange(width) - 0.5)
    edge = np.minimum(rows[:, None], cols[None, :])
    ramp = np.clip(edge / max(feather, 1e-9), 0.0, 1.0)
    return np.asarray(ramp * ramp * (3 - 2 * ramp), np.float32)


def _read_only(frame: Frame) -> Frame:
    """A view that cannot be written through: still() hands out the reference's own frames."""
    view = frame.view()
    view.flags.writeable = False
    return view


def _planes(pixels: list[Frame], device: torch.device) -> torch.Tensor:
    """(count, 3, h, w) float pixel values from (h, w, 3) uint8 arrays."""
    stacked = torch.from_numpy(np.ascontiguousarray(np.stack(pixels))).to(device)
    return stacked.permute(0, 3, 1, 2).float()


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
