"""The order of lines on air: opening, then pitches of the products in turn."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from host.catalog.model import Product
from host.script.line import Line
from host.script.template_writer import TemplateWriter


def running_order(
    writer: TemplateWriter,
    products: Sequence[Product],
    lang: str,
    *,
    opening: bool = True,
    pitches: int | None = None,
) -> Iterator[tuple[Line, Product | None]]:
    """Each line with the product on screen while it airs; endless when `pitches` is None."""
    current: Product | None = products[0] if products else None
    if opening:
        for kind in ("greeting", "disclosure"):
            for line in writer.lines(None, kind, lang):
                yield line, current
    turns = itertools.cycle(products) if pitches is None else itertools.islice(
        itertools.cycle(products), pitches
    )
    for index, product in enumerate(turns):
        if index:
            for line in writer.lines(product, "transition", lang):
                yield line, product
        for line in writer.pitch(product, lang):
            yield line, product
