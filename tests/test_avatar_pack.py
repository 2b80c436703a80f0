"""Avatar packs: the bundled presenter loads, and a broken pack names the file and the field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from host import paths
from host.avatar.pack import EYES, load_pack
from host.avatar.pose import VISEMES
from host.errors import AvatarError, HostcastError


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A writable copy of the default pack, named x."""
    folder = tmp_path / "x"
    shutil.copytree(paths.avatars_dir() / "default", folder)
    return folder


def edit(folder: Path, old: str, new: str) -> None:
    manifest = folder / "manifest.toml"
    text = manifest.read_text()
    assert re.search(old, text, flags=re.M), old
    manifest.write_text(re.sub(old, new, text, count=1, flags=re.M))


def error(folder: Path) -> str:
    with pytest.raises(AvatarError) as caught:
        load_pack(folder)
    return str(caught.value)


def test_default_pack_loads_with_every_layer() -> None:
    pack = load_pack("default")
    assert pack.name == "Default presenter"
    assert pack.canvas == (600, 800)
    assert set(pack.mouths) == set(VISEMES)
    assert set(pack.eyes) == set(EYES)
    assert pack.back is not None
    layers = [pack.back, pack.body, pack.head, *pack.eyes.values(), *pack.mouths.values()]
    assert all(layer.image.mode == "RGBA" for layer in layers)
    assert len({pack.mouths[v].image.size for v in VISEMES}) == 1
    assert 1.0 < pack.motion.blink_interval[0] < pack.motion.blink_interval[1]


def test_default_pack_is_small() -> None:
    folder = paths.avatars_dir() / "default"
    assert sum(f.stat().st_size for f in folder.glob("*.png")) < 1_000_000


def test_pack_by_folder_or_manifest_path(pack: Path) -> None:
    assert load_pack(pack).name == "Default presenter"
    assert load_pack(str(pack / "manifest.toml")).folder == pack


def test_unknown_name_lists_available_packs() -> None:
    with pytest.raises(AvatarError, match=r"no avatar pack named 'nobody'.*available: .*default"):
        load_pack("nobody")


def test_folder_without_manifest(tmp_path: Path) -> None:
    message = error(tmp_path)
    assert "manifest.toml: not found" in message


def test_avatar_error_is_a_hostcast_error() -> None:
    assert issubclass(AvatarError, HostcastError)


def test_missing_mouth_image(pack: Path) -> None:
    (pack / "mouth_D.png").unlink()
    assert error(pack).endswith("x/manifest.toml: mouths.D: file 'mouth_D.png' not found")


def test_broken_toml_names_the_line(pack: Path) -> None:
    edit(pack, r"^\[head\]$", "[head")
    assert re.search(r"x/manifest\.toml: line 13: ", error(pack))


def test_missing_field(pack: Path) -> None:
    edit(pack, r"^D = .*\n", "")
    assert error(pack).endswith("x/manifest.toml: mouths.D: missing")


def test_missing_section(pack: Path) -> None:
    edit(pack, r"^\[body\]\nfile = .*\nat = .*\n", "")
    assert error(pack).endswith("x/manifest.toml: body: missing")


def test_missing_canvas(pack: Path) -> None:
    edit(pack, r"^canvas = .*\n", "")
    assert error(pack).endswith("manifest.toml: canvas: missing")


def test_image_of_the_wrong_size(pack: Path) -> None:
    Image.new("RGBA", (40, 30)).save(pack / "mouth_D.png")
    message = error(pack)
    assert "manifest.toml: mouths.D: 'mouth_D.png' is 40x30, but 'mouth_A.png' is 80x68" in message


def test_layer_spilling_out_of_the_canvas(pack: Path) -> None:
    edit(pack, r"^canvas = \[600, 800\]", "canvas = [600, 700]")
    message = error(pack)
    assert "manifest.toml: body.file: 'body.png' is 600x440: at (0, 360) it spills out" in message


def test_unknown_key_suggests_the_right_one(pack: Path) -> None:
    edit(pack, r"^sway_talking = ", "sway_talkin = ")
    message = error(pack)
    assert "manifest.toml: motion.sway_talkin: unknown key (did you mean 'sway_talking'?)" in (
        message
    )


def test_unknown_section(pack: Path) -> None:
    edit(pack, r"^\[mouths\]", "[mouth]")
    assert "manifest.toml: mouth: unknown key (did you mean 'mouths'?)" in error(pack)


def test_unknown_mouth(pack: Path) -> None:
    edit(pack, r"^X = ", 'Y = "mouth_X.png"\nX = ')
    assert "manifest.toml: mouths.Y: unknown key" in error(pack)


def test_anchor_outside_the_canvas(pack: Path) -> None:
    edit(pack, r"^at = \[160, 90\]", "at = [700, 20]")
    assert error(pack).endswith("manifest.toml: head.at: (700, 20) is outside the 600x800 canvas")


def test_anchor_not_a_pair(pack: Path) -> None:
    edit(pack, r"^at = \[160, 90\]", 'at = "160, 90"')
    assert "manifest.toml: head.at: expected two whole numbers" in error(pack)


def test_mouths_off_the_head(pack: Path) -> None:
    edit(pack, r"^at = \[260, 366\]", "at = [20, 700]")
    assert "manifest.toml: mouths.at: 80x68 at (20, 700) reaches outside the head" in error(pack)


def test_file_that_is_not_a_png(pack: Path) -> None:
    Image.new("RGB", (80, 68)).save(pack / "mouth_D.png", format="JPEG")
    assert "manifest.toml: mouths.D: 'mouth_D.png' is a JPEG image" in error(pack)


def test_file_that_is_not_an_image(pack: Path) -> None:
    (pack / "eyes_half.png").write_bytes(b"not an image")
    assert "manifest.toml: eyes.half: 'eyes_half.png' is not a readable PNG image" in error(pack)


def test_truncated_png(pack: Path) -> None:
    data = (pack / "head.png").read_bytes()
    (pack / "head.png").write_bytes(data[: len(data) // 2])
    assert "manifest.toml: head.file: 'head.png' is not a readable PNG image" in error(pack)


def test_image_without_transparency(pack: Path) -> None:
    Image.new("RGB", (80, 68), (200, 100, 100)).save(pack / "mouth_D.png")
    assert "manifest.toml: mouths.D: 'mouth_D.png' has no transparency (mode RGB)" in error(pack)


def test_palette_image_with_transparency_is_accepted(pack: Path) -> None:
    Image.open(pack / "mouth_D.png").convert("RGBA").quantize(64).save(
        pack / "mouth_D.png", transparency=0
    )
    assert load_pack(pack).mouths["D"].image.mode == "RGBA"


def test_blink_longer_than_the_gap_between_blinks(pack: Path) -> None:
    edit(pack, r"^blink_duration = 0.15", "blink_duration = 2.5")
    assert "manifest.toml: motion.blink_interval: expected 0 < blink_duration < min" in error(pack)


def test_motion_must_be_numbers(pack: Path) -> None:
    edit(pack, r"^breath_period = 4.5", 'breath_period = "slow"')
    assert "manifest.toml: motion.breath_period: expected a number, got 'slow'" in error(pack)


def test_motion_is_optional(pack: Path) -> None:
    edit(pack, r"^\[motion\](.|\n)*", "")
    assert load_pack(pack).motion.blink_duration == 0.15
