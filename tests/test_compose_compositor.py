"""The compositor: yuv420p frames pasted from caches, each part changing only its own box."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from host.avatar.pack import load_pack
from host.avatar.pose import Pose
from host.avatar.presenter import Presenter
from host.compose.background import backdrop, draw_background, stage_mask
from host.compose.caption import draw_caption
from host.compose.compositor import Compositor
from host.compose.label import ai_label, draw_label
from host.compose.layout import Box, Layout, layout_for
from host.compose.overlay import OverlayState, ProductCard
from host.compose.paint import over
from host.compose.yuv import planes, rgb_to_yuv420, yuv420_to_rgb
from host.testing import FakeAvatar

CARD = ProductCard(
    product_id="serum",
    title="Sérum éclat à la vitamine C 30 ml",
    price="39,90 €",
    sale_price="27,90 €",
    discount="-30 %",
    deal_ends="jusqu'à dimanche",
    link="https://shop.example.com/products/vitamin-c-serum",
)
WITH_CARD = OverlayState(label=ai_label("fr"), card=CARD)
NO_CARD = OverlayState(label=ai_label("en"))
SIZES = [(720, 1280), (1280, 720)]


def _compositor(size: tuple[int, int], **caches: int) -> Compositor:
    layout = layout_for(*size)
    box = layout.presenter_box
    return Compositor(layout, FakeAvatar(box.h * 3 // 4, box.h), **caches)


def _changed_inside(a: np.ndarray, b: np.ndarray, box: Box) -> None:
    """Assert the two yuv420p frames differ, and only inside `box`, in every plane."""
    assert not np.array_equal(a, b)
    for plane_a, plane_b, k in zip(planes(a), planes(b), (1, 2, 2), strict=True):
        outside = np.ones(plane_a.shape, bool)
        outside[box.y // k : box.bottom // k, box.x // k : box.right // k] = False
        np.testing.assert_array_equal(plane_a[outside], plane_b[outside])


@pytest.mark.parametrize("size", SIZES)
def test_frame_is_yuv420p_that_pyav_takes_as_is(size: tuple[int, int]) -> None:
    comp = _compositor(size)
    frame = comp.frame(WITH_CARD, "Bonjour !", Pose())
    width, height = size
    assert frame.shape == (height * 3 // 2, width) and frame.dtype == np.uint8
    video = av.VideoFrame.from_ndarray(frame, format="yuv420p")
    assert (video.width, video.height) == size
    np.testing.assert_array_equal(video.to_ndarray(), frame)


def test_repeated_frames_hit_every_cache() -> None:
    comp = _compositor((720, 1280))
    avatar = comp.avatar
    assert isinstance(avatar, FakeAvatar)
    first = comp.frame(WITH_CARD, "Bonjour !", Pose(mouth="C"))
    for _ in range(5):
        np.testing.assert_array_equal(comp.frame(WITH_CARD, "Bonjour !", Pose(mouth="C")), first)
    stats = comp.cache_stats()
    for name in ("background", "presenter", "caption"):
        assert (stats[name].misses, stats[name].hits) == (1, 5), name
    assert avatar.draws == 1
    assert stats["background"].nbytes == first.nbytes


def test_frames_are_fresh_arrays_the_caller_may_write() -> None:
    comp = _compositor((720, 1280))
    frame = comp.frame(WITH_CARD, None, Pose())
    frame[:] = 0
    assert comp.frame(WITH_CARD, None, Pose()).any()


def test_caches_are_bounded_least_recently_used() -> None:
    comp = _compositor((720, 1280), presenters=2)
    for mouth in ("A", "B", "C", "A"):
        comp.frame(NO_CARD, None, Pose(mouth=mouth))
    stats = comp.cache_stats()["presenter"]
    assert (stats.entries, stats.misses, stats.hits) == (2, 4, 0)


@pytest.mark.parametrize("size", SIZES)
def test_pose_changes_only_the_presenter_box(size: tuple[int, int]) -> None:
    comp = _compositor(size)
    a = comp.frame(WITH_CARD, "Bonjour !", Pose(mouth="X"))
    b = comp.frame(WITH_CARD, "Bonjour !", Pose(mouth="D", eyes="closed"))
    _changed_inside(a, b, comp.layout.presenter_box)


@pytest.mark.parametrize("size", SIZES)
def test_caption_changes_only_the_caption_box(size: tuple[int, int]) -> None:
    comp = _compositor(size)
    a = comp.frame(WITH_CARD, "Bonjour !", Pose())
    b = comp.frame(WITH_CARD, "Le sérum passe à 27,90 € au lieu de 39,90 €.", Pose())
    c = comp.frame(WITH_CARD, None, Pose())
    _changed_inside(a, b, comp.layout.caption_box)
    _changed_inside(a, c, comp.layout.caption_box)
    np.testing.assert_array_equal(c, comp.frame(WITH_CARD, "  ", Pose()))


def test_card_changes_leave_presenter_and_caption_alone() -> None:
    comp = _compositor((720, 1280))
    a = comp.frame(WITH_CARD, "Bonjour !", Pose())
    b = comp.frame(NO_CARD, "Bonjour !", Pose())
    for box in (comp.layout.presenter_box, comp.layout.caption_box):
        ys, xs = slice(box.y, box.bottom), slice(box.x, box.right)
        np.testing.assert_array_equal(planes(a)[0][ys, xs], planes(b)[0][ys, xs])


def _label_region(layout: Layout, rgb: np.ndarray) -> np.ndarray:
    box = layout.label_box
    return rgb[box.y : box.bottom, box.x : box.right].astype(int)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("overlay", [WITH_CARD, NO_CARD, OverlayState(label=ai_label("fr"))])
def test_ai_label_is_in_every_frame(size: tuple[int, int], overlay: OverlayState) -> None:
    comp = _compositor(size)
    layout = comp.layout
    box = layout.label_box
    expected = over(
        backdrop(layout)[box.y : box.bottom, box.x : box.right],
        np.asarray(draw_label(overlay.label, box.size, layout.scale)),
    ).astype(int)
    for caption, pose in ((None, Pose()), ("Bonjour !", Pose(mouth="D"))):
        seen = _label_region(layout, comp.frame_rgb(overlay, caption, pose))
        assert np.abs(seen - expected).mean() < 2.0
        # and it is really there: the label region is far from the bare backdrop
        bare = backdrop(layout)[box.y : box.bottom, box.x : box.right].astype(int)
        assert np.abs(seen - bare).mean() > 20


def _reference_rgb(comp: Compositor, overlay: OverlayState, caption: str, pose: Pose) -> np.ndarray:
    """The frame composed in RGB with no YUV step, from the same drawing parts."""
    layout = comp.layout
    rgb = draw_background(layout, overlay).copy()
    box = layout.presenter_box
    aw, ah = comp.avatar.size
    ax, ay = box.x + (box.w - aw) // 2, box.bottom - ah
    clip = np.ascontiguousarray(stage_mask(layout)[ay - box.y :, ax - box.x : ax - box.x + aw])
    rgb = over(rgb, comp.avatar.draw(pose), (ax, ay), clip).copy()
    cap = layout.caption_box
    plate = np.asarray(draw_caption(caption, cap.size, layout.scale))
    return over(rgb, plate, (cap.x, cap.y))


@pytest.mark.parametrize("size", SIZES)
def test_yuv_frame_matches_the_rgb_composition(size: tuple[int, int]) -> None:
    comp = _compositor(size)
    pose, caption = Pose(mouth="C"), "Le sérum passe à 27,90 €."
    reference = _reference_rgb(comp, WITH_CARD, caption, pose).astype(int)
    shown = comp.frame_rgb(WITH_CARD, caption, pose).astype(int)
    np.testing.assert_array_equal(shown, yuv420_to_rgb(comp.frame(WITH_CARD, caption, pose)))
    error = np.abs(shown - reference)
    assert error.mean() < 1.5
    # Only sharp colour edges (4:2:0 halves colour resolution) may be off by much.
    assert (error.max(axis=-1) > 24).mean() < 0.01


def test_frames_use_the_bt601_limited_range_of_pyav() -> None:
    white = np.full((4, 4, 3), 255, np.uint8)
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 0] = 255
    assert planes(rgb_to_yuv420(white))[0][0, 0] == 235
    y, u, v = (p[0, 0] for p in planes(rgb_to_yuv420(red)))
    assert (y, u, v) == (81, 90, 240)


def test_avatar_larger_than_the_presenter_box_is_refused() -> None:
    layout = layout_for(720, 1280)
    box = layout.presenter_box
    with pytest.raises(ValueError, match="presenter box"):
        Compositor(layout, FakeAvatar(box.w, box.h + 2))
    Compositor(layout, FakeAvatar(box.w, box.h))  # exactly the box is fine
    Compositor(layout, FakeAvatar(301, 451))  # odd sizes are fine too
    comp = Compositor(layout, FakeAvatar(301, 451))
    assert comp.frame(NO_CARD, None, Pose()).shape == (1920, 720)


def test_avatar_drawing_the_wrong_shape_is_reported() -> None:
    class Broken(FakeAvatar):
        def draw(self, pose: Pose) -> np.ndarray:
            return np.zeros((10, 10, 3), np.uint8)

    comp = Compositor(layout_for(720, 1280), Broken(300, 400))
    with pytest.raises(ValueError, match="RGBA"):
        comp.frame(NO_CARD, None, Pose())


def test_warm_fills_the_caches_ahead_of_air() -> None:
    comp = _compositor((720, 1280))
    comp.warm(overlays=[WITH_CARD], captions=["Bonjour !"], poses=[Pose(), Pose(mouth="A")])
    comp.frame(WITH_CARD, "Bonjour !", Pose(mouth="A"))
    stats = comp.cache_stats()
    assert all(stats[name].hits == 1 for name in ("background", "presenter", "caption"))
    assert stats["presenter"].entries == 2


def test_frames_with_cache_hits_are_cheap() -> None:
    comp = _compositor((720, 1280))
    comp.frame(WITH_CARD, "Bonjour !", Pose())
    start = time.perf_counter()
    for _ in range(100):
        comp.frame(WITH_CARD, "Bonjour !", Pose())
    per_frame = (time.perf_counter() - start) / 100
    assert per_frame < 0.005  # measured ~0.1 ms; x264 takes ~3 ms a frame at this size


class _Slab(FakeAvatar):
    """An opaque red rectangle: shows exactly where the presenter is drawn."""

    def draw(self, pose: Pose) -> np.ndarray:
        slab = np.zeros((self.size[1], self.size[0], 4), np.uint8)
        slab[..., 0] = 255
        slab[..., 3] = 255
        return slab


def test_presenter_is_clipped_to_the_stages_rounded_corners() -> None:
    layout = layout_for(720, 1280)
    box = layout.presenter_box
    rgb = Compositor(layout, _Slab(box.w, box.h)).frame_rgb(NO_CARD, None, Pose()).astype(int)
    bare = backdrop(layout).astype(int)
    red = np.array([255, 0, 0])
    centre = rgb[box.y + box.h // 2, box.x + box.w // 2]
    assert np.abs(centre - red).max() <= 8
    for x, y in (
        (box.x + 1, box.y + 1),
        (box.right - 2, box.bottom - 2),
        (box.x + 1, box.bottom - 2),
    ):
        assert np.abs(rgb[y, x] - bare[y, x]).max() <= 8, (x, y)


def test_fake_avatar_moves_its_mouth_and_blinks() -> None:
    avatar = FakeAvatar(300, 400)
    assert avatar.pose(1.0, "D", talking=True).mouth == "D"
    assert avatar.pose(1.0, "D", talking=False).mouth == "X"
    assert avatar.pose(4.05, "X", talking=False).eyes == "closed"
    open_, shut = avatar.draw(Pose(mouth="D")), avatar.draw(Pose(mouth="A"))
    assert open_.shape == (400, 300, 4) and open_.dtype == np.uint8
    rows = np.nonzero((open_ != shut).any(axis=(1, 2)))[0]
    assert rows.size and rows.min() > 400 * 0.4  # only the mouth, below the eyes, changed
    assert avatar.draws == 2


@pytest.mark.parametrize("size", SIZES)
def test_an_rgba_picture_stands_in_for_the_avatar_inside_the_presenter_box(
    size: tuple[int, int],
) -> None:
    comp = _compositor(size)
    box = comp.presenter_box
    w, h = box.w // 2 + 1, box.h - 11  # odd, narrower and shorter than the avatar
    picture = np.zeros((h, w, 4), np.uint8)
    picture[..., 0], picture[..., 3] = 200, 255  # opaque red
    drawn = comp.frame_rgba(WITH_CARD, "Bonjour !", picture)
    _changed_inside(comp.frame(WITH_CARD, "Bonjour !", Pose()), drawn, box)
    # It stands centred on the bottom of the box, where an avatar of its size would.
    x, y = comp.picture_origin((w, h))
    assert (x, y) == (box.x + (box.w - w) // 2, box.bottom - h)
    rgb = yuv420_to_rgb(drawn)
    inner = rgb[y + 4 : y + h - 4, x + 4 : x + w - 4].astype(int)
    assert abs(inner[..., 0].mean() - 200) < 4 and inner[..., 1:].max() < 12
    assert rgb[y - 3, x + w // 2, 0] != rgb[y + 3, x + w // 2, 0]  # nothing red above it
    # Frames drawn from pictures are not cached: each is new.
    assert comp.cache_stats()["presenter"].entries == 1


def test_an_rgba_picture_larger_than_the_presenter_box_is_refused() -> None:
    comp = _compositor((720, 1280))
    box = comp.presenter_box
    with pytest.raises(ValueError, match=f"presenter picture size {box.w + 1}x10 does not fit"):
        comp.frame_rgba(NO_CARD, None, np.zeros((10, box.w + 1, 4), np.uint8))
    with pytest.raises(ValueError, match="expected RGBA uint8"):
        comp.frame_rgba(NO_CARD, None, np.zeros((10, 10, 3), np.uint8))


class _Unlayered:
    """The same presenter without its bases: every pose drawn and converted whole."""

    def __init__(self, presenter: Presenter) -> None:
        self.presenter = presenter

    @property
    def size(self) -> tuple[int, int]:
        return self.presenter.size

    def pose(self, t: float, viseme: str, talking: bool) -> Pose:
        return self.presenter.pose(t, viseme, talking)

    def draw(self, pose: Pose) -> np.ndarray:
        return self.presenter.draw(pose)


@pytest.mark.parametrize("size", SIZES)
def test_a_layered_presenter_converts_only_its_eyes_and_mouth_yet_looks_the_same(
    size: tuple[int, int],
) -> None:
    layout = layout_for(*size)
    presenter = Presenter(load_pack("default"), height=layout.presenter_box.h, seed=3)
    layered, whole = Compositor(layout, presenter), Compositor(layout, _Unlayered(presenter))
    poses = [presenter.pose(n / 30, "ABCDEFGHX"[n // 2 % 9], n < 90) for n in range(120)]
    for pose in poses:
        ours, theirs = layered.frame(NO_CARD, None, pose), whole.frame(NO_CARD, None, pose)
        # Converted in pieces, the chroma at a patch's edge may round a level or two apart.
        assert np.abs(ours.astype(int) - theirs).max() <= 2
    bases = {presenter.base_key(p) for p in poses}
    assert 0 < len(bases) < len(set(poses)) / 3
    assert layered.cache_stats()["presenter_base"].entries == len(bases)
