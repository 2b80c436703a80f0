"""The catalog a stream airs, read again when its file changes: an edit, or a new feed version.

A version that does not load, or lists no product to order, is refused with the reason
logged; the products already on air stay. The file is looked at when the rotation asks
for the products (before each line), at most every `every` seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from host.catalog import CatalogLoad, load_catalog
from host.catalog.model import Product
from host.errors import CatalogError
from hostcast.daemon.reload import Stamp, stamp

log = logging.getLogger(__name__)

LOOK_EVERY = 1.0


class FollowedCatalog:
    def __init__(
        self,
        loaded: CatalogLoad,
        path: Path,
        *,
        currency: str | None = None,
        every: float = LOOK_EVERY,
        clock: Callable[[], float] = time.monotonic,
        load: Callable[[], CatalogLoad] | None = None,
    ) -> None:
        """`load` reads the file again (default: `load_catalog` on it, with `currency`)."""
        self.path = path
        self.loaded = loaded
        self.refused: str | None = None  # why the file's latest version is not on air
        self.versions = 0  # versions taken after the first
        self._every = every
        self._clock = clock
        self._stamp: Stamp = stamp(path)
        self._looked = clock()
        self._load_file = load or (lambda: load_catalog(path, default_currency=currency))

    def products(self) -> tuple[Product, ...]:
        """The products as the file holds them now, or as last loaded."""
        now = self._clock()
        if now - self._looked >= self._every:
            self._looked = now
            current = stamp(self.path)
            if current != self._stamp and current is not None:
                self._stamp = current
                self._load()
        return self.loaded.products

    def _load(self) -> None:
        try:
            loaded = self._load_file()
        except CatalogError as exc:
            self._refuse(str(exc))
            return
        if not any(p.orderable for p in loaded.products):
            self._refuse(f"{self.path}: no product can be ordered")
            return
        self.loaded, self.refused = loaded, None
        self.versions += 1
        log.info("catalog %s: %d products from the next line on", self.path,
                 len(loaded.products))

    def _refuse(self, reason: str) -> None:
        self.refused = reason
        log.error("catalog reload refused: %s; the products on air stay", reason)
