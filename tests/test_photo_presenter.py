"""The photo presenter drawn from the astronaut's portrait: poses, head motion, loops, packs.

Exact checks on the presenter's own RGBA; tests/test_photo_render.py decodes a whole show.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from photo_parts import ASTRONAUT, cv2, save

from host.avatar.pack import load_pack, photo_of
from host.avatar.photo.head import HeadField, Motion
from host.avatar.photo.presenter import TILT_STEP, TILT_TALKING, PhotoPose, PhotoPresenter
from host.avatar.photo.rig import load_rig
from host.avatar.pose import VISEMES
from host.errors import AvatarError

SIZE = (600, 600)


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save(tmp_path_factory.mktemp("face"), "astronaut.png", ASTRONAUT)


@pytest.fixture(scope="module")
def presenter(photo: Path) -> PhotoPresenter:
    return PhotoPresenter.load(photo, SIZE, seed=3)


def _outside(picture: np.ndarray, boxes: tuple[tuple[int, int, int, int], ...]) -> np.ndarray:
    keep = np.ones(picture.shape[:2], bool)
    for x, y, w, h in boxes:
        keep[y : y + h, x : x + w] = False
    return picture[keep]


def test_the_pose_is_a_pure_function_of_time_and_moves_a_few_degrees(
    presenter: PhotoPresenter,
) -> None:
    again = PhotoPresenter.load(presenter.source, SIZE, seed=3)
    times = np.arange(0, 120, 1 / 30)
    talking = [presenter.pose(t, "D", True) for t in times]
    assert talking == [again.pose(t, "D", True) for t in times]
    steps = np.array([p.tilt for p in talking])
    tilts = steps * TILT_STEP
    assert 1.0 < np.abs(tilts).max() <= TILT_TALKING + TILT_STEP  # a few degrees, no more
    # Smooth: read 15 times a second, it moves by 0.3 degrees at most from one reading to
    # the next (a pixel and a half at the top of the head).
    assert np.abs(np.diff(steps)).max() <= 3
    idle = np.array([presenter.pose(t, "D", False).tilt for t in times]) * TILT_STEP
    assert np.abs(idle).max() < np.abs(tilts).max()
    assert {p.mouth for p in talking} == {"D"}
    assert {presenter.pose(t, "D", False).mouth for t in times[:30]} == {"X"}
    eyes = [p.eyes for p in talking]
    assert "closed" in eyes and eyes.count("open") > 0.9 * len(eyes)  # blinks, now and then
    assert len({p.breath for p in talking}) > 3


@pytest.mark.parametrize(
    "pose",
    [PhotoPose(mouth="D"), PhotoPose(mouth="F", eyes="closed", tilt=-18, nod=5, breath=4),
     PhotoPose(mouth="A", eyes="half", tilt=22, nod=-6), PhotoPose(mouth="G", tilt=7)],
)
def test_a_pose_differs_from_its_base_only_inside_its_patches(
    presenter: PhotoPresenter, pose: PhotoPose
) -> None:
    drawn = presenter.draw(pose)
    base = presenter.draw_base(presenter.base_key(pose))
    assert drawn.shape == (*SIZE[::-1], 4) and (drawn[..., 3] == 255).all()
    boxes = presenter.patch_boxes(pose)
    assert np.array_equal(_outside(drawn, boxes), _outside(base, boxes))
    x, y, w, h = boxes[0]
    assert np.abs(drawn[y : y + h, x : x + w].astype(int)
                  - base[y : y + h, x : x + w].astype(int)).max() > 40  # the mouth moved


def test_every_shape_draws_and_the_rest_pose_is_the_still_photo(
    presenter: PhotoPresenter,
) -> None:
    rest = presenter.draw(PhotoPose())
    assert np.array_equal(rest, presenter.draw_base((0, 0, 0, 0)))
    opened = {v: presenter.draw(PhotoPose(mouth=v)) for v in VISEMES}
    x, y, w, h = presenter.mouth_box()
    assert all(not np.array_equal(opened[v][y : y + h, x : x + w], rest[y : y + h, x : x + w])
               for v in "BCDEFGH")
    with pytest.raises(AvatarError):
        presenter.draw(PhotoPose(mouth="Q"))


def test_the_head_turns_about_the_neck_and_the_corners_stay_still(photo: Path) -> None:
    rig = load_rig(photo)
    from host.avatar.photo.framing import framing, moved

    points = moved(rig.points[0], framing(rig.points[0], (512, 512), SIZE))
    field = HeadField(points, SIZE)
    maps = field.maps(Motion(tilt=2.5, nod=3.0, breath=2.0))
    xs, ys = cv2.convertMaps(maps.fixed, maps.fraction, cv2.CV_32FC1)
    grid_y, grid_x = np.mgrid[0 : SIZE[1], 0 : SIZE[0]].astype(np.float32)
    dx, dy = grid_x - xs, grid_y - ys
    # The top corners (background) do not move; the forehead moves by the tilt and nod.
    assert np.hypot(dx[:40, :40], dy[:40, :40]).max() < 0.1
    assert np.hypot(dx[:40, -40:], dy[:40, -40:]).max() < 0.1
    assert 3 < maps.reach < 20
    # No tearing and no fold: the map is smooth and keeps every neighbourhood's order.
    jx, jy = np.gradient(xs, axis=1), np.gradient(ys, axis=0)
    assert jx.min() > 0.7 and jy.min() > 0.7
    assert np.abs(np.gradient(xs, axis=0)).max() < 0.3
    assert np.abs(np.gradient(ys, axis=1)).max() < 0.3


def _loop(folder: Path) -> Path:
    """Twelve frames of the astronaut drifting right and down by a pixel a frame."""
    frames = folder / "frames"
    frames.mkdir()
    for k in range(12):
        shifted = np.float32([[1, 0, k], [0, 1, k * 0.5]])
        moved_frame = cv2.warpAffine(ASTRONAUT, shifted, (512, 512),
                                     borderMode=cv2.BORDER_REPLICATE)
        save(frames, f"{k:03d}.png", moved_frame)
    return frames


def test_a_loop_plays_back_and_forth_and_its_mouth_follows_the_face(tmp_path: Path) -> None:
    loop = PhotoPresenter.load(_loop(tmp_path), SIZE)
    frames = [loop.pose(k / 30, "D", True).frame for k in range(30)]
    assert frames[:13] == [*range(12), 10]  # forward, then back, never a jump
    first, last = loop.patch_boxes(PhotoPose(frame=0))[0], loop.patch_boxes(PhotoPose(frame=11))[0]
    scale = SIZE[1] / 512 * 1.4  # the framing enlarges the face; boxes follow the face's drift
    assert first[0] < last[0] and 11 < last[0] - first[0] < 11 * scale * 1.6
    for frame in (0, 6, 11):
        pose = PhotoPose(mouth="D", frame=frame)
        drawn, base = loop.draw(pose), loop.draw_base(loop.base_key(pose))
        boxes = loop.patch_boxes(pose)
        assert np.array_equal(_outside(drawn, boxes), _outside(base, boxes))
        x, y, w, h = boxes[0]
        def dark(picture: np.ndarray, x: int = x, y: int = y, w: int = w, h: int = h) -> int:
            lips = picture[y + h // 5 : y + h * 11 // 20, x + w * 3 // 10 : x + w * 7 // 10]
            return int((lips[..., :3].astype(int).sum(axis=2) < 150).sum())

        assert dark(drawn) > dark(base) + 200  # the open mouth's dark inside


def test_a_pack_of_kind_photo_names_its_photo(tmp_path: Path, photo: Path) -> None:
    pack = tmp_path / "anna"
    pack.mkdir()
    (pack / "anna.png").write_bytes(photo.read_bytes())
    manifest = pack / "manifest.toml"
    manifest.write_text('name = "Anna"\nkind = "photo"\nphoto = "anna.png"\n')
    assert photo_of(pack) == pack / "anna.png"
    with pytest.raises(AvatarError, match=r"manifest\.toml: kind: a photo pack has no layers"):
        load_pack(pack)
    manifest.write_text('kind = "photo"\nphoto = "bob.png"\n')
    with pytest.raises(AvatarError, match=r"manifest\.toml: photo: .*bob\.png not found"):
        photo_of(pack)
    manifest.write_text('kind = "fotos"\n')
    with pytest.raises(AvatarError, match=r"manifest\.toml: kind: expected 'layers' or 'photo'"):
        photo_of(pack)
    assert photo_of("default") is None


def test_hostcast_render_refuses_a_photo_with_no_face_by_its_name(tmp_path: Path) -> None:
    from photo_parts import skimage_data

    coffee = save(tmp_path, "coffee.png", skimage_data.coffee())
    run = subprocess.run(
        [sys.executable, "-m", "hostcast", "render", "--catalog",
         str(REPO / "demo" / "catalog.fr.json"), "--out", str(tmp_path / "x.mp4"),
         "--duration", "2", "--avatar", f"photo:{coffee}"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert run.returncode != 0
    assert "coffee.png: no face found" in run.stderr
    assert "Traceback" not in run.stderr


def _video(path: Path, frames: list[np.ndarray], fps: int) -> Path:
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 512, 512, "yuv420p"
        for picture in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def test_a_short_video_is_a_loop_and_a_long_one_is_refused(tmp_path: Path) -> None:
    drift = [cv2.warpAffine(ASTRONAUT, np.float32([[1, 0, k], [0, 1, 0]]), (512, 512),
                            borderMode=cv2.BORDER_REPLICATE) for k in range(10)]
    loop = PhotoPresenter.load(_video(tmp_path / "idle.mp4", drift, 30), SIZE)
    assert "loop of 10 frames" in repr(loop)
    assert [loop.pose(k / 30, "X", False).frame for k in range(12)] == [*range(10), 8, 7]
    too_long = _video(tmp_path / "long.mp4", [ASTRONAUT] * 26, 2)  # 13 s
    with pytest.raises(AvatarError, match=r"long\.mp4: longer than 12 s"):
        PhotoPresenter.load(too_long, SIZE)


def test_a_channel_with_a_photo_that_cannot_present_is_refused_before_air(
    tmp_path: Path, photo: Path
) -> None:
    from photo_parts import skimage_data

    from hostcast.schedule import InvalidConfigError, load_config

    save(tmp_path, "coffee.png", skimage_data.coffee())
    config = tmp_path / "hostcast.toml"
    channel = (f'[[channel]]\nname = "shop"\ncatalog = "{REPO / "demo" / "catalog.fr.json"}"\n'
               'timezone = "Europe/Paris"\navatar = "photo:{}"\n')
    config.write_text(channel.format("coffee.png"), encoding="utf-8")
    with pytest.raises(InvalidConfigError) as refused:
        load_config(config)
    assert any("channel[shop].avatar: " in p and "coffee.png: no face found" in p
               for p in refused.value.problems)
    config.write_text(channel.format(photo), encoding="utf-8")
    assert load_config(config).channels[0].programme.avatar == f"photo:{photo}"
