"""Build hook: the wheel carries the top-level asset folders inside the `host` package.

The templates, voice profiles, avatars and demo catalog live at the top of the repo (as
the design card lays out), and `host.paths` finds them there in a checkout. A wheel has
no repo around it, so they are copied into `host/assets/` when the package is built.
Everything else about the package is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSET_FOLDERS = ("scripts_templates", "voices", "avatars", "demo")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "draw_images.py")


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout itself
            return
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "host" / "assets"
        for name in ASSET_FOLDERS:
            shutil.copytree(here / name, target / name, ignore=SKIPPED, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithAssets})
