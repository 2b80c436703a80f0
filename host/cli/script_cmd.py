"""`hostcast script CATALOG`: print the pitches the host would say, spoken and on screen."""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import Any

from host.catalog import load_catalog
from host.catalog.model import Product
from host.cli import options
from host.errors import ConfigError
from host.script.line import Line
from host.script.running_order import running_order
from host.script.template_writer import TemplateWriter


def register(commands: Any) -> None:
    script = commands.add_parser(
        "script",
        help="print pitch scripts for a catalog",
        description="Write pitch scripts from a catalog with the templates, and print "
        "each line as spoken, as shown on screen, and with the facts it states.",
    )
    script.add_argument("catalog", help="catalog file")
    script.add_argument("--product", metavar="ID", help="only this product (id)")
    script.add_argument(
        "--lang", help="fr or en (default: the catalog's language, else en)"
    )
    script.add_argument(
        "--count", type=int, default=None, metavar="N",
        help="how many pitches (default: each in-stock product once)",
    )
    script.add_argument("--seed", type=int, default=0, help="variant rotation seed")
    script.add_argument(
        "--at", metavar="ISO_TIME", help="judge sales at this time (default: now)"
    )
    script.add_argument("--currency", help="currency of prices written without one")
    script.add_argument("--templates", type=Path, help="template folder (default: bundled)")
    script.set_defaults(run=run_script)


def _pick(products: tuple[Product, ...], wanted: str | None, count: int | None) -> list[Product]:
    if wanted is not None:
        chosen = [p for p in products if p.id == wanted]
        if not chosen:
            known = ", ".join(p.id for p in products[:20])
            raise ConfigError(f"--product: no product {wanted!r} in the catalog (ids: {known})")
        return chosen * (count or 1)
    on_air = [p for p in products if p.orderable]
    if not on_air:
        raise ConfigError("the catalog has no product in stock to pitch")
    return list(itertools.islice(itertools.cycle(on_air), count or len(on_air)))


def _print(line: Line) -> None:
    print(f"  [{line.kind}] {line.text}")
    if line.caption != line.text:
        print(f"      screen: {line.caption}")
    if line.facts:
        print("      facts: " + ", ".join(f"{k}={v}" for k, v in line.facts.items()))


def run_script(args: argparse.Namespace) -> int:
    if args.count is not None and args.count < 1:
        raise ConfigError(f"--count: must be at least 1, got {args.count}")
    moment = options.moment(args.at)
    loaded = load_catalog(args.catalog, default_currency=args.currency)
    lang = options.language(args.lang, loaded.products)
    writer = TemplateWriter(args.templates, seed=args.seed, clock=lambda: moment)
    pitches = _pick(loaded.products, args.product, args.count)
    current = None
    order = running_order(
        writer, pitches, lang, opening=args.product is None, pitches=len(pitches)
    )
    for line, product in order:
        if line.product_id is not None and product is not None and product.id != current:
            current = product.id
            print(f"\n== {product.title} ({product.id})")
        _print(line)
    for problem in loaded.problems:
        print(f"note: {problem}")
    return 0
