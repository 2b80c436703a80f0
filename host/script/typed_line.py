"""An operator's typed line, checked by the same guard as a generated one before it may air."""

from __future__ import annotations

import unicodedata

from host.catalog.model import Product
from host.script.guard import PriceGuard
from host.script.line import Line
from host.script.speakable import speakable

MAX_CHARS = 280


def _clean(text: str) -> str:
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return " ".join(kept.split())


def typed_line(
    text: str,
    product: Product | None,
    lang: str,
    guard: PriceGuard,
) -> Line:
    """The operator's text as a Line; ValueError says why it may not air.

    `guard` is the show's own, so a refused typed line is counted and audited with the
    rest of what the show was kept from saying.
    """
    clean = _clean(text)
    if not clean:
        raise ValueError("text: nothing to say")
    if len(clean) > MAX_CHARS:
        raise ValueError(f"text: {len(clean)} characters, at most {MAX_CHARS} for one line")
    currency = product.price.currency if product is not None else None
    line = Line(
        text=speakable(clean, lang, currency),  # the guard checks what is said and what is shown
        caption=clean,
        kind="operator",
        lang=lang,
        product_id=product.id if product is not None else None,
        source="operator",
    )
    verdict = guard.check(line, product)
    if not verdict.ok:
        # The text and its caption are the same words: say each reason once.
        reasons = dict.fromkeys(r.split(": ", 1)[-1] for r in verdict.reasons)
        raise ValueError("text: " + "; ".join(reasons))
    return line
