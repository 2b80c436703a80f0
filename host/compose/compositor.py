"""Whole frames in the encoder's yuv420p, pasted from cached background, presenter, caption."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from av.video.reformatter import VideoReformatter

from host.avatar.pose import Avatar, Pose
from host.compose.background import backdrop, draw_background, stage_mask
from host.compose.cache import CacheStats, PictureCache
from host.compose.caption import draw_caption
from host.compose.layout import Box, Layout
from host.compose.overlay import OverlayState
from host.compose.paint import Pixels, opaque_over, over
from host.compose.yuv import paste, rgb_to_yuv420, yuv420_to_rgb


def _on_backdrop(
    under: Pixels, layer: Pixels, at: tuple[int, int], clip: Pixels | None
) -> Pixels:
    """A presenter picture over the backdrop: RGB, or RGBA when it is an opaque photo
    covering it all (nothing of the backdrop shows through, so it is not blended)."""
    quick = opaque_over(under, layer, clip) if at == (0, 0) else None
    return quick if quick is not None else over(under, layer, at, clip)


def _even_down(v: int) -> int:
    return v - v % 2


def _even_up(v: int) -> int:
    return v + v % 2


MAX_PLACEMENTS = 4  # presenter picture sizes remembered: the avatar's, a neural head's, ...
BASES_KEPT = 24  # a layered avatar's bases, as yuv420p over the backdrop


@runtime_checkable
class LayeredAvatar(Avatar, Protocol):
    """An avatar whose poses share bases: poses of one `base_key` differ only inside their
    `patch_boxes`, so a new pose costs its patches, not a whole picture."""

    def base_key(self, pose: Pose) -> Hashable: ...

    def draw_base(self, key: Any) -> Pixels: ...  # (height, width, 4) RGBA

    def patch_boxes(self, pose: Pose) -> tuple[tuple[int, int, int, int], ...]: ...


@dataclass(frozen=True, eq=False)
class _Placement:
    """Where a presenter picture of one size lands: centred, standing on the box's bottom."""

    x: int  # the picture's top-left pixel in the frame
    y: int
    rect: Box  # the even-aligned rectangle repainted with it
    clip: Pixels | None  # the stage's rounded corners over it, or None where they miss it


class Compositor:
    """Draws frames for one layout and one avatar; not thread-safe, one per playout."""

    def __init__(
        self,
        layout: Layout,
        avatar: Avatar,
        *,
        backgrounds: int = 16,  # enough for the overlays of the segments queued ahead
        presenters: int = 256,
        captions: int = 96,
    ) -> None:
        self.layout = layout
        self.avatar = avatar
        self._placements: dict[tuple[int, int], _Placement] = {}
        self._avatar = self._place(avatar.size, "avatar", "build the avatar at most that size")
        self._backgrounds: PictureCache[OverlayState] = PictureCache(backgrounds)
        self._presenters: PictureCache[Pose] = PictureCache(presenters)
        self._captions: PictureCache[str] = PictureCache(captions)
        # One swscale context per picture size: each is set up once, not once per picture.
        self._presenter_sws = VideoReformatter()
        self._picture_sws = VideoReformatter()
        self._patch_sws: dict[tuple[int, ...], VideoReformatter] = {}
        self._bases: PictureCache[Hashable] = PictureCache(BASES_KEPT)
        self._layered = isinstance(avatar, LayeredAvatar)  # asked once: the check is slow
        # Captions are also drawn ahead of air in the producer's thread: one context each.
        self._caption_sws = threading.local()

    @property
    def presenter_box(self) -> Box:
        """The box the avatar is drawn in; build the avatar at most this size."""
        return self.layout.presenter_box

    @property
    def avatar_rect(self) -> Box:
        """The even-aligned part of the presenter box that a pose redraws."""
        return self._avatar.rect

    @property
    def avatar_origin(self) -> tuple[int, int]:
        """Where the avatar's top-left pixel lands in the frame when every offset is zero."""
        return (self._avatar.x, self._avatar.y)

    def picture_origin(self, size: tuple[int, int]) -> tuple[int, int]:
        """Where the top-left pixel of a (width, height) presenter picture lands in the frame."""
        place = self._place(size, "presenter picture", "draw it at most that size")
        return (place.x, place.y)

    def frame(self, overlay: OverlayState, caption: str | None, pose: Pose) -> Pixels:
        """The frame as yuv420p (h*3//2, w) uint8, as av.VideoFrame.from_ndarray takes it."""
        presenter = self._presenters.get(pose, self._draw_presenter)
        return self._compose(overlay, caption, presenter, self._avatar.rect)

    def frame_rgba(self, overlay: OverlayState, caption: str | None, rgba: Pixels) -> Pixels:
        """The frame with an (h, w, 4) RGBA picture as the presenter instead of a drawn pose.

        The picture stands where the avatar would, centred on the bottom of the presenter
        box; it is not cached, since a picture made for every frame rarely comes back.
        """
        if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
            raise ValueError(f"presenter picture is {rgba.shape} {rgba.dtype}, expected RGBA uint8")
        place = self._place((rgba.shape[1], rgba.shape[0]), "presenter picture",
                            "draw it at most that size")
        presenter = self._presenter_yuv(rgba, place, self._picture_sws)
        return self._compose(overlay, caption, presenter, place.rect)

    def frame_rgb(self, overlay: OverlayState, caption: str | None, pose: Pose) -> Pixels:
        """The same frame as (h, w, 3) RGB, converted back the way a player would."""
        return yuv420_to_rgb(self.frame(overlay, caption, pose))

    def warm(
        self,
        overlays: Iterable[OverlayState] = (),
        captions: Iterable[str] = (),
        poses: Iterable[Pose] = (),
    ) -> None:
        """Draw these into the caches ahead of air time, so the frames that need them are fast."""
        for overlay in overlays:
            self._backgrounds.get(overlay, self._draw_background)
        for caption in captions:
            text = " ".join(caption.split())
            if text:
                self._captions.get(text, self._draw_caption)
        for pose in poses:
            self._presenters.get(pose, self._draw_presenter)

    def cache_stats(self) -> dict[str, CacheStats]:
        """Hits, misses, entries and bytes of the background, presenter, caption and presenter
        base caches."""
        return {
            "background": self._backgrounds.stats(),
            "presenter": self._presenters.stats(),
            "caption": self._captions.stats(),
            "presenter_base": self._bases.stats(),
        }

    def _draw_background(self, overlay: OverlayState) -> Pixels:
        return rgb_to_yuv420(draw_background(self.layout, overlay))

    def _compose(
        self, overlay: OverlayState, caption: str | None, presenter: Pixels, rect: Box
    ) -> Pixels:
        out = self._backgrounds.get(overlay, self._draw_background).copy()
        paste(out, presenter, rect.x, rect.y)
        text = " ".join(caption.split()) if caption else ""
        if text:
            box = self.layout.caption_box
            paste(out, self._captions.get(text, self._draw_caption), box.x, box.y)
        return out

    def _place(self, size: tuple[int, int], what: str, advice: str) -> _Placement:
        """The placement of a presenter picture of `size`, checked to fit the box once."""
        known = self._placements.get(size)
        if known is not None:
            return known
        box = self.layout.presenter_box
        width, height = size
        if width > box.w or height > box.h or width <= 0 or height <= 0:
            raise ValueError(
                f"{what} size {width}x{height} does not fit the presenter box "
                f"{box.w}x{box.h}: {advice}"
            )
        x = box.x + (box.w - width) // 2
        y = box.bottom - height
        left, top = _even_down(x), _even_down(y)
        rect = Box(left, top, _even_up(x + width) - left, box.bottom - top)
        # The stage's rounded corners clip the picture only where it reaches them.
        clip = stage_mask(self.layout)[y - box.y :, x - box.x : x - box.x + width]
        place = _Placement(x, y, rect, None if clip.min() == 255 else np.ascontiguousarray(clip))
        if len(self._placements) >= MAX_PLACEMENTS:
            self._placements.pop(next(iter(self._placements)))
        self._placements[size] = place
        return place

    def _draw_presenter(self, pose: Pose) -> Pixels:
        rgba = self._checked(self.avatar.draw(pose))
        if not self._layered:
            return self._presenter_yuv(rgba, self._avatar, self._presenter_sws)
        assert isinstance(self.avatar, LayeredAvatar)
        # A new pose of a layered avatar is its base, converted once per base, with only
        # its eyes and mouth converted anew: a tenth of the pixels of the whole picture.
        key = self.avatar.base_key(pose)
        base = self._bases.get(key, self._draw_base)
        out = base.copy()
        place = self._avatar
        left, top = place.x - place.rect.x, place.y - place.rect.y
        for x, y, w, h in self.avatar.patch_boxes(pose):
            x0, y0 = _even_down(max(0, left + x)), _even_down(max(0, top + y))
            x1 = min(place.rect.w, _even_up(left + x + w))
            y1 = min(place.rect.h, _even_up(top + y + h))
            if x1 <= x0 or y1 <= y0:
                continue
            out_box = Box(place.rect.x + x0, place.rect.y + y0, x1 - x0, y1 - y0)
            under = backdrop(self.layout)[out_box.y : out_box.bottom, out_box.x : out_box.right]
            ax0, ay0 = max(0, x0 - left), max(0, y0 - top)  # the same pixels in the avatar's
            ax1, ay1 = x1 - left, y1 - top
            clip = None if place.clip is None else place.clip[ay0:ay1, ax0:ax1]
            patch = _on_backdrop(
                under, rgba[ay0:ay1, ax0:ax1], (ax0 + left - x0, ay0 + top - y0), clip)
            sws = self._patch_sws.setdefault(patch.shape[:2], VideoReformatter())
            paste(out, rgb_to_yuv420(patch, sws), x0, y0)
        return out

    def _draw_base(self, key: Hashable) -> Pixels:
        assert self._layered
        rgba = self._checked(self.avatar.draw_base(key))  # type: ignore[attr-defined]
        return self._presenter_yuv(rgba, self._avatar, self._presenter_sws)

    def _checked(self, rgba: Pixels) -> Pixels:
        aw, ah = self.avatar.size
        if rgba.shape != (ah, aw, 4) or rgba.dtype != np.uint8:
            raise ValueError(
                f"avatar drew {rgba.shape} {rgba.dtype}, expected ({ah}, {aw}, 4) uint8 RGBA"
            )
        return rgba

    def _presenter_yuv(
        self, rgba: Pixels, place: _Placement, sws: VideoReformatter
    ) -> Pixels:
        """The placed picture over the backdrop, as yuv420p of its even-aligned rectangle."""
        rect = place.rect
        under = backdrop(self.layout)[rect.y : rect.bottom, rect.x : rect.right]
        picture = _on_backdrop(under, rgba, (place.x - rect.x, place.y - rect.y), place.clip)
        return rgb_to_yuv420(picture, sws)

    def _draw_caption(self, text: str) -> Pixels:
        box = self.layout.caption_box
        plate = np.asarray(draw_caption(text, box.size, self.layout.scale), dtype=np.uint8)
        under = backdrop(self.layout)[box.y : box.bottom, box.x : box.right]
        local = self._caption_sws
        if not hasattr(local, "sws"):
            local.sws = VideoReformatter()
        return rgb_to_yuv420(over(under, plate), local.sws)
