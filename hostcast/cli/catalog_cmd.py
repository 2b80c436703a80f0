"""`hostcast catalog check FILE`: what a catalog file holds and which rows were refused."""

from __future__ import annotations

import argparse
from typing import Any

from host.catalog import load_catalog

ROWS_SKIPPED = 1


def register(commands: Any) -> None:
    catalog = commands.add_parser("catalog", help="work with product catalogs")
    actions = catalog.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="import a catalog and report products, variants and refused rows",
        description="Import a catalog (Merchant Center XML/TSV/CSV, Shopify CSV, "
        "WooCommerce CSV, JSON or YAML) and print a summary. Exit code: 0 when every "
        "row loaded, 1 when some rows were skipped, 2 when the file cannot be read.",
    )
    check.add_argument("file", help="catalog file")
    check.add_argument(
        "--currency", help="currency of prices written without one (ISO code, e.g. EUR)"
    )
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    loaded = load_catalog(args.file, default_currency=args.currency)
    print(loaded.summary())
    return ROWS_SKIPPED if any(p.skipped for p in loaded.problems) else 0
