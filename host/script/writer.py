"""The one interface every pitch writer implements, and the kinds of line it writes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from host.catalog.model import Product
from host.script.line import Line

# Kinds of line a live seller says. Product-less kinds ignore the product given.
PRODUCT_KINDS = (
    "intro",
    "features",
    "options",
    "price",
    "deal",
    "urgency",
    "call_to_action",
    "sold_out",
    "transition",
)
SHOW_KINDS = ("greeting", "filler", "disclosure")
KINDS = PRODUCT_KINDS + SHOW_KINDS


class PitchWriter(Protocol):
    async def write(self, product: Product | None, kind: str, lang: str) -> list[Line]: ...


class ScriptWriter(Protocol):
    """What the running order asks, synchronously: lines of one kind, or a whole pitch."""

    def lines(self, product: Product | None, kind: str, lang: str) -> list[Line]: ...

    def pitch(self, product: Product, lang: str) -> list[Line]: ...


def pitch_kinds(product: Product, now: datetime) -> list[str]:
    """The kinds of line in a whole pitch: introduction, features, options, price or deal, call."""
    kinds = ["intro", "features", "options"]
    if not product.orderable:
        kinds.append("sold_out")
    elif product.sale_active(now):
        kinds += ["deal", "urgency", "call_to_action"]
    else:
        kinds += ["price", "call_to_action"]
    return kinds
