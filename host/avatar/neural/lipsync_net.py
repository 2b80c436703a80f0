"""A Wav2Lip-shaped network: a face crop and a mel window in, the lower half of the face out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from itertools import pairwise
from typing import Any

from host.avatar.neural import missing_torch
from host.avatar.neural.mel import MELS, STEPS
from host.errors import AvatarError

try:
    import torch
    from torch import nn
except ImportError as err:  # only without the extra
    raise missing_torch() from err

FACE_INPUTS = 6  # the face with its lower half masked, beside the unmasked reference face


@dataclass(frozen=True)
class LipSyncConfig:
    """The network's shape; a checkpoint stores it beside the weights."""

    face_size: int = 96  # the face crop is resized to face_size x face_size
    face_channels: tuple[int, ...] = (16, 32, 64, 128, 256, 512)  # stem, then one per halving
    audio_channels: tuple[int, ...] = (32, 64, 128, 256)  # stem, then one per halving
    embedding: int = 512  # width of the face and audio codes the decoder starts from
    residuals: int = 1  # residual blocks after each resolution change

    def __post_init__(self) -> None:
        for name in ("face_size", "embedding"):
            if not _positive(getattr(self, name)):
                raise ValueError(
                    f"{name}: expected a whole number > 0, got {getattr(self, name)!r}"
                )
        if not _count(self.residuals):
            raise ValueError(f"residuals: expected a whole number >= 0, got {self.residuals!r}")
        for name in ("face_channels", "audio_channels"):
            value = getattr(self, name)
            if not (isinstance(value, tuple) and len(value) >= 2 and all(map(_positive, value))):
                raise ValueError(f"{name}: expected at least two whole numbers > 0, got {value!r}")
        halvings = len(self.face_channels) - 1
        if self.face_size % 2**halvings:
            raise ValueError(
                f"face_size: {self.face_size} cannot be halved {halvings} times "
                f"(once per face channel after the first); use a multiple of {2**halvings}"
            )

    @property
    def lower_size(self) -> tuple[int, int]:
        """(height, width) of the lower face the network draws."""
        return (self.face_size // 2, self.face_size)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for a checkpoint's "config"."""
        return {key: list(v) if isinstance(v, tuple) else v for key, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, object], where: str) -> LipSyncConfig:
        """A config from a checkpoint's "config", naming `where` and the key in every error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise AvatarError(
                f"{where}: unknown key {unknown[0]!r}; known keys are {sorted(known)}"
            )
        missing = sorted(known - set(data))
        if missing:
            raise AvatarError(f"{where}: missing key {missing[0]!r}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        try:
            return cls(**values)  # type: ignore[arg-type]  # checked in __post_init__
        except ValueError as err:
            raise AvatarError(f"{where}.{err}") from err


class LipSyncNet(nn.Module):
    """Face encoder with skips, audio encoder, and a decoder that draws the lower face in [0, 1]."""

    def __init__(self, config: LipSyncConfig) -> None:
        super().__init__()
        self.config = config
        faces, residuals = config.face_channels, config.residuals
        grid = config.face_size // 2 ** (len(faces) - 1)  # side of the smallest face map
        self.face_stem = _Stage(_conv(FACE_INPUTS, faces[0], 7, 1, 3), faces[0], residuals)
        self.face_stages = nn.ModuleList(
            _Stage(_conv(a, b, 3, 2, 1), b, residuals) for a, b in pairwise(faces)
        )
        self.face_code = _conv(faces[-1], config.embedding, grid, 1, 0)
        audio = config.audio_channels
        height, width = MELS, STEPS
        for _ in audio[1:]:
            height, width = -(-height // 2), -(-width // 2)
        self.audio_encoder = nn.Sequential(
            _Stage(_conv(1, audio[0], 3, 1, 1), audio[0], residuals),
            *(_Stage(_conv(a, b, 3, 2, 1), b, residuals) for a, b in pairwise(audio)),
            _conv(audio[-1], config.embedding, (height, width), 1, 0),
        )
        self.up_code = _Stage(
            _up(2 * config.embedding, faces[-1], grid, 1, 0), faces[-1], residuals
        )
        self.up_stages = nn.ModuleList(
            _Stage(_up(2 * b, a, 3, 2, 1, 1), a, residuals)
            for a, b in reversed(list(pairwise(faces)))
        )
        self.head = nn.Sequential(
            _conv(2 * faces[0], faces[0], 3, 1, 1),
            nn.Conv2d(faces[0], 3, 1),
            nn.Sigmoid(),
        )

    def forward(self, faces: torch.Tensor, mels: torch.Tensor) -> torch.Tensor:
        """(B, 6, S, S) faces and (B, 1, MELS, STEPS) mel windows to a (B, 3, S/2, S) lower face."""
        skips = [self.face_stem(faces)]
        for stage in self.face_stages:
            skips.append(stage(skips[-1]))
        x = torch.cat((self.audio_encoder(mels), self.face_code(skips[-1])), dim=1)
        x = self.up_code(x)
        for stage, skip in zip(self.up_stages, reversed(skips[1:]), strict=True):
            x = stage(torch.cat((x, skip), dim=1))
        x = torch.cat((x, skips[0]), dim=1)
        lower: torch.Tensor = self.head(x[:, :, self.config.face_size // 2 :])
        return lower


class _Residual(nn.Module):
    """A 3x3 convolution added back onto its input."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 1, 1)
        self.norm = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.norm(self.conv(x)) + x)


class _Stage(nn.Sequential):
    """A resolution change followed by residual blocks at the new resolution."""

    def __init__(self, change: nn.Module, channels: int, residuals: int) -> None:
        super().__init__(change, *(_Residual(channels) for _ in range(residuals)))


def _conv(
    inputs: int, outputs: int, kernel: int | tuple[int, int], stride: int, padding: int
) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, kernel, stride, padding),
        nn.BatchNorm2d(outputs),
        nn.ReLU(),
    )


def _up(
    inputs: int, outputs: int, kernel: int, stride: int, padding: int, extra: int = 0
) -> nn.Sequential:
    return nn.Sequential(
        nn.ConvTranspose2d(inputs, outputs, kernel, stride, padding, output_padding=extra),
        nn.BatchNorm2d(outputs),
        nn.ReLU(),
    )


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


TINY = LipSyncConfig(
    face_size=32, face_channels=(4, 8, 16), audio_channels=(4, 8, 16), embedding=16, residuals=0
)
BASE = LipSyncConfig()
PRESETS = {"tiny": TINY, "base": BASE}
