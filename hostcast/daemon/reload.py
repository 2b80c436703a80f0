"""When a channel reloads its config: SIGHUP, or the config or a catalog file changed."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from hostcast.schedule.config import HostcastConfig
from hostcast.show_settings import KEYS as SETTING_KEYS

Stamp = tuple[int, int, int] | None  # mtime (ns), size, inode; None: the file is missing


def stamp(path: Path) -> Stamp:
    """What changes when a file is written or replaced (a rename brings a new inode)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class ConfigWatch:
    """Watches the config file and the catalogs it names; `request()` asks for a reload.

    `due()` is true while a file differs from its stamp (or once after a request);
    `watch()` takes the files to watch next with their stamps as they are now, and
    `refresh()` re-stamps the same files, so a refused file is tried again only once it
    changes again.
    """

    def __init__(self, config: HostcastConfig) -> None:
        self._asked = threading.Event()
        self._stamps: dict[Path, Stamp] = {}
        self.watch(config)

    def watch(self, config: HostcastConfig, files: Iterable[Path] = ()) -> None:
        paths = [config.path, *config.catalogs, *files]
        self._stamps = {path: stamp(path) for path in paths}

    def refresh(self) -> None:
        """Take the stamps as they are now (after a refused reload)."""
        self._stamps = {path: stamp(path) for path in self._stamps}

    def request(self) -> None:
        """Ask for a reload (SIGHUP); safe from a signal handler."""
        self._asked.set()

    def changed(self) -> list[Path]:
        return [path for path, seen in self._stamps.items() if stamp(path) != seen]

    def due(self) -> bool:
        asked = self._asked.is_set()
        self._asked.clear()
        return asked or bool(self.changed())


def restart_reason(old: HostcastConfig, new: HostcastConfig, name: str) -> str | None:
    """Why `new` cannot be applied to channel `name` without a restart, or None."""
    before, after = old.channel(name), new.channel(name)
    checks: list[tuple[str, object, object]] = [
        ("outputs", before.outputs, after.outputs),
        *(
            (key, getattr(before.settings, key), getattr(after.settings, key))
            for key in SETTING_KEYS  # size, fps, preset, the fallback voice, the model's...
        ),
        ("avatar", before.programme.avatar, after.programme.avatar),
        ("daemon.state", old.daemon.state, new.daemon.state),
        ("daemon.cache", old.daemon.cache, new.daemon.cache),
        ("daemon.allow_remote", old.daemon.allow_remote, new.daemon.allow_remote),
    ]
    changed = [key for key, a, b in checks if a != b]
    if not changed:
        return None
    return f"channel[{name}]: {', '.join(changed)} changed"

