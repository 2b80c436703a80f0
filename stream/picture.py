"""The picture at a moment: what the timeline airs, drawn just in time by the compositor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from host.avatar.pose import REST, Avatar
from host.compose.compositor import Compositor
from host.compose.overlay import OverlayState
from host.segment.segment import Segment


@dataclass(frozen=True)
class FrameState:
    """What one frame shows, for logs, the preview panel and tests."""

    t: float
    product_id: str | None  # the product whose card is on screen
    about: str | None  # the product the line being spoken is about
    price: str | None  # the price the card shows as current
    caption: str | None
    mouth: str
    talking: bool


class Picture:
    """Draws frames from segments; between segments the presenter idles and the card stays."""

    def __init__(self, compositor: Compositor, avatar: Avatar, idle: OverlayState) -> None:
        self.compositor = compositor
        self.avatar = avatar
        self._overlay = idle

    @property
    def overlay(self) -> OverlayState:
        """What the screen shows besides the presenter, as of the last frame drawn."""
        return self._overlay

    def draw(
        self, t: float, airing: tuple[Segment, float] | None
    ) -> tuple[npt.NDArray[np.uint8], FrameState]:
        caption = None
        viseme = None
        about = None
        if airing is not None:
            segment, offset = airing
            self._overlay = segment.overlay
            viseme = segment.viseme_at(offset)
            caption = segment.caption_at(offset)
            about = segment.product_id
        # The head's talking motion lasts the whole segment, pauses included, so it
        # switches only when the air falls idle, not at every line.
        talking = airing is not None
        pose = self.avatar.pose(t, viseme or REST, talking)
        card = self._overlay.card
        state = FrameState(
            t=t,
            product_id=card.product_id if card else None,
            about=about,
            price=(card.sale_price or card.price) if card else None,
            caption=caption,
            mouth=pose.mouth,
            talking=talking,
        )
        return self.compositor.frame(self._overlay, caption, pose), state
