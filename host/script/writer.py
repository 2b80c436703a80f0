"""The one interface every pitch writer implements, and the kinds of line it writes."""

from __future__ import annotations

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
