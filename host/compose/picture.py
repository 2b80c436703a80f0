"""The picture at a moment: what the timeline airs, drawn just in time by the compositor."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from host.avatar.pose import REST, Avatar
from host.compose.compositor import Compositor
from host.compose.overlay import OverlayState
from host.segment.segment import Segment

log = logging.getLogger(__name__)

Rgba = npt.NDArray[np.uint8]


class HeadSource(Protocol):
    """A talking head drawn by something slower than a frame, such as a neural lip-sync model.

    It is told of each segment as it is made (when the show passes its segments through
    `Picture.prepare`), asked for a picture at each frame of it on air, and told when it
    has aired. `frame` must never wait for its picture: None means "not ready", and the
    avatar presents that frame.
    """

    def start(self, segment: Segment) -> None: ...  # it will air: begin rendering it ahead

    def frame(self, segment: Segment, offset: float) -> Rgba | None: ...  # at `offset` s into it

    def done(self, segment: Segment) -> None: ...  # it has aired, or will not: let it go

    def status(self) -> dict[str, Any]: ...  # for the health report: backend, state, reason

    def close(self) -> None: ...  # stop rendering: the show is over


# The mouth shape a frame shows is the one a little after the frame's start: half of the
# frame's time on screen (at 30 fps), and lips move just before the sound they make.
MOUTH_LEAD = 0.03

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
    head: bool = False  # whether a head source drew the presenter, not the avatar


class Picture:
    """Draws frames from segments; between segments the presenter idles and the card stays.

    The presenter is a chain: the `heads`, tried in order at each frame of an airing
    segment, then the avatar, which always has a picture. A head with no picture ready
    passes the frame on; a head that raises sits out the rest of the segment. What falls
    back to what is decided here and nowhere else.
    """

    def __init__(
        self,
        compositor: Compositor,
        avatar: Avatar,
        idle: OverlayState,
        *,
        heads: Sequence[HeadSource] = (),
    ) -> None:
        self.compositor = compositor
        self.avatar = avatar
        self.heads = tuple(heads)
        self.head_errors = 0  # times a head raised instead of answering
        self._overlay = idle
        self._airing: Segment | None = None
        self._offset = 0.0  # of the last frame drawn in `_airing`
        self._broken: set[int] = set()  # heads that raised during `_airing`: asked no more

    @property
    def overlay(self) -> OverlayState:
        """What the screen shows besides the presenter, as of the last frame drawn."""
        return self._overlay

    def prepare(self, segments: Iterable[Segment]) -> Iterator[Segment]:
        """The same segments, each drawn ahead of air as it is made, off the playout thread.

        Its card, background and captions go into the compositor's caches here, in the
        producer's thread, so at air time the playout only pastes cached layers; and each
        head is told to start rendering it.
        """
        for segment in segments:
            self.compositor.warm(
                overlays=(segment.overlay,), captions=(c.value for c in segment.captions)
            )
            for head in self.heads:
                # A head that cannot start renders no picture of it: the next link airs.
                self._ask(head, "start", segment)
            yield segment

    def head_status(self) -> dict[str, Any]:
        """The first head's own report (with every head's under `chain` when there are
        several), or the avatar's when there is no head."""
        if not self.heads:
            status = getattr(self.avatar, "status", None)  # a paced avatar says who presents
            return status() if callable(status) else {"backend": "avatar", "state": "ok"}
        status = {**self.heads[0].status(), "errors": self.head_errors}
        if len(self.heads) > 1:
            status["chain"] = [head.status() for head in self.heads]
        return status

    def close(self) -> None:
        """Stops every head's rendering; safe to call twice."""
        for head in self.heads:
            head.close()

    def _ask(self, head: HeadSource, what: str, segment: Segment) -> None:
        try:
            getattr(head, what)(segment)
        except Exception:
            self.head_errors += 1
            log.exception("the talking head %r failed to %s a segment", head, what)

    def draw(
        self, t: float, airing: tuple[Segment, float] | None
    ) -> tuple[npt.NDArray[np.uint8], FrameState]:
        caption = None
        viseme = None
        about = None
        if airing is not None:
            segment, offset = airing
            self._overlay = segment.overlay
            viseme = segment.viseme_at(offset + MOUTH_LEAD)
            caption = segment.caption_at(offset)
            about = segment.product_id
        self._follow(airing)
        # The head's talking motion lasts the whole segment, pauses included, so it
        # switches only when the air falls idle, not at every line.
        talking = airing is not None
        pose = self.avatar.pose(t, viseme or REST, talking)
        picture = self._head_picture(airing)
        card = self._overlay.card
        state = FrameState(
            t=t,
            product_id=card.product_id if card else None,
            about=about,
            price=(card.sale_price or card.price) if card else None,
            caption=caption,
            mouth=pose.mouth,
            talking=talking,
            head=picture is not None,
        )
        if picture is not None:
            return self.compositor.frame_rgba(self._overlay, caption, picture), state
        return self.compositor.frame(self._overlay, caption, pose), state

    def _follow(self, airing: tuple[Segment, float] | None) -> None:
        """Tell the head when a segment starts and stops airing."""
        segment, offset = airing if airing is not None else (None, 0.0)
        # The same segment aired again (an operator's repeat) restarts from its beginning.
        again = segment is self._airing and offset < self._offset
        self._offset = offset
        if segment is self._airing and not again:
            return
        previous, self._airing = self._airing, segment
        self._broken.clear()
        if previous is None:
            return
        for head in self.heads:
            self._ask(head, "done", previous)

    def _head_picture(self, airing: tuple[Segment, float] | None) -> Rgba | None:
        """The first picture a head in the chain has ready for this frame, if any."""
        if airing is None:
            return None
        for rank, head in enumerate(self.heads):
            if rank in self._broken:
                continue
            try:
                picture = head.frame(*airing)
            except Exception:  # a broken head must not take the picture off air
                self.head_errors += 1
                self._broken.add(rank)
                log.exception("the talking head %r failed; the next in the chain presents "
                              "the rest of the segment", head)
                continue
            if picture is not None:
                return picture
        return None
