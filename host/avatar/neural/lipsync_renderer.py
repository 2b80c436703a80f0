"""Presenter frames whose mouth follows a speech: a lip-sync network blended into a photo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from host.avatar.neural import missing_torch
from host.avatar.neural.checkpoint import load_checkpoint
from host.avatar.neural.lipsync_net import LipSyncNet
from host.avatar.neural.mel import frame_count, frame_windows, speech_mel
from host.avatar.neural.reference import Frame, Reference, load_reference
from host.avatar.neural.render_ahead import RenderAhead
from host.errors import AvatarError
from host.voice.speech import Speech

try:
    import torch
    import torch.nn.functional as F
except ImportError as err:  # only without the extra
    raise missing_torch() from err

# Where the renderer's parts were first defined, so their imports from here keep working.
__all__ = ["LipSyncRenderer", "Reference", "RenderAhead", "load_reference"]


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


def _planes(pixels: list[Frame], device: torch.device) -> torch.Tensor:
    """(count, 3, h, w) float pixel values from (h, w, 3) uint8 arrays."""
    stacked = torch.from_numpy(np.ascontiguousarray(np.stack(pixels))).to(device)
    return stacked.permute(0, 3, 1, 2).float()
