"""Lip-sync checkpoints: {"config": {...}, "state_dict": {...}} in one local torch file."""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path

from host.avatar.neural import missing_torch
from host.avatar.neural.lipsync_net import LipSyncConfig, LipSyncNet
from host.errors import AvatarError
from host.paths import shown

try:
    import torch
except ImportError as err:  # only without the extra
    raise missing_torch() from err

_KEYS = ("config", "state_dict")


def save_checkpoint(net: LipSyncNet, path: str | Path) -> Path:
    """Write the network's config and weights to `path`, in the format load_checkpoint reads."""
    path = Path(path)
    state = {key: value.detach().cpu() for key, value in net.state_dict().items()}
    torch.save({"config": net.config.to_dict(), "state_dict": state}, path)
    return path


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> LipSyncNet:
    """The network a checkpoint file holds, checked key by key, in eval mode on `device`."""
    path = Path(path)
    where = shown(path)
    if not path.is_file():
        raise AvatarError(f"{where}: no such lip-sync checkpoint file")
    try:
        # weights_only: a checkpoint is data, never code to run.
        data = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, pickle.UnpicklingError, zipfile.BadZipFile, EOFError) as err:
        raise AvatarError(f"{where}: not a readable torch checkpoint ({_first_line(err)})") from err
    if not isinstance(data, Mapping):
        raise AvatarError(f"{where}: expected a dict with keys {_KEYS}, got {type(data).__name__}")
    for key in _KEYS:
        if key not in data:
            raise AvatarError(f"{where}: missing key {key!r} (a checkpoint holds {_KEYS})")
        if not isinstance(data[key], Mapping):
            raise AvatarError(f"{where}: {key!r} must be a dict, got {type(data[key]).__name__}")
    config = LipSyncConfig.from_dict(data["config"], f"{where}: config")
    net = LipSyncNet(config)
    _check_weights(net, data["state_dict"], where)
    net.load_state_dict(data["state_dict"])
    return net.to(device).eval()


def _check_weights(net: LipSyncNet, weights: Mapping[object, object], where: str) -> None:
    """Every weight the config needs is there, a tensor, of the config's shape; nothing else."""
    wanted = net.state_dict()
    missing = [key for key in wanted if key not in weights]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise AvatarError(f"{where}: state_dict is missing {missing[0]!r}{more}")
    unexpected = [key for key in weights if key not in wanted]
    if unexpected:
        more = f" (and {len(unexpected) - 1} more)" if len(unexpected) > 1 else ""
        raise AvatarError(
            f"{where}: state_dict has {unexpected[0]!r}{more}, which the config does not use"
        )
    for key, expected in wanted.items():
        value = weights[key]
        if not isinstance(value, torch.Tensor):
            raise AvatarError(
                f"{where}: state_dict[{key!r}] must be a tensor, got {type(value).__name__}"
            )
        if value.shape != expected.shape:
            raise AvatarError(
                f"{where}: state_dict[{key!r}] has shape {tuple(value.shape)}, "
                f"the config wants {tuple(expected.shape)}"
            )
        if value.dtype.is_floating_point != expected.dtype.is_floating_point:
            raise AvatarError(
                f"{where}: state_dict[{key!r}] is {value.dtype}, expected {expected.dtype}"
            )


def _first_line(err: BaseException) -> str:
    if isinstance(err, EOFError):
        return "the file ends too early"
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]
