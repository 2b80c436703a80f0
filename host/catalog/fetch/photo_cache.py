"""Product photos on disk, keyed by their URL, under a size cap, least recently used out first.

Each photo is two files in the folder: `<key>.img`, the bytes as served (checked to be a
photo before they are kept), and `<key>.json`, its URL, validators (ETag, Last-Modified)
and when it was fetched and last used. The index lives in memory and is rebuilt from the
folder at start, so a restart keeps what was fetched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_CAP = 200 * 1024 * 1024
USED_EVERY = 3600.0  # seconds between two writes of an entry's last use to disk


@dataclass(frozen=True)
class Entry:
    """One cached photo."""

    url: str
    size: int
    fetched_at: float  # wall-clock seconds of the last 200 or 304
    used_at: float
    etag: str | None = None
    last_modified: str | None = None


def key_of(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


class PhotoCache:
    """The folder of photos; thread-safe. `cap` bytes at most, the least recently used
    evicted first; a photo alone bigger than the cap is not kept."""

    def __init__(
        self, folder: Path, cap: int = DEFAULT_CAP, clock: Callable[[], float] = time.time
    ) -> None:
        if cap < 1:
            raise ValueError(f"photo cache cap must be at least 1 byte, got {cap}")
        self.folder = folder
        self.cap = cap
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._written: dict[str, float] = {}  # key: used_at as last written
        self.evicted = 0
        if folder.is_dir():  # made at the first photo kept, not before
            self._scan()

    def path(self, url: str) -> Path | None:
        """The photo's file if it is cached (its use is noted), else None."""
        key = key_of(url)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            now = self._clock()
            self._entries[key] = entry = replace(entry, used_at=now)
            if now - self._written.get(key, 0.0) >= USED_EVERY:
                self._write_meta(key, entry)
        return self._image(key)

    def entry(self, url: str) -> Entry | None:
        with self._lock:
            return self._entries.get(key_of(url))

    def put(self, url: str, data: bytes, etag: str | None, last_modified: str | None) -> Path:
        """Keep `data` as the photo of `url`, then evict down to the cap; its file."""
        key = key_of(url)
        now = self._clock()
        entry = Entry(url, len(data), now, now, etag, last_modified)
        image = self._image(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = image.with_suffix(".part")
        temporary.write_bytes(data)
        os.replace(temporary, image)  # a new file: a card cached on the old one is redrawn
        with self._lock:
            self._entries[key] = entry
            self._write_meta(key, entry)
            self._evict(keep=key)
        return image

    def fresh(self, url: str) -> None:
        """The server said 304: the photo is as fetched now."""
        key = key_of(url)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries[key] = entry = replace(entry, fetched_at=self._clock())
                self._write_meta(key, entry)

    def total(self) -> int:
        with self._lock:
            return sum(e.size for e in self._entries.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _image(self, key: str) -> Path:
        return self.folder / f"{key}.img"

    def _write_meta(self, key: str, entry: Entry) -> None:
        meta = self.folder / f"{key}.json"
        temporary = meta.with_suffix(".json.part")
        temporary.write_text(json.dumps(asdict(entry)), encoding="utf-8")
        os.replace(temporary, meta)
        self._written[key] = entry.used_at

    def _evict(self, keep: str) -> None:
        total = sum(e.size for e in self._entries.values())
        for key, entry in sorted(self._entries.items(), key=lambda item: item[1].used_at):
            if total <= self.cap:
                break
            if key == keep and entry.size <= self.cap:
                continue
            self._remove(key)
            total -= entry.size
            self.evicted += 1

    def _remove(self, key: str) -> None:
        self._entries.pop(key, None)
        self._written.pop(key, None)
        for suffix in (".img", ".json"):
            (self.folder / f"{key}{suffix}").unlink(missing_ok=True)

    def _scan(self) -> None:
        """Read the index back from the folder; a half-written or stray file is removed."""
        for meta in self.folder.glob("*.json"):
            key = meta.stem
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
                entry = Entry(**data)
                size = self._image(key).stat().st_size
            except (OSError, ValueError, TypeError) as exc:
                log.info("photo cache %s: dropping %s (%s)", self.folder, meta.name, exc)
                self._remove(key)
                continue
            if key != key_of(entry.url) or size != entry.size:
                self._remove(key)
                continue
            self._entries[key] = entry
            self._written[key] = entry.used_at
        for stray in [*self.folder.glob("*.part"), *self.folder.glob("*.img")]:
            if stray.suffix == ".part" or stray.stem not in self._entries:
                stray.unlink(missing_ok=True)
        with self._lock:
            self._evict(keep="")
