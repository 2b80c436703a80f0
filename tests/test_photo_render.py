"""`hostcast render --avatar photo:` with the astronaut's portrait, decoded as a viewer gets it.

The mouth's opening is read from the pixels of its box and set against the audio's
loudness; what airs is compared with what the presenter drew; frames of an open vowel,
a closed consonant, a blink and a rest are saved under artifacts/.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
import pytest
from conftest import NOW, REPO
from photo_parts import ASTRONAUT, save
from PIL import Image
from test_render import correlation

from host.avatar.photo.presenter import PhotoPresenter
from host.compose.paced import PacedAvatar
from host.compose.picture import FrameState
from hostcast.cli.show import Show, ShowOptions

SECONDS = 16.0
FPS = 30
ARTIFACTS = REPO / "artifacts"
_STAGE_CORNERS = np.zeros((600, 600), bool)
for _rows in (slice(0, 30), slice(-30, None)):
    for _cols in (slice(0, 30), slice(-30, None)):
        _STAGE_CORNERS[_rows, _cols] = True


@dataclass
class Aired:
    show: Show
    presenter: PhotoPresenter
    states: list[FrameState]
    region: tuple[int, int, int, int]  # the presenter's box in the frame (x, y, w, h)
    video: np.ndarray  # (frames, h, w, 3) RGB of that box, decoded
    loudness: np.ndarray  # audio RMS over each frame's span, decoded


@pytest.fixture(scope="module")
def aired(tmp_path_factory: pytest.TempPathFactory) -> Aired:
    folder = tmp_path_factory.mktemp("photo_render")
    photo = save(folder, "astronaut.png", ASTRONAUT)
    out = folder / "photo.mp4"
    show = Show.open(ShowOptions(catalog=REPO / "demo" / "catalog.fr.json", lang="fr", at=NOW,
                                 avatar=f"photo:{photo}", offline=True))
    states: list[FrameState] = []
    try:
        show.render(out, SECONDS, on_frame=states.append)
    finally:
        show.close()
    paced = show.picture.avatar
    assert isinstance(paced, PacedAvatar) and isinstance(paced.main, PhotoPresenter)
    ox, oy = show.picture.compositor.avatar_origin
    w, h = paced.size
    with av.open(str(out)) as container:
        video = np.stack([f.to_ndarray(format="rgb24")[oy : oy + h, ox : ox + w]
                          for f in container.decode(video=0)])
    with av.open(str(out)) as container:
        rate = container.streams.audio[0].rate
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    per = rate // FPS
    usable = np.pad(audio[: len(video) * per], (0, max(0, len(video) * per - len(audio))))
    loudness = np.sqrt((usable.reshape(len(video), per).astype(np.float64) ** 2).mean(axis=1))
    return Aired(show, paced.main, states, (ox, oy, w, h), video, loudness)


def _opening(aired: Aired) -> np.ndarray:
    """Per frame, the share of dark pixels where the lips are: the open mouth's inside."""
    x, y, w, h = aired.presenter.mouth_box()
    lips = aired.video[:, y + h // 5 : y + h * 11 // 20, x + w * 3 // 10 : x + w * 7 // 10]
    luma = lips.astype(np.int16) @ np.array([299, 587, 114]) // 1000
    return np.asarray((luma < 70).mean(axis=(1, 2)), np.float64)


def test_the_mouth_follows_the_voice_measured_from_its_pixels(aired: Aired) -> None:
    assert len(aired.video) == round(SECONDS * FPS) == len(aired.states)
    opening, loudness = _opening(aired), aired.loudness
    r0 = correlation(loudness, opening, 0)
    shifted = max(correlation(loudness, opening, lag) for lag in (-12, -9, -6, 6, 9, 12))
    print(f"photo lip sync: r(lag 0) = {r0:.2f}; r at ±200..400 ms = {shifted:.2f}")
    assert r0 >= 0.45
    assert r0 > shifted + 0.1


def test_the_mouth_is_closed_in_silences_and_on_m_b_p(aired: Aired) -> None:
    opening = _opening(aired)
    quiet = aired.loudness < 0.002
    inside = quiet & np.roll(quiet, 2) & np.roll(quiet, -2)
    assert inside.sum() >= 8  # the pauses between lines
    rest = float(np.median(opening[inside]))
    loud = opening[aired.loudness > np.percentile(aired.loudness, 75)].mean()
    closed = [i for i, s in enumerate(aired.states) if s.mouth == "A"]
    assert len(closed) >= 5
    print(f"lips dark share: rest {rest:.3f}, M/B/P {opening[closed].mean():.3f}, "
          f"loud {loud:.3f}")
    assert loud > rest + 0.05
    assert np.abs(opening[inside] - rest).max() < 0.02
    assert opening[closed].mean() < rest + 0.02
    assert all(aired.states[i].mouth in ("X", "A") for i in np.flatnonzero(inside))


def _pose(aired: Aired, index: int) -> object:
    state = aired.states[index]
    return aired.presenter.pose(state.t, state.mouth, state.talking)


def test_what_airs_is_the_drawn_pose_and_outside_its_patches_only_the_head_moves(
    aired: Aired,
) -> None:
    presenter = aired.presenter
    for index in range(0, len(aired.video), 37):
        pose = _pose(aired, index)
        drawn = presenter.draw(pose)[..., :3].astype(np.int16)  # type: ignore[arg-type]
        base = presenter.draw_base(presenter.base_key(pose))[..., :3]  # type: ignore[arg-type]
        got = aired.video[index].astype(np.int16)
        error = np.abs(got - drawn).mean(axis=2)
        error[_STAGE_CORNERS] = 0  # the stage's rounded corners cut the picture there
        # H.264 at its preset leaves a few levels of noise; a tear or a slip of the picture
        # would leave a block far off.
        blocks = error[: error.shape[0] // 8 * 8, : error.shape[1] // 8 * 8].reshape(
            error.shape[0] // 8, 8, error.shape[1] // 8, 8).mean(axis=(1, 3))
        assert error.mean() < 3.0 and blocks.max() < 16, (index, error.mean(), blocks.max())
        keep = ~_STAGE_CORNERS
        for x, y, w, h in presenter.patch_boxes(pose):  # type: ignore[arg-type]
            keep[y : y + h, x : x + w] = False
        outside = np.abs(got.astype(np.int16) - base.astype(np.int16)).mean(axis=2)[keep]
        assert outside.mean() < 3.0
    # The photo's background corners never move.
    corners = aired.video[:, 30:70, 30:70].astype(np.float64)
    assert corners.std(axis=0).max() < 2.5


def test_frames_of_a_vowel_a_closed_consonant_a_blink_and_a_rest_are_saved(
    aired: Aired,
) -> None:
    def first(test: object) -> int:
        return next(i for i in range(len(aired.states)) if test(i))  # type: ignore[operator]

    picks = {
        "vowel": first(lambda i: aired.states[i].mouth == "D"),
        "closed": first(lambda i: aired.states[i].mouth == "A"),
        "blink": first(lambda i: _pose(aired, i).eyes == "closed"),  # type: ignore[attr-defined]
        "rest": first(lambda i: not aired.states[i].talking),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, index in picks.items():
        Image.fromarray(aired.video[index]).save(ARTIFACTS / f"photo_presenter_{name}.png")
    strip = np.concatenate([aired.video[i] for i in picks.values()], axis=1)
    Image.fromarray(strip).save(ARTIFACTS / "photo_presenter_frames.png")
    assert len(set(picks.values())) == 4
