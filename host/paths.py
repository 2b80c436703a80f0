"""Where Hostcast finds its bundled assets: templates, voices, avatars, the demo."""

from __future__ import annotations

import os
from pathlib import Path


def asset_root() -> Path:
    """The folder holding scripts_templates/, voices/, avatars/ and demo/."""
    override = os.environ.get("HOSTCAST_HOME")
    if override:
        return Path(override)
    installed = Path(__file__).resolve().parent / "assets"  # a wheel carries them here
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent  # a checkout: the repo's top level


def templates_dir() -> Path:
    return asset_root() / "scripts_templates"


def demo_catalog(lang: str) -> Path:
    return asset_root() / "demo" / f"catalog.{lang}.json"


def voices_dir() -> Path:
    return asset_root() / "voices"


def avatars_dir() -> Path:
    return asset_root() / "avatars"


def shown(path: Path) -> str:
    """A path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
