"""A lip-sync renderer as the picture's talking head, and the avatar's turn when it falls behind."""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from host.avatar.neural.lipsync_renderer import LipSyncRenderer
from host.avatar.neural.reference import Frame, Reference, load_reference
from host.avatar.neural.render_ahead import RenderAhead
from host.errors import AvatarError
from host.paths import shown
from host.segment.segment import Segment

log = logging.getLogger(__name__)

AHEAD = 2  # segments rendering at once: the one on air and the next
COOLDOWN = 3  # segments the avatar presents after a fallback, before the head is tried again
MAX_MISSED = 3  # frames of one segment not ready in time before the avatar takes it over
MAX_KNOWN = 64  # segments announced and not yet aired; older ones were dropped from the queue
OFFLINE_WAIT = 60.0  # seconds a file render waits for a frame: it has no air time to keep
CHECKPOINT = "lipsync.pt"
PHOTOS = ("photo.png", "photo.jpg", "photo.jpeg")
LOOP = "frames"  # or a folder of frames, with face.toml beside them


@dataclass(eq=False)
class _Job:
    """One segment's render, from its announcement until it has aired."""

    segment: Segment
    count: int  # video frames of its speech
    announced: bool  # told before air; otherwise first seen on air (an operator's line)
    render: RenderAhead | None = None
    aired: bool = False
    neural: bool = True  # decided when it starts airing
    last: int = -1  # the last frame pulled
    missed: int = 0


class NeuralHead:
    """Draws airing segments with a lip-sync renderer, rendered ahead of air on threads.

    Frame n of a segment shows the mouth for the audio at n / fps from the segment's start:
    at an offset the picture asks for, the frame whose time is nearest, so within half a
    frame. When a render fails, or more than `max_missed` frames of a segment are not ready
    when due, the avatar presents the rest of it and the next `cooldown` segments; then the
    head is tried again. A render slower than the frame rate does the same when its segment
    ends, before its buffer runs dry on a longer line. `offline` (a file render) waits for
    every frame instead and never judges speed.
    """

    def __init__(
        self,
        renderer: LipSyncRenderer,
        *,
        buffer: int | None = None,
        ahead: int = AHEAD,
        cooldown: int = COOLDOWN,
        max_missed: int = MAX_MISSED,
        offline: bool = False,
    ) -> None:
        for name, value, least in (("ahead", ahead, 1), ("cooldown", cooldown, 0),
                                   ("max_missed", max_missed, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{name}: expected a whole number >= {least}, got {value!r}")
        self.renderer = renderer
        self.fps = renderer.fps
        self._buffer = buffer
        self._ahead = ahead
        self._cooldown = cooldown
        self._max_missed = max_missed
        self._wait = OFFLINE_WAIT if offline else 0.0
        self._offline = offline
        self._lock = threading.Lock()  # start() runs on the producer, the rest on the playout
        self._jobs: OrderedDict[int, _Job] = OrderedDict()
        self._state = "ok"
        self._reason: str | None = None
        self._cooldown_left = 0
        self._render_fps: float | None = None  # of the last segment the head presented
        self._missed = 0
        self._fallbacks = 0
        self._by_head = 0  # segments that started airing with the head
        self._by_avatar = 0  # ... and with the avatar, in a fallback

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of every picture."""
        return self.renderer.size

    def start(self, segment: Segment) -> None:
        """Begin rendering a segment that will air soon, if there is room to render ahead."""
        with self._lock:
            if id(segment) not in self._jobs:
                self._add(segment, announced=True)
                self._top_up()

    def frame(self, segment: Segment, offset: float) -> Frame | None:
        """The picture `offset` seconds into `segment`, or None for the avatar to draw."""
        with self._lock:
            job = self._jobs.get(id(segment))
            if job is None:
                job = self._add(segment, announced=False)
            if not job.aired:
                self._begin(job)
            if not job.neural:
                return None
            n = max(job.last, math.floor(offset * self.fps + 0.5))
            if n >= job.count:  # the pause after the line: the presenter at rest
                return self.renderer.still(n)
            return self._pull(job, n)

    def done(self, segment: Segment) -> None:
        """The segment has aired: judge how its render kept up, and let it go."""
        with self._lock:
            job = self._jobs.pop(id(segment), None)
            if job is None:
                return
            render = job.render
            if render is not None and job.neural and job.aired:
                self._judge(render, job)
            self._drop(job)
            self._top_up()

    def status(self) -> dict[str, Any]:
        """Backend, state ("ok" or "fallback"), why, and how the renders have kept up."""
        with self._lock:
            return {
                "backend": "neural",
                "state": self._state,
                "reason": self._reason,
                "missed_frames": self._missed,
                "render_fps": None if self._render_fps is None else round(self._render_fps, 1),
                "fps": self.fps,
                "fallbacks": self._fallbacks,
                "cooldown_segments": self._cooldown_left,
                "segments_head": self._by_head,
                "segments_avatar": self._by_avatar,
                "device": str(self.renderer.device),
            }

    def close(self) -> None:
        """Stop every render."""
        with self._lock:
            for job in self._jobs.values():
                if job.render is not None:
                    job.render.close()
            self._jobs.clear()

    def _add(self, segment: Segment, *, announced: bool) -> _Job:
        job = _Job(segment, self.renderer.frame_count(segment.speech), announced)
        self._jobs[id(segment)] = job
        if len(self._jobs) > MAX_KNOWN:  # bounded even if done() never comes for some
            oldest = next(key for key, known in self._jobs.items() if not known.aired)
            self._drop(self._jobs.pop(oldest))
        return job

    def _begin(self, job: _Job) -> None:
        """The segment's first frame on air: the head presents it, or the avatar does."""
        job.aired = True
        if job.announced:
            # Announced segments air in the order they were announced; one announced
            # before this and not aired never will: the queue was flushed.
            for key, other in list(self._jobs.items()):
                if other is job:
                    break
                if other.announced and not other.aired:
                    self._drop(self._jobs.pop(key))
        if self._state == "fallback":
            job.neural = False
            self._drop(job)
            self._by_avatar += 1
            self._cooldown_left -= 1
            if self._cooldown_left <= 0:
                # The head renders the next segment while the avatar presents this one.
                self._state, self._reason = "ok", None
                log.info("trying the talking head again after %d segments", self._cooldown)
        else:
            self._by_head += 1
            if job.render is None:
                self._make_room(job)
                job.render = self.renderer.render_ahead(job.segment.speech, self._buffer)
        self._top_up()

    def _pull(self, job: _Job, n: int) -> Frame | None:
        render = job.render
        assert render is not None  # every segment the head presents is rendering
        image = render.frame(n, self._wait)
        job.last = n
        if image is not None:
            return image
        if render.error is not None:
            self._fall_back(job, f"lip-sync rendering failed: {render.error}")
            return None
        job.missed += 1
        self._missed += 1
        if job.missed > self._max_missed:
            speed = f"{render.render_fps:.1f} fps" if render.rendered else "none rendered yet"
            self._fall_back(
                job,
                f"{job.missed} frames were not ready in time ({speed}; "
                f"the stream runs at {self.fps} fps)",
            )
            return None
        return self.renderer.still(n)  # a closed mouth for a frame, not the avatar's face

    def _judge(self, render: RenderAhead, job: _Job) -> None:
        """After a segment the head presented: was rendering as fast as the air?"""
        if render.rendered < min(job.count, 2 * self.renderer.batch_size):
            return  # too few frames to say
        self._render_fps = render.render_fps
        if not self._offline and self._state == "ok" and self._render_fps < self.fps:
            self._fall_back(
                None, f"rendering at {self._render_fps:.1f} fps; the stream runs at {self.fps} fps"
            )

    def _fall_back(self, job: _Job | None, reason: str) -> None:
        """The avatar presents the rest of `job` and the next `cooldown` segments."""
        if job is not None:
            job.neural = False
            self._drop(job)
        self._state, self._reason = "fallback", reason
        self._cooldown_left = self._cooldown
        self._fallbacks += 1
        if self._cooldown == 0:
            self._state = "ok"
        # The avatar presents what comes next: its renders would only take its CPU.
        for other in self._jobs.values():
            if not other.aired:
                self._drop(other)
        log.warning("the talking head falls back to the avatar for %d segments: %s",
                    self._cooldown, reason)

    def _make_room(self, job: _Job) -> None:
        """Stop the renders of the latest announced segments so that `job`'s can start now."""
        running = [other for other in self._jobs.values() if other.render is not None]
        spare = [other for other in running if not other.aired and other is not job]
        while len(running) >= self._ahead and spare:
            victim = spare.pop()
            self._drop(victim)
            running.remove(victim)

    def _top_up(self) -> None:
        """Start rendering the next announced segments, up to `ahead` renders at once."""
        if self._state != "ok":
            return
        running = sum(job.render is not None for job in self._jobs.values())
        for job in self._jobs.values():
            if running >= self._ahead:
                return
            if job.render is None and not job.aired:
                job.render = self.renderer.render_ahead(job.segment.speech, self._buffer)
                running += 1

    @staticmethod
    def _drop(job: _Job) -> None:
        """Stop a job's render without waiting for the batch on its thread."""
        if job.render is not None:
            job.render.stop()
            job.render = None


def open_neural_head(
    folder: str | Path,
    box: tuple[int, int],
    fps: int,
    *,
    offline: bool = False,
    batch_size: int = 8,
    device: str | None = None,
) -> NeuralHead:
    """A head from a folder with photo.png, photo.toml and lipsync.pt, fitted into `box` (w, h).

    Instead of the photo, a `frames/` folder of a short loop with its `face.toml` will do.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise AvatarError(
            f"{shown(folder)}: no such folder; a neural avatar is a folder with "
            f"{PHOTOS[0]}, {Path(PHOTOS[0]).stem}.toml and {CHECKPOINT}"
        )
    photos = [folder / name for name in PHOTOS if (folder / name).is_file()]
    if (folder / LOOP).is_dir():
        photos.append(folder / LOOP)
    if not photos:
        raise AvatarError(
            f"{shown(folder)}: no {' / '.join(PHOTOS)} (with its boxes in photo.toml) "
            f"and no {LOOP}/ folder of a loop (with face.toml)"
        )
    if len(photos) > 1:
        names = ", ".join(p.name for p in photos)
        raise AvatarError(f"{shown(folder)}: holds {names}; keep one presenter per folder")
    checkpoint = folder / CHECKPOINT
    if not checkpoint.is_file():
        raise AvatarError(f"{shown(checkpoint)}: not found; it holds the lip-sync network")
    reference = fitted(load_reference(photos[0]), box)
    renderer = LipSyncRenderer.from_checkpoint(
        checkpoint, reference, fps, batch_size=batch_size, device=device
    )
    return NeuralHead(renderer, offline=offline)


def fitted(reference: Reference, box: tuple[int, int]) -> Reference:
    """The reference scaled to stand as tall as `box` (w, h) allows without being wider."""
    width, height = reference.size
    box_w, box_h = box
    tall = min(box_h, math.floor(box_w * height / width))
    if tall == height:
        return reference
    try:
        return reference.scaled(tall)
    except AvatarError as err:
        scaling = f"after scaling {width}x{height} to fit {box_w}x{box_h}"
        raise AvatarError(f"{err} ({scaling})") from None
