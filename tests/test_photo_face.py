"""The photo presenter's face parts on a real portrait: detection, mesh, refusals, mouths.

They need the photo extra (LiteRT, OpenCV, mediapipe's model files) and scikit-image's
astronaut photo; where those are not installed the module is skipped as a whole.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from photo_parts import ASTRONAUT, cv2, save, skimage_data

from host.avatar.photo import mesh
from host.avatar.photo.detect import find_faces
from host.avatar.photo.eyes import eye_kit
from host.avatar.photo.framing import framed, framing, moved
from host.avatar.photo.mouth import MouthKit, mouth_kit
from host.avatar.photo.rig import load_rig
from host.errors import AvatarError


def _framed_kit(tmp_path: Path) -> tuple[np.ndarray, MouthKit]:
    """The astronaut framed in a 600x600 box, and her mouth in every shape."""
    points = load_rig(save(tmp_path, "me.png", ASTRONAUT)).points[0]
    affine = framing(points, (512, 512), (600, 600))
    rest = framed(ASTRONAUT, affine, (600, 600))
    return rest, mouth_kit(rest, moved(points, affine))


def test_the_astronaut_has_one_face_and_a_mesh_on_it(tmp_path: Path) -> None:
    faces = find_faces(ASTRONAUT)
    assert len(faces) == 1
    rig = load_rig(save(tmp_path, "me.png", ASTRONAUT))
    points = rig.points[0]
    assert points.shape == (468, 3)
    x, y, w, h = faces[0].box
    chin, forehead = points[mesh.CHIN], points[mesh.FOREHEAD]
    assert forehead[1] < y + h / 2 < chin[1]  # the mesh stands on the detected face
    left, right = points[mesh.LEFT_CORNER], points[mesh.RIGHT_CORNER]
    assert x < left[0] < right[0] < x + w
    # Her smile shows teeth: the inner lips stand apart on the mesh.
    assert points[mesh.LOWER_MID, 1] - points[mesh.UPPER_MID, 1] > 3


def test_the_mesh_is_cached_beside_the_photo_by_its_content(tmp_path: Path) -> None:
    photo = save(tmp_path, "me.png", ASTRONAUT)
    first = load_rig(photo).points[0]
    cache = tmp_path / ".me.png.rig.npz"
    assert cache.is_file()
    np.savez(cache, key="someone else", version=1, points=np.zeros((468, 3)))
    assert np.allclose(load_rig(photo).points[0], first, atol=1e-3)  # fitted again


@pytest.mark.parametrize(
    ("name", "picture", "says"),
    [
        ("landscape.png", skimage_data.coffee(), "no face found"),
        ("two.png", np.hstack([ASTRONAUT, ASTRONAUT]), "2 faces found"),
        ("small.png", None, "at least 100"),
    ],
)
def test_photos_that_cannot_present_are_refused_by_name(
    tmp_path: Path, name: str, picture: np.ndarray | None, says: str
) -> None:
    if picture is None:  # a face about 40 pixels tall on a grey canvas
        picture = np.full((512, 512, 3), 200, np.uint8)
        small = cv2.resize(ASTRONAUT, (160, 160), interpolation=cv2.INTER_AREA)
        picture[100:260, 100:260] = small
    with pytest.raises(AvatarError, match=says) as refused:
        load_rig(save(tmp_path, name, picture))
    assert name in str(refused.value)


def test_random_bytes_are_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "noise.jpg"
    path.write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(AvatarError, match=r"noise\.jpg: not a readable image"):
        load_rig(path)


def test_mouths_shut_and_open_as_their_shapes_say(tmp_path: Path) -> None:
    _, kit = _framed_kit(tmp_path)
    _, _, w, h = kit.box

    def dark(shape: str) -> int:  # dark pixels between the inner lips: the open mouth
        upper, lower = kit.inner[shape]
        mask = np.zeros((h, w), np.uint8)
        cv2.fillPoly(mask, [np.vstack([upper, lower[::-1]]).round().astype(np.int32)], 1)
        grey = kit.patches[shape].astype(int).sum(axis=2) / 3
        return int(((grey < 90) & (mask > 0)).sum())

    def bright(shape: str) -> int:  # teeth: bright and pale between the lips
        upper, lower = kit.inner[shape]
        middle = ((upper[3:-3] + lower[3:-3]) / 2).astype(int)
        patch = kit.patches[shape].astype(int)
        return int(sum(patch[py, px].min() > 190 for px, py in middle))

    assert bright("X") == 0 and bright("A") == 0  # the photo's teeth are covered
    assert dark("A") <= 2 < dark("B") < dark("C") < dark("D")  # wider and wider


def test_the_mouths_box_meets_the_photo_with_no_seam(tmp_path: Path) -> None:
    rest, kit = _framed_kit(tmp_path)
    x, y, w, h = kit.box
    # Outside the mouth's box nothing moved, and its edge meets the photo with no seam.
    for shape in ("D", "F"):
        patch = kit.patches[shape].astype(int)
        edge = np.concatenate([patch[0], patch[-1], patch[:, 0], patch[:, -1]])
        photo = rest[y : y + h, x : x + w].astype(int)
        under = np.concatenate([photo[0], photo[-1], photo[:, 0], photo[:, -1]])
        assert np.abs(edge - under).max() <= 3


def test_a_blink_covers_the_eyes_and_leaves_the_brows(tmp_path: Path) -> None:
    points = load_rig(save(tmp_path, "me.png", ASTRONAUT)).points[0]
    affine = framing(points, (512, 512), (600, 600))
    rest, placed = framed(ASTRONAUT, affine, (600, 600)), moved(points, affine)
    kit = eye_kit(rest, placed)
    for eye, (x, y, w, h), states in zip(mesh.EYES, kit.boxes, kit.patches, strict=True):
        photo = rest[y : y + h, x : x + w]
        lids = placed[[*eye["upper"], *eye["lower"]], 1] - y
        top, bottom = int(lids.min()), int(lids.max()) + 1

        def iris(picture: np.ndarray, top: int = top, bottom: int = bottom) -> int:
            # the iris and pupil's dark, between where the lids were
            return int((picture[top:bottom].astype(int).sum(axis=2) < 3 * 80).sum())

        assert iris(states["closed"]) < iris(states["half"]) < iris(photo)
        assert iris(states["closed"]) < 0.3 * iris(photo)
        for state in ("half", "closed"):  # the box's top rows (the brow) do not move
            assert np.abs(states[state][:3].astype(int) - photo[:3].astype(int)).max() <= 2
