"""`hostcast script CATALOG`: print the pitches the host would say, spoken and on screen."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from host.catalog import load_catalog
from host.catalog.model import Product
from host.errors import ConfigError
from host.script import spoken
from host.script.line import Line
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


def _moment(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--at: {text!r} is not an ISO date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _language(requested: str | None, products: tuple[Product, ...]) -> str:
    if requested:
        try:
            return spoken.check_lang(requested)
        except ValueError as exc:
            raise ConfigError(f"--lang: {exc}") from None
    for product in products:
        if product.content_language:
            try:
                return spoken.check_lang(product.content_language)
            except ValueError:
                break
    return "en"


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


def _script(
    writer: TemplateWriter, pitches: list[Product], lang: str, show_opening: bool
) -> Iterator[Line]:
    if show_opening:
        yield from writer.lines(None, "greeting", lang)
        yield from writer.lines(None, "disclosure", lang)
    for index, product in enumerate(pitches):
        if index:
            yield from writer.lines(product, "transition", lang)
        yield from writer.pitch(product, lang)


def run_script(args: argparse.Namespace) -> int:
    if args.count is not None and args.count < 1:
        raise ConfigError(f"--count: must be at least 1, got {args.count}")
    moment = _moment(args.at)
    loaded = load_catalog(args.catalog, default_currency=args.currency)
    lang = _language(args.lang, loaded.products)
    writer = TemplateWriter(args.templates, seed=args.seed, clock=lambda: moment)
    pitches = _pick(loaded.products, args.product, args.count)
    current = None
    for line in _script(writer, pitches, lang, show_opening=args.product is None):
        if line.product_id != current and line.product_id is not None:
            current = line.product_id
            product = next(p for p in pitches if p.id == current)
            print(f"\n== {product.title} ({product.id})")
        _print(line)
    for problem in loaded.problems:
        print(f"note: {problem}")
    return 0
