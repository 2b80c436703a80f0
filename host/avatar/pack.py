"""Avatar packs: layered RGBA PNGs and a manifest.toml that places them on one canvas."""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from PIL import Image

from host.avatar.pose import VISEMES
from host.errors import AvatarError
from host.paths import avatars_dir, shown

EYES = ("open", "half", "closed")
MANIFEST = "manifest.toml"
_TOP_KEYS = ("name", "kind", "canvas", "back", "body", "head", "eyes", "mouths", "motion")
_LAYER_KEYS = ("file", "at")
_PHOTO_KEYS = ("name", "kind", "photo")
KINDS = ("layers", "photo")  # drawn layers, or a real photo the photo presenter animates
_MOTION_NUMBERS = (
    "blink_duration", "breath_amplitude", "breath_period", "sway_idle", "sway_talking"
)
_MAX_CANVAS = 8192
# Modes Pillow turns into RGBA without losing what the artist drew.
_RGBA_MODES = ("RGBA", "LA", "PA", "RGB", "L", "P", "1")


@dataclass(frozen=True, eq=False)
class Layer:
    """One RGBA image of a pack and the canvas point its top-left corner sits at."""

    image: Image.Image = field(repr=False)
    at: tuple[int, int]
    path: Path

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) the layer covers on the canvas."""
        return (*self.at, *self.image.size)


@dataclass(frozen=True)
class Motion:
    """How the presenter moves by itself, in seconds and canvas pixels."""

    blink_interval: tuple[float, float] = (2.0, 6.0)
    blink_duration: float = 0.15
    breath_amplitude: float = 3.0
    breath_period: float = 4.5
    sway_idle: float = 3.0
    sway_talking: float = 8.0


@dataclass(frozen=True, eq=False)
class AvatarPack:
    """A presenter's layers, where they sit on the canvas, and how it moves."""

    name: str
    folder: Path
    canvas: tuple[int, int]
    back: Layer | None
    body: Layer
    head: Layer
    eyes: Mapping[str, Layer]
    mouths: Mapping[str, Layer]
    motion: Motion


def available_packs() -> list[str]:
    """Names of the packs in the bundled avatars folder."""
    root = avatars_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file())


def load_pack(path_or_name: str | Path) -> AvatarPack:
    """Load and check a pack: a folder (or its manifest.toml), or a bundled pack's name."""
    return _Reader(_find(path_or_name)).pack()


def photo_of(path_or_name: str | Path) -> Path | None:
    """The photo (a file, a folder of a loop's frames, or a short video) that a pack whose
    manifest says `kind = "photo"` presents; None for a pack of drawn layers."""
    return _Reader(_find(path_or_name)).photo()




def _find(path_or_name: str | Path) -> Path:
    """The manifest a pack argument points at: a bundled pack's name first, then a path."""
    if isinstance(path_or_name, str) and _is_name(path_or_name):
        bundled = avatars_dir() / path_or_name / MANIFEST
        if bundled.is_file():
            return bundled
        if not Path(path_or_name).is_dir():
            packs = ", ".join(available_packs()) or "none"
            raise AvatarError(
                f"no avatar pack named {path_or_name!r} in {shown(avatars_dir())}; "
                f"available: {packs}"
            )
    path = Path(path_or_name)
    if path.is_file():
        return path
    if not path.is_dir():
        raise AvatarError(f"{shown(path)}: no such avatar pack folder")
    if not (path / MANIFEST).is_file():
        raise AvatarError(f"{shown(path / MANIFEST)}: not found (see avatars/README.md)")
    return path / MANIFEST


class _Reader:
    """Reads one manifest, naming the file and the field in every error."""

    def __init__(self, manifest: Path) -> None:
        self.manifest = manifest
        self.folder = manifest.parent
        self.canvas = (0, 0)

    def fail(self, where: str, problem: str) -> AvatarError:
        return AvatarError(f"{shown(self.manifest)}: {where}: {problem}")

    def pack(self) -> AvatarPack:
        data = self._parse()
        if self._kind(data) == "photo":
            raise self.fail("kind", "a photo pack has no layers: it is presented by the "
                            "photo presenter")
        self._known(data, _TOP_KEYS, "")
        self.canvas = self._pair(data, "canvas", "canvas", positive=True)
        width, height = self.canvas
        if width > _MAX_CANVAS or height > _MAX_CANVAS:
            raise self.fail("canvas", f"{width}x{height} is larger than {_MAX_CANVAS} pixels")
        name = data.get("name", self.folder.name)
        if not isinstance(name, str) or not name.strip():
            raise self.fail("name", f"expected a text, got {name!r}")
        head = self._layer(data, "head")
        eyes = self._group(data, "eyes", EYES, head)
        mouths = self._group(data, "mouths", VISEMES, head)
        return AvatarPack(
            name=name.strip(),
            folder=self.folder,
            canvas=self.canvas,
            back=self._layer(data, "back") if "back" in data else None,
            body=self._layer(data, "body"),
            head=head,
            eyes=eyes,
            mouths=mouths,
            motion=self._motion(data.get("motion", {})),
        )

    def photo(self) -> Path | None:
        data = self._parse()
        if self._kind(data) != "photo":
            return None
        self._known(data, _PHOTO_KEYS, "")
        value = data.get("photo")
        if value is None:
            raise self.fail("photo", "missing (the photo's file name, beside the manifest)")
        if not isinstance(value, str) or not value.strip():
            raise self.fail("photo", f"expected a file name, got {value!r}")
        path = self.folder / value
        if not path.exists():
            raise self.fail("photo", f"{shown(path)} not found")
        return path

    def _kind(self, data: Mapping[str, Any]) -> str:
        kind = data.get("kind", KINDS[0])
        if kind not in KINDS:
            raise self.fail("kind", f"expected {' or '.join(map(repr, KINDS))}, got {kind!r}")
        return str(kind)

    def _parse(self) -> dict[str, Any]:
        try:
            text = self.manifest.read_bytes().decode("utf-8")
        except OSError as err:
            raise AvatarError(f"{shown(self.manifest)}: cannot be read: {err.strerror}") from err
        except UnicodeDecodeError as err:
            raise AvatarError(f"{shown(self.manifest)}: not UTF-8 text") from err
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            message = str(err)
            where, sep, rest = message.rpartition(" (at line ")
            if sep and rest.endswith(")"):
                line, _, column = rest[:-1].partition(", column ")
                message = f"line {line}: {where} (column {column})"
            raise AvatarError(f"{shown(self.manifest)}: {message}") from err

    def _known(self, table: Mapping[str, Any], keys: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(keys)}"
                raise self.fail(f"{prefix}{key}", f"unknown key ({hint})")

    def _table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        if key not in data:
            raise self.fail(key, "missing")
        table = data[key]
        if not isinstance(table, dict):
            raise self.fail(key, f"expected a table like [{key}], got {table!r}")
        return table

    def _pair(
        self, table: Mapping[str, Any], key: str, where: str, positive: bool = False
    ) -> tuple[int, int]:
        if key not in table:
            raise self.fail(where, "missing")
        value = table[key]
        ok = isinstance(value, list) and len(value) == 2
        ok = ok and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        if not ok or (positive and min(value) <= 0):
            kind = "positive whole numbers" if positive else "whole numbers"
            raise self.fail(where, f"expected two {kind} like [600, 800], got {value!r}")
        return value[0], value[1]

    def _at(self, table: Mapping[str, Any], where: str) -> tuple[int, int]:
        x, y = self._pair(table, "at", where)
        width, height = self.canvas
        if not (0 <= x < width and 0 <= y < height):
            raise self.fail(where, f"({x}, {y}) is outside the {width}x{height} canvas")
        return x, y

    def _layer(self, data: Mapping[str, Any], key: str) -> Layer:
        table = self._table(data, key)
        self._known(table, _LAYER_KEYS, f"{key}.")
        if "file" not in table:
            raise self.fail(f"{key}.file", "missing")
        return self._image(f"{key}.file", table["file"], self._at(table, f"{key}.at"))

    def _group(
        self, data: Mapping[str, Any], key: str, names: tuple[str, ...], head: Layer
    ) -> Mapping[str, Layer]:
        """Images that swap in one place, such as the mouths: one `at`, one size."""
        table = self._table(data, key)
        self._known(table, ("at", *names), f"{key}.")
        at = self._at(table, f"{key}.at")
        layers: dict[str, Layer] = {}
        for name in names:
            if name not in table:
                raise self.fail(f"{key}.{name}", "missing")
            layer = self._image(f"{key}.{name}", table[name], at)
            first = next(iter(layers.values()), layer)
            if layer.image.size != first.image.size:
                raise self.fail(
                    f"{key}.{name}",
                    f"{_dims(layer)}, but {_dims(first)}: every image of [{key}] "
                    "must have the same size",
                )
            layers[name] = layer
        hx, hy, hw, hh = head.box
        x, y, w, h = first.box
        if x < hx or y < hy or x + w > hx + hw or y + h > hy + hh:
            raise self.fail(
                f"{key}.at",
                f"{w}x{h} at ({x}, {y}) reaches outside the head, {hw}x{hh} at ({hx}, {hy}): "
                f"the {key} move with the head, so they must lie on it",
            )
        return MappingProxyType(layers)

    def _image(self, where: str, name: object, at: tuple[int, int]) -> Layer:
        if not isinstance(name, str) or not name:
            raise self.fail(where, f"expected a file name, got {name!r}")
        path = self.folder / name
        if not path.is_file():
            raise self.fail(where, f"file {name!r} not found")
        try:
            with Image.open(path) as im:
                if im.format != "PNG":
                    raise self.fail(where, f"{name!r} is a {im.format} image; export it as PNG")
                if im.mode not in _RGBA_MODES:
                    raise self.fail(where, f"{name!r} has mode {im.mode}; export 8-bit RGBA")
                if im.mode not in ("RGBA", "LA", "PA") and "transparency" not in im.info:
                    raise self.fail(
                        where, f"{name!r} has no transparency (mode {im.mode}); export RGBA"
                    )
                image = im.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError) as err:
            raise self.fail(where, f"{name!r} is not a readable PNG image ({err})") from err
        layer = Layer(image, at, path)
        width, height = self.canvas
        if at[0] + image.width > width or at[1] + image.height > height:
            raise self.fail(
                where, f"{_dims(layer)}: at {at} it spills out of the {width}x{height} canvas"
            )
        return layer

    def _motion(self, table: object) -> Motion:
        if not isinstance(table, dict):
            raise self.fail("motion", f"expected a table like [motion], got {table!r}")
        defaults = Motion()
        self._known(table, tuple(defaults.__dataclass_fields__), "motion.")
        values = {
            key: self._number(table.get(key, getattr(defaults, key)), f"motion.{key}")
            for key in _MOTION_NUMBERS
        }
        low, high = defaults.blink_interval
        if "blink_interval" in table:
            pair = table["blink_interval"]
            if not (isinstance(pair, list) and len(pair) == 2):
                raise self.fail("motion.blink_interval", f"expected [min, max], got {pair!r}")
            low, high = (self._number(v, "motion.blink_interval") for v in pair)
        if not 0 < values["blink_duration"] < low <= high:
            raise self.fail(
                "motion.blink_interval",
                f"expected 0 < blink_duration < min <= max, got {values['blink_duration']} "
                f"and [{low}, {high}]",
            )
        if values["breath_period"] <= 0:
            raise self.fail("motion.breath_period", "must be more than 0 seconds")
        return Motion(blink_interval=(low, high), **values)

    def _number(self, value: object, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"expected a number, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise self.fail(where, f"expected a number >= 0, got {value!r}")
        return float(value)


def _is_name(text: str) -> bool:
    return bool(text) and not text.startswith(".") and not any(c in text for c in "/\\")


def _dims(layer: Layer) -> str:
    return f"{layer.path.name!r} is {layer.image.width}x{layer.image.height}"
