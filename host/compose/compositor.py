"""Whole frames in the encoder's yuv420p, pasted from cached background, presenter, caption."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from av.video.reformatter import VideoReformatter

from host.avatar.pose import Avatar, Pose
from host.compose.background import backdrop, draw_background, stage_mask
from host.compose.cache import CacheStats, PictureCache
from host.compose.caption import draw_caption
from host.compose.layout import Box, Layout
from host.compose.overlay import OverlayState
from host.compose.paint import Pixels, over
from host.compose.yuv import paste, rgb_to_yuv420, yuv420_to_rgb


def _even_down(v: int) -> int:
    return v - v % 2


def _even_up(v: int) -> int:
    return v + v % 2


class Compositor:
    """Draws frames for one layout and one avatar; not thread-safe, one per playout."""

    def __init__(
        self,
        layout: Layout,
        avatar: Avatar,
        *,
        backgrounds: int = 8,
        presenters: int = 256,
        captions: int = 32,
    ) -> None:
        box = layout.presenter_box
        aw, ah = avatar.size
        if aw > box.w or ah > box.h or aw <= 0 or ah <= 0:
            raise ValueError(
                f"avatar size {aw}x{ah} does not fit the presenter box {box.w}x{box.h}: "
                "build the avatar at most that size"
            )
        self.layout = layout
        self.avatar = avatar
        # The avatar sits centred and bottom-aligned; only its (even-aligned) rectangle is cached.
        self._ax = box.x + (box.w - aw) // 2
        self._ay = box.bottom - ah
        left, top = _even_down(self._ax), _even_down(self._ay)
        self._avatar_rect = Box(left, top, _even_up(self._ax + aw) - left, box.bottom - top)
        # The stage's rounded corners clip the avatar only where it reaches them.
        clip = stage_mask(layout)[self._ay - box.y :, self._ax - box.x : self._ax - box.x + aw]
        self._clip = None if clip.min() == 255 else np.ascontiguousarray(clip)
        self._backgrounds: PictureCache[OverlayState] = PictureCache(backgrounds)
        self._presenters: PictureCache[Pose] = PictureCache(presenters)
        self._captions: PictureCache[str] = PictureCache(captions)
        # One swscale context per picture size: each is set up once, not once per picture.
        self._presenter_sws = VideoReformatter()
        self._caption_sws = VideoReformatter()

    @property
    def presenter_box(self) -> Box:
        """The box the avatar is drawn in; build the avatar at most this size."""
        return self.layout.presenter_box

    @property
    def avatar_rect(self) -> Box:
        """The even-aligned part of the presenter box that a pose redraws."""
        return self._avatar_rect

    @property
    def avatar_origin(self) -> tuple[int, int]:
        """Where the avatar's top-left pixel lands in the frame when every offset is zero."""
        return (self._ax, self._ay)

    def frame(self, overlay: OverlayState, caption: str | None, pose: Pose) -> Pixels:
        """The frame as yuv420p (h*3//2, w) uint8, as av.VideoFrame.from_ndarray takes it."""
        out = self._backgrounds.get(overlay, self._draw_background).copy()
        rect = self._avatar_rect
        paste(out, self._presenters.get(pose, self._draw_presenter), rect.x, rect.y)
        text = " ".join(caption.split()) if caption else ""
        if text:
            box = self.layout.caption_box
            paste(out, self._captions.get(text, self._draw_caption), box.x, box.y)
        return out

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
        """Hits, misses, entries and bytes of the background, presenter and caption caches."""
        return {
            "background": self._backgrounds.stats(),
            "presenter": self._presenters.stats(),
            "caption": self._captions.stats(),
        }

    def _draw_background(self, overlay: OverlayState) -> Pixels:
        return rgb_to_yuv420(draw_background(self.layout, overlay))

    def _draw_presenter(self, pose: Pose) -> Pixels:
        rgba = self.avatar.draw(pose)
        aw, ah = self.avatar.size
        if rgba.shape != (ah, aw, 4) or rgba.dtype != np.uint8:
            raise ValueError(
                f"avatar drew {rgba.shape} {rgba.dtype}, expected ({ah}, {aw}, 4) uint8 RGBA"
            )
        rect = self._avatar_rect
        under = backdrop(self.layout)[rect.y : rect.bottom, rect.x : rect.right]
        picture = over(under, rgba, (self._ax - rect.x, self._ay - rect.y), self._clip)
        return rgb_to_yuv420(picture, self._presenter_sws)

    def _draw_caption(self, text: str) -> Pixels:
        box = self.layout.caption_box
        plate = np.asarray(draw_caption(text, box.size, self.layout.scale), dtype=np.uint8)
        under = backdrop(self.layout)[box.y : box.bottom, box.x : box.right]
        return rgb_to_yuv420(over(under, plate), self._caption_sws)
