"""`hostcast script CATALOG`: print the pitches the host would say, spoken and on screen."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from host.catalog.model import Product
from host.errors import ConfigError
from host.script.guard import PriceGuard
from host.script.line import Line
from host.script.product_rotation import weight
from host.script.running_order import running_order
from host.script.template_writer import TemplateWriter
from host.script.writer import ScriptWriter
from hostcast.cli import options
from hostcast.cli.show_flags import add_writer_flags, read_show
from hostcast.cli.writer_setup import ShowWriter, writer_from, writer_summary
from hostcast.fetching import add_fetch_flags
from hostcast.show_settings import add_flags


def register(commands: Any) -> None:
    script = commands.add_parser(
        "script",
        help="print pitch scripts for a catalog",
        description="Write pitch scripts from a catalog with the templates, and print "
        "each line as spoken, as shown on screen, and with the facts it states.",
    )
    script.add_argument("catalog", help="catalog file or http(s) URL")
    script.add_argument("--product", metavar="ID", help="only this product (id)")
    script.add_argument(
        "--lang", help="fr or en (default: the catalog's language, else en)"
    )
    script.add_argument(
        "--count", type=int, default=None, metavar="N",
        help="how many pitches (default: one round of the rotation, where every product "
        "in stock comes up and featured and on-sale ones come up more often)",
    )
    script.add_argument(
        "--at", metavar="ISO_TIME", help="judge sales at this time (default: now)"
    )
    add_flags(script, ("seed", "currency"))
    script.add_argument("--templates", type=Path, help="template folder (default: bundled)")
    add_writer_flags(script)
    add_fetch_flags(script, refresh=False)
    script.set_defaults(run=run_script)


def _one_product(
    writer: ScriptWriter, product: Product, lang: str, count: int
) -> Iterator[tuple[Line, Product | None]]:
    """`count` pitches of one product, sold out or not, as `--product` asks."""
    for turn in range(count):
        if turn:
            for line in writer.lines(product, "transition", lang):
                yield line, product
        for line in writer.pitch(product, lang):
            yield line, product


def _order(
    writer: ScriptWriter,
    products: tuple[Product, ...],
    lang: str,
    args: argparse.Namespace,
    seed: int,
    moment: datetime,
) -> Iterator[tuple[Line, Product | None]]:
    if args.product is not None:
        chosen = [p for p in products if p.id == args.product]
        if not chosen:
            known = ", ".join(p.id for p in products[:20])
            raise ConfigError(
                f"--product: no product {args.product!r} in the catalog (ids: {known})"
            )
        return _one_product(writer, chosen[0], lang, args.count or 1)
    on_air = [p for p in products if p.orderable]
    if not on_air:
        raise ConfigError("the catalog has no product in stock to pitch")
    # One round: each product gets as many turns as its weight in the rotation.
    count = args.count or sum(weight(p, moment) for p in on_air)
    # No clock: air time is estimated from the text said, so a long script shows the
    # greeting and the AI disclosure coming back as they would on air.
    return running_order(
        writer, products, lang, pitches=count, seed=seed, now=lambda: moment
    )


def _print(line: Line, shown_source: bool = False) -> None:
    by = f"  ({line.source})" if shown_source else ""
    print(f"  [{line.kind}] {line.text}{by}")
    if line.caption != line.text:
        print(f"      screen: {line.caption}")
    if line.facts:
        print("      facts: " + ", ".join(f"{k}={v}" for k, v in line.facts.items()))


def run_script(args: argparse.Namespace) -> int:
    if args.count is not None and args.count < 1:
        raise ConfigError(f"--count: must be at least 1, got {args.count}")
    moment = options.moment(args.at)
    programme, settings, loaded = read_show(args, args.catalog, orderable_needed=False)
    lang = programme.lang
    templates = TemplateWriter(
        args.templates, seed=settings.seed, clock=lambda: moment, langs=(lang,)
    )
    try:
        opts = writer_from(programme.writer, settings, args.env)
    except ValueError as exc:
        raise ConfigError(f"--api-key-env: {exc}") from None
    guard = PriceGuard(now=lambda: moment, audit=opts.audit_log)
    writer = ShowWriter(opts, templates, guard, lambda: moment)
    current = None
    try:
        lines = _order(writer.script, loaded.products, lang, args, settings.seed, moment)
        for line, product in lines:
            if line.product_id is not None and product is not None and product.id != current:
                current = product.id
                print(f"\n== {product.title} ({product.id})")
            verdict = guard.check(line, product)
            _print(line, shown_source=writer.llm is not None)
            if not verdict.ok:  # a template the guard refuses: on air it would be skipped
                print("      REFUSED: " + "; ".join(verdict.reasons))
    finally:
        writer.close()
    if writer.llm is not None:
        print("\n" + writer_summary({**writer.stats(), "guard_refused": 0}))
    for problem in loaded.problems:
        print(f"note: {problem}")
    return 0
