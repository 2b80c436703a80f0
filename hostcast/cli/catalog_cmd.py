"""`hostcast catalog check FILE|URL`: what a catalog holds, which rows were refused, and with
`--check-images`, which product photos cannot be drawn and why."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from host.catalog import CatalogLoad, load_catalog, load_catalog_bytes
from host.catalog.fetch.feed_mirror import FEED_LIMITS
from host.catalog.fetch.http_get import get, redact
from host.catalog.fetch.photo_check import PhotoRefused, check_photo
from host.catalog.fetch.photo_store import is_remote
from hostcast.fetching import cache_folder, photo_store

ROWS_SKIPPED = 1
IMAGE_WAIT = 300.0  # seconds `--check-images` waits for every photo's fetch


def register(commands: Any) -> None:
    catalog = commands.add_parser("catalog", help="work with product catalogs")
    actions = catalog.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="import a catalog and report products, variants and refused rows",
        description="Import a catalog (Merchant Center XML/TSV/CSV, Shopify CSV, "
        "WooCommerce CSV, JSON or YAML), from a file or an http(s) URL, and print a "
        "summary. Exit code: 0 when every row loaded (and, with --check-images, every "
        "photo can be drawn), 1 when some rows were skipped or photos failed, 2 when the "
        "catalog cannot be read.",
    )
    check.add_argument("file", help="catalog file or http(s) URL")
    check.add_argument(
        "--currency", help="currency of prices written without one (ISO code, e.g. EUR)"
    )
    check.add_argument(
        "--check-images", action="store_true",
        help="fetch (into --cache) or open every product's photo and report those that fail",
    )
    check.add_argument("--cache", metavar="DIR", help="folder of fetched photos")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    loaded = _load(args.file, args.currency)
    print(loaded.summary())
    bad_rows = any(p.skipped for p in loaded.problems)
    bad_images = _check_images(loaded, cache_folder(args.cache)) if args.check_images else 0
    return ROWS_SKIPPED if bad_rows or bad_images else 0


def _load(where: str, currency: str | None) -> CatalogLoad:
    if not is_remote(where):
        return load_catalog(where, default_currency=currency)
    response = get(where, limits=FEED_LIMITS)  # FetchError names the URL: exit 2
    name = Path(response.url.split("?", 1)[0]).name or "feed"
    loaded = load_catalog_bytes(
        response.body, name, default_currency=currency, base_url=response.url
    )
    return CatalogLoad(redact(where), loaded.format, loaded.products, loaded.problems,
                       loaded.notices)


def _check_images(loaded: CatalogLoad, cache: Path) -> int:
    """Print each product whose photo cannot be drawn, with its row; how many there were."""
    photos = photo_store(cache)
    links = [p.image_link for p in loaded.products]
    photos.want(links)
    photos.wait(IMAGE_WAIT)
    failed = 0
    checked = 0
    for product in loaded.products:
        link = product.image_link
        if not link:
            reason: str | None = "no image_link"
        elif is_remote(link):
            state = photos.state(link)
            reason = None if state == "ok" else photos.failure(link) or "not fetched in time"
        else:
            reason = _local(link)
        checked += 1
        if reason is not None:
            failed += 1
            where = f"{product.source} [{product.id}]" if product.source else product.id
            print(f"  {where}: image_link: {reason}")
    print(f"images: {checked - failed} of {checked} can be drawn")
    return failed


def _local(path: str) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    try:
        check_photo(data)
    except PhotoRefused as exc:
        return f"{path}: {exc}"
    return None
