"""A catalog published at a URL, kept as a local file that only ever holds a version that loads.

`FeedMirror.refresh()` asks the server with the validators of the version on disk (an
unchanged feed costs a 304 and no body), checks a new version as a whole with the same
loader the show uses, and only then writes it over the old one, atomically. A fetch that
fails, or a version that does not load or lists no products, leaves the file as it was:
the show airs the last good catalog, and `status()` says why. Everything downstream
reads the file as if the user had named it; the daemon's file watch sees a new version.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from host.catalog.fetch.http_get import Limits, check_url, get, redact
from host.catalog.fetch.photo_cache import key_of
from host.catalog.loader import load_catalog_bytes
from host.catalog.report import CatalogLoad
from host.errors import CatalogError, FetchError

log = logging.getLogger(__name__)

FEED_LIMITS = Limits(read_timeout=30.0, deadline=120.0, max_bytes=200 * 1024 * 1024)


class FeedMirror:
    """The local copy of the catalog at `url`, in a folder of its own under `root`."""

    def __init__(
        self,
        url: str,
        root: Path,
        *,
        currency: str | None = None,
        limits: Limits = FEED_LIMITS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = check_url(url)
        self.shown = redact(self.url)
        self.currency = currency
        self.limits = limits
        self._clock = clock
        parts = urlsplit(self.url)
        name = PurePosixPath(parts.path).name or "feed"
        self.folder = root / f"{parts.hostname}-{key_of(self.url)[:12]}"
        self.path = self.folder / name
        self._meta = self.folder / "feed.json"
        self._lock = threading.Lock()  # one refresh at a time
        self.requests = 0
        self.not_modified = 0
        self.versions = 0  # new versions written
        self.refused = 0  # versions that did not load, or fetches that failed
        self.last_error: str | None = None
        self.checked_at: float | None = None  # the last answer, 200 or 304

    def ensure(self) -> Path:
        """The local file, fetched now; the copy on disk when the server cannot be reached
        (logged); CatalogError naming the URL when there is neither."""
        try:
            self.refresh()
        except (FetchError, CatalogError) as exc:
            if not self.path.is_file():
                raise CatalogError(f"{exc}; no copy of it was fetched before") from None
            log.warning("%s; airing the copy fetched before (%s)", exc, self.path)
        return self.path

    def refresh(self) -> bool:
        """Fetch the feed if it changed; True when a new version replaced the file.

        FetchError or CatalogError say why a version was not taken; the file is kept.
        """
        with self._lock:
            meta = self._read_meta() if self.path.is_file() else {}
            self.requests += 1
            try:
                response = get(
                    self.url, limits=self.limits, etag=meta.get("etag"),
                    last_modified=meta.get("last_modified"),
                )
            except FetchError as exc:
                self._refuse(str(exc))
                raise
            self.checked_at = self._clock()
            if response.not_modified:
                self.not_modified += 1
                self.last_error = None
                return False
            try:
                loaded = self._load(response.body)
            except CatalogError as exc:
                self._refuse(f"{self.shown}: {exc}")
                raise CatalogError(f"{self.shown}: {exc}; the last good catalog stays on air") \
                    from None
            if not loaded.products:
                why = f"{self.shown}: the new version lists no products"
                self._refuse(why)
                raise CatalogError(f"{why}; the last good catalog stays on air")
            same = self.path.is_file() and self.path.read_bytes() == response.body
            if not same:
                self.folder.mkdir(parents=True, exist_ok=True)
                temporary = self.path.with_name(self.path.name + ".part")
                temporary.write_bytes(response.body)
                os.replace(temporary, self.path)  # a new inode: the file watch sees it
                self.versions += 1
            self._write_meta({"url": self.url, "etag": response.etag,
                              "last_modified": response.last_modified})
            self.last_error = None
            return not same

    def load(self) -> CatalogLoad:
        """The local copy, loaded as the feed it is: relative links resolve against its URL.
        CatalogError when it cannot be read."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise CatalogError(f"{self.path}: cannot be read ({exc.strerror or exc})") from None
        return self._load(data)

    def _load(self, data: bytes) -> CatalogLoad:
        return load_catalog_bytes(
            data, self.path.name, default_currency=self.currency, base_url=self.url
        )

    def status(self) -> dict[str, Any]:
        return {
            "url": self.shown,
            "file": str(self.path),
            "requests": self.requests,
            "not_modified": self.not_modified,
            "versions": self.versions,
            "refused": self.refused,
            "last_error": self.last_error,
            "checked_at": self.checked_at,
        }

    def _refuse(self, reason: str) -> None:
        self.refused += 1
        self.last_error = reason
        log.error("catalog feed refused: %s; the last good catalog stays on air", reason)

    def _read_meta(self) -> dict[str, Any]:
        try:
            data = json.loads(self._meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) and data.get("url") == self.url else {}

    def _write_meta(self, data: dict[str, Any]) -> None:
        temporary = self._meta.with_name("feed.json.part")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self._meta)


class FeedMirrors:
    """Every feed URL a process airs, one mirror each, under `root`; refreshed together."""

    def __init__(self, root: Path, *, limits: Limits = FEED_LIMITS) -> None:
        self.root = root
        self.limits = limits
        self._mirrors: dict[str, FeedMirror] = {}
        self._lock = threading.Lock()

    def mirror(self, url: str, currency: str | None = None) -> FeedMirror:
        with self._lock:
            if url not in self._mirrors:
                self._mirrors[url] = FeedMirror(
                    url, self.root, currency=currency, limits=self.limits
                )
            return self._mirrors[url]

    def for_file(self, path: Path) -> FeedMirror | None:
        """The mirror whose local copy `path` is, if it is one."""
        with self._lock:
            return next((m for m in self._mirrors.values() if m.path == path), None)

    def place(self, url: str, currency: str | None = None) -> Path:
        """The local file of the feed at `url`, fetched now if it can be (see `ensure`)."""
        return self.mirror(url, currency).ensure()

    def refresh_all(self) -> list[str]:
        """Refresh every mirror; the reasons of those that were refused."""
        with self._lock:
            mirrors = list(self._mirrors.values())
        refused = []
        for mirror in mirrors:
            try:
                mirror.refresh()
            except (FetchError, CatalogError) as exc:
                refused.append(str(exc))
        return refused

    def status(self) -> list[dict[str, Any]]:
        with self._lock:
            return [mirror.status() for mirror in self._mirrors.values()]

    def __bool__(self) -> bool:
        return bool(self._mirrors)


class FeedRefresher:
    """Refreshes `mirrors` every `every` seconds on a thread of its own until `stop()`."""

    def __init__(self, mirrors: FeedMirrors, every: float) -> None:
        if every <= 0:
            raise ValueError(f"catalog refresh must be positive, got {every}")
        self.mirrors = mirrors
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feed-refresh", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.mirrors.refresh_all()  # each refusal is logged and kept in its status
