"""A presenter whose draws fall behind the air hands over to the cartoon, then comes back."""

from __future__ import annotations

import numpy as np

from host.avatar.pack import load_pack
from host.avatar.presenter import Presenter
from host.compose.compositor import Compositor
from host.compose.layout import layout_for
from host.compose.overlay import OverlayState
from host.compose.paced import COOLDOWN_S, MAX_SLOW, PacedAvatar

FPS = 30.0


class DrawClock:
    """perf_counter's stand-in: each timed draw takes `cost` seconds."""

    def __init__(self) -> None:
        self.now = 0.0
        self.cost = 0.001
        self._calls = 0

    def __call__(self) -> float:
        self._calls += 1
        if self._calls % 2 == 0:  # the end of a draw
            self.now += self.cost
        return self.now


def _paced(offline: bool = False) -> tuple[PacedAvatar, DrawClock]:
    pack = load_pack("default")
    clock = DrawClock()
    main = Presenter(pack, height=600, seed=1)
    fallback = Presenter(pack, height=400, seed=1)
    return PacedAvatar(main, fallback, FPS, offline=offline, clock=clock), clock


def _air(paced: PacedAvatar, start: float, frames: int) -> list[bool]:
    """Pose and draw `frames` frames from `start`; whether the fallback drew each."""
    by_fallback = []
    for k in range(frames):
        pose = paced.pose(start + k / FPS, "D" if k % 2 else "C", True)
        picture = paced.draw(pose)
        assert picture.shape == (600, 450, 4)
        by_fallback.append(paced.status()["state"] == "fallback")
    return by_fallback


def test_slow_draws_hand_over_to_the_fallback_until_the_cooldown_ends() -> None:
    paced, clock = _paced()
    assert not any(_air(paced, 0.0, 60))  # quick draws: the main avatar presents
    clock.cost = 0.5 / FPS + 0.005  # each draw now takes more than half a frame
    handed = _air(paced, 2.0, 30)
    assert handed.index(True) == MAX_SLOW - 1 and all(handed[MAX_SLOW:])
    status = paced.status()
    assert status["fallbacks"] == 1 and "draws took over 17 ms" in status["reason"]
    assert "Presenter" in status["avatar"]
    # The fallback is drawn padded into the main avatar's size, standing on its bottom.
    picture = paced.draw(paced.pose(3.0, "X", False))
    assert picture[:200, :, 3].max() == 0 and picture[200:, :, 3].max() == 255
    clock.cost = 0.001
    assert all(_air(paced, 10.0, 30))  # still in its cooldown
    assert not any(_air(paced, 2.0 + COOLDOWN_S + 1, 30))  # tried again, and it keeps up
    assert paced.status()["state"] == "ok"


def test_a_file_render_never_falls_back() -> None:
    paced, clock = _paced(offline=True)
    clock.cost = 1.0
    assert not any(_air(paced, 0.0, 40))


def test_the_compositor_keeps_the_two_presenters_poses_apart() -> None:
    paced, clock = _paced()
    compositor = Compositor(layout_for(720, 1280), paced)
    main_pose = paced.pose(0.0, "D", True)
    idle = OverlayState(label="AI", card=None)
    main_frame = compositor.frame(idle, None, main_pose)
    clock.cost = 1.0
    _air(paced, 1.0, MAX_SLOW)
    fallback_pose = paced.pose(0.0, "D", True)
    assert fallback_pose != main_pose and paced.base_key(fallback_pose) != paced.base_key(
        main_pose)
    fallback_frame = compositor.frame(idle, None, fallback_pose)
    assert not np.array_equal(main_frame, fallback_frame)
    assert np.array_equal(compositor.frame(idle, None, main_pose), main_frame)  # cached apart
