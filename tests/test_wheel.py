"""The built wheel, installed into a fresh virtualenv, renders a user's catalog from anywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import av
import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

CATALOG = [
    {
        "id": "mug-01",
        "title": "Stoneware Mug",
        "description": "A hand-glazed stoneware mug that keeps coffee warm.",
        "link": "https://shop.example/mug",
        "price": "14.00 EUR",
        "availability": "in_stock",
        "brand": "Atelier Nord",
    },
    {
        "id": "tea-02",
        "title": "Green Tea Tin",
        "description": "Loose-leaf sencha from Shizuoka, one hundred grams.",
        "link": "https://shop.example/tea",
        "price": "9.50 EUR",
        "sale_price": "7.90 EUR",
        "availability": "in_stock",
        "brand": "Atelier Nord",
    },
]


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_renders_a_catalog_outside_the_repo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"HOSTCAST_HOME", "PYTHONPATH"}}
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests"))
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        tmp_path, env, 600)
    (wheel,) = dist.glob("hostcast-*.whl")

    prefix = tmp_path / "venv"
    venv.create(prefix, with_pip=True)
    python = prefix / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "-c", str(REPO / "constraints.txt"),
         str(wheel)], tmp_path, env, 900)

    shop = tmp_path / "shop"  # the user's folder: nothing of the repo around it
    shop.mkdir()
    catalog = {"language": "en", "currency": "EUR", "products": CATALOG}
    (shop / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    where = run([str(python), "-c", "import host, stream, hostcast; print(host.__file__)"],
                shop, env, 60)
    assert str(prefix) in where, where
    run([str(prefix / "bin" / "hostcast"), "render", "--catalog", "catalog.json",
         "--out", "five.mp4", "--duration", "5", "--size", "360x640", "--fps", "15"],
        shop, env, 600)

    with av.open(str(shop / "five.mp4")) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 5 * 15
