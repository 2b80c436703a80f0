"""Which presenter a show's `avatar` names: a drawn pack, a photo, or a neural head.

- a pack name or folder: the layered cartoon (`host.avatar.presenter`);
- `photo:FILE`, or a pack whose manifest says `kind = "photo"`: the photo presenter
  (needs hostcast[photo]), with the default cartoon taking over when its draws fall
  behind the air;
- `neural:FOLDER`: a lip-sync network's head, the default cartoon behind it.
"""

from __future__ import annotations

from pathlib import Path

from host.avatar.pack import load_pack, photo_of
from host.avatar.pose import Avatar
from host.avatar.presenter import Presenter
from host.compose.layout import Layout
from host.compose.paced import PacedAvatar
from host.compose.picture import HeadSource
from host.errors import AvatarError
from hostcast.programme import NEURAL, PHOTO, PHOTO_EXTRA


def presenter_for(
    avatar: str, layout: Layout, fps: int, *, seed: int = 0, offline: bool = False
) -> tuple[Avatar, list[HeadSource]]:
    """The avatar that presents every frame, and the heads tried before it, in order."""
    box = layout.presenter_box
    if avatar.startswith(NEURAL):
        from host.avatar.neural.head_source import open_neural_head  # the neural extra

        cartoon = Presenter(load_pack("default"), height=box.h, seed=seed)
        head = open_neural_head(avatar.removeprefix(NEURAL), box.size, fps, offline=offline)
        return cartoon, [head]
    photo = Path(avatar.removeprefix(PHOTO)) if avatar.startswith(PHOTO) else photo_of(avatar)
    if photo is None:
        return Presenter(load_pack(avatar), height=box.h, seed=seed), []
    try:
        from host.avatar.photo.presenter import PhotoPresenter
    except ImportError as err:
        raise AvatarError(f"{photo}: {PHOTO_EXTRA} ({err})") from None
    size = (box.w - box.w % 2, box.h - box.h % 2)
    main = PhotoPresenter.load(photo, size, seed=seed)
    cartoon = Presenter(load_pack("default"), height=size[1], seed=seed)
    return PacedAvatar(main, cartoon, fps, offline=offline), []
