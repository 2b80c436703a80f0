"""Product photos from their URLs, fetched ahead of air on a few threads, never waited for.

`path(url)` answers at once: the cached file, or "" while the photo is not there yet (the
card draws its placeholder, and the next card made after the fetch shows the photo). A
wanted photo not cached is fetched; a cached one older than `revalidate_after` is asked
for again with its validators, so an unchanged photo costs a 304. A refused URL is tried
again only after `retry_after` seconds. Local files pass through untouched.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from host.catalog.fetch.http_get import DEFAULT_LIMITS, Limits, check_url, get, redact
from host.catalog.fetch.photo_cache import PhotoCache
from host.catalog.fetch.photo_check import MAX_PIXELS, PhotoRefused, check_photo
from host.errors import FetchError

log = logging.getLogger(__name__)

WORKERS = 4  # photos fetched at once
REVALIDATE_AFTER = 6 * 3600.0
RETRY_AFTER = 600.0
SHOWN_FAILURES = 20  # the refused URLs the health report lists, newest first


def is_url(link: str) -> bool:
    return link.lower().startswith(("http://", "https://"))


def is_remote(link: str) -> bool:
    """Whether a feed's link names something to fetch rather than a local file: any
    scheme, so that `file://` is refused by name instead of opened."""
    head = link.split(":", 1)[0].lower()
    return ":" in link and head.isalpha() and len(head) > 1


@dataclass(frozen=True)
class Failure:
    reason: str
    kind: str
    at: float


class PhotoStore:
    """The photos of a show's products: cached on disk, fetched in the background."""

    def __init__(
        self,
        cache: PhotoCache,
        *,
        limits: Limits = DEFAULT_LIMITS,
        workers: int = WORKERS,
        max_pixels: int = MAX_PIXELS,
        revalidate_after: float = REVALIDATE_AFTER,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.cache = cache
        self.limits = limits
        self.max_pixels = max_pixels
        self.revalidate_after = revalidate_after
        self.retry_after = retry_after
        self._clock = clock
        self._workers = workers
        self._threads: list[threading.Thread] = []
        # Daemon threads: a process that ends does not wait for a fetch that hangs.
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._busy: set[str] = set()
        self._failures: dict[str, Failure] = {}
        self._counts: Counter[str] = Counter()  # fetched, revalidated, cache_hits, refused
        self._refused: Counter[str] = Counter()  # by kind
        self._closed = False

    def path(self, link: str) -> str:
        """A local file to draw for `link` now, or "" (the placeholder); never blocks.

        A URL not cached yet, or due a check, is fetched in the background.
        """
        if not link:
            return ""
        if not is_remote(link):
            return link  # a local file, as the catalog gave it
        found = self.cache.path(link)
        self.want([link])
        if found is None:
            return ""
        with self._lock:
            self._counts["cache_hits"] += 1
        return str(found)

    def want(self, links: Iterable[str]) -> None:
        """Fetch these photos, in this order, unless cached and fresh, failing, or busy."""
        now = self._clock()
        for link in links:
            if not link or not is_remote(link):
                continue
            entry = self.cache.entry(link)
            if entry is not None and now - entry.fetched_at < self.revalidate_after:
                continue
            with self._lock:
                if self._closed or link in self._busy:
                    continue
                failed = self._failures.get(link)
                if failed is not None and now - failed.at < self.retry_after:
                    continue
                self._busy.add(link)
                if len(self._threads) < self._workers:
                    thread = threading.Thread(target=self._work, name="photo-fetch", daemon=True)
                    self._threads.append(thread)
                    thread.start()
            self._queue.put(link)

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait until no fetch is running (for tests and `catalog check`); True if none is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._busy:
                    return True
            time.sleep(0.02)
        return False

    def failure(self, link: str) -> str | None:
        """Why `link` was refused last, if it was."""
        with self._lock:
            failed = self._failures.get(link)
        return failed.reason if failed is not None else None

    def state(self, link: str) -> str:
        """"ok" (on disk), "pending" (not fetched yet), "refused" or "none" (no link)."""
        if not link:
            return "none"
        if not is_remote(link):
            return "ok"
        if self.cache.entry(link) is not None:
            return "ok"
        with self._lock:
            return "refused" if link in self._failures else "pending"

    def stats(self) -> dict[str, Any]:
        """Counters for the health report and /metrics."""
        with self._lock:
            failures = sorted(self._failures.items(), key=lambda item: -item[1].at)
            return {
                "fetched": self._counts["fetched"],
                "revalidated": self._counts["revalidated"],
                "cache_hits": self._counts["cache_hits"],
                "refused": sum(self._refused.values()),
                "refused_by": dict(self._refused),
                "fetching": len(self._busy),
                "cached": len(self.cache),
                "cache_bytes": self.cache.total(),
                "cache_cap": self.cache.cap,
                "evicted": self.cache.evicted,
                "failing": [
                    {"url": redact(url), "reason": failed.reason}
                    for url, failed in failures[:SHOWN_FAILURES]
                ],
            }

    def close(self) -> None:
        """Stop fetching: queued photos are dropped when their turn comes, and the running
        fetches end within their limits, unwaited."""
        with self._lock:
            self._closed = True
            threads = len(self._threads)
        for _ in range(threads):
            self._queue.put(None)

    def _work(self) -> None:
        while True:
            link = self._queue.get()
            if link is None:
                return
            self._fetch(link)

    def _fetch(self, link: str) -> None:
        if self._closed:
            with self._lock:
                self._busy.discard(link)
            return
        try:
            self._fetch_one(link)
        except Exception as exc:  # a bug here must not kill the pool's thread
            log.exception("photo %s: fetch failed", redact(link))
            self._refuse(link, f"{redact(link)}: {exc}", "failed")
        finally:
            with self._lock:
                self._busy.discard(link)

    def _fetch_one(self, link: str) -> None:
        entry = self.cache.entry(link)
        try:
            check_url(link)
            response = get(
                link,
                limits=self.limits,
                etag=entry.etag if entry else None,
                last_modified=entry.last_modified if entry else None,
            )
        except FetchError as exc:
            self._refuse(link, str(exc), exc.kind)
            return
        if response.not_modified and entry is not None:
            self.cache.fresh(link)
            self._done(link, "revalidated")
            return
        try:
            check_photo(response.body, max_pixels=self.max_pixels)
        except PhotoRefused as exc:
            self._refuse(link, f"{redact(link)}: {exc}", exc.kind)
            return
        if len(response.body) > self.cache.cap:
            self._refuse(link, f"{redact(link)}: bigger than the whole photo cache", "too_big")
            return
        self.cache.put(link, response.body, response.etag, response.last_modified)
        self._done(link, "fetched")

    def _done(self, link: str, what: str) -> None:
        with self._lock:
            self._counts[what] += 1
            self._failures.pop(link, None)
        log.debug("photo %s: %s", redact(link), what)

    def _refuse(self, link: str, reason: str, kind: str) -> None:
        with self._lock:
            self._refused[kind] += 1
            self._failures[link] = Failure(reason, kind, self._clock())
        log.warning("product photo refused: %s; the card shows its placeholder", reason)
