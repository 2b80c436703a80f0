"""Neural presenters (the `neural` extra): a Wav2Lip-shaped lip-sync network over a photo."""

from __future__ import annotations

from host.errors import AvatarError

INSTALL_HINT = "pip install 'hostcast[neural]'"


def missing_torch() -> AvatarError:
    """The error for a neural module imported without torch installed."""
    return AvatarError(
        f"the neural lip-sync renderer needs torch, which is not installed: {INSTALL_HINT}"
    )
