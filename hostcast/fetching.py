"""Where a show keeps what it fetches (feeds and product photos), and how often it looks again.

`--cache DIR` and `--catalog-refresh MIN` on the command line, `cache` and
`catalog_refresh` in a daemon config's `[daemon]` table.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path
from typing import Any

from host.catalog.fetch.feed_mirror import FeedMirrors
from host.catalog.fetch.photo_cache import DEFAULT_CAP, PhotoCache
from host.catalog.fetch.photo_store import PhotoStore

DEFAULT_CACHE = Path("~/.cache/hostcast")
DEFAULT_REFRESH_MINUTES = 15.0
MAX_REFRESH_MINUTES = 7 * 24 * 60.0


def cache_folder(given: str | Path | None) -> Path:
    return Path(given if given is not None else DEFAULT_CACHE).expanduser()


def feed_mirrors(cache: Path) -> FeedMirrors:
    return FeedMirrors(cache / "feeds")


_STORES: dict[Path, PhotoStore] = {}
_STORES_LOCK = threading.Lock()


def photo_store(cache: Path, cap: int = DEFAULT_CAP) -> PhotoStore:
    """The process's one store of the photos under `cache`: the shows of a channel share
    it, so one index and one size cap hold for the folder. It lives as long as the process
    (its fetch threads are daemons)."""
    folder = (cache / "photos").absolute()
    with _STORES_LOCK:
        if folder not in _STORES:
            _STORES[folder] = PhotoStore(PhotoCache(folder, cap))
        return _STORES[folder]


def refresh_minutes(value: object) -> float:
    """Minutes between two fetches of a catalog URL; ValueError saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be a number of minutes, got {value!r}")
    try:
        minutes = float(value)
    except ValueError:
        raise ValueError(f"must be a number of minutes, got {value!r}") from None
    if not 0.05 <= minutes <= MAX_REFRESH_MINUTES:
        raise ValueError(f"must be between 0.05 and {MAX_REFRESH_MINUTES:g} minutes, "
                         f"got {value!r}")
    return minutes


def add_fetch_flags(parser: argparse.ArgumentParser, *, refresh: bool = True) -> None:
    group = parser.add_argument_group("feeds and photos from URLs")
    group.add_argument(
        "--cache", metavar="DIR",
        help=f"folder of fetched catalog feeds and product photos ({DEFAULT_CACHE})",
    )
    if refresh:
        group.add_argument(
            "--catalog-refresh", metavar="MIN", default=str(DEFAULT_REFRESH_MINUTES),
            help="minutes between two fetches of a --catalog URL, with conditional requests "
            f"({DEFAULT_REFRESH_MINUTES:g})",
        )


def photo_summary(stats: dict[str, Any]) -> str:
    """One line on the product photos: `photos 5 fetched, 2 refused (http_404 1, ...)`."""
    said = (f"photos {stats['fetched']} fetched, {stats['revalidated']} unchanged, "
            f"{stats['cached']} cached ({stats['cache_bytes'] // 1024} KiB), "
            f"{stats['refused']} refused")
    if stats["refused_by"]:
        said += " (" + ", ".join(f"{k} {n}" for k, n in sorted(stats["refused_by"].items())) + ")"
    return said
