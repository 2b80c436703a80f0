"""The product card a product shows on screen, in the stream's language."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from host.catalog.model import Availability, Product
from host.compose.overlay import ProductCard
from host.script import spoken

_NOTES = {
    "en": {"preorder": "Pre-order", "sold_out": "Sold out"},
    "fr": {"preorder": "Précommande", "sold_out": "Rupture de stock"},
}


def card_for(product: Product, lang: str, now: datetime) -> ProductCard:
    """The card for `product` at `now`: the sale price only while the sale runs."""
    lang = spoken.check_lang(lang)
    on_sale = product.sale_active(now) and product.sale_price is not None
    discount = product.discount_percent(now) if on_sale else None
    window = product.sale_price_effective_date
    ends = None
    if on_sale and window is not None and window.end is not None and window.end > now:
        ends = spoken.show_until(window.end, now, lang)
    note = ""
    if not product.orderable:
        note = _NOTES[lang]["sold_out"]
    elif product.availability is Availability.PREORDER:
        note = _NOTES[lang]["preorder"]
    return ProductCard(
        product_id=product.id,
        title=product.title,
        price=spoken.show_money(product.price, lang),
        sale_price=spoken.show_money(product.sale_price, lang)
        if on_sale and product.sale_price
        else None,
        discount=f"-{spoken.show_percent(discount, lang)}" if discount else None,
        deal_ends=ends,
        image_path=product.image_link if Path(product.image_link).is_absolute() else "",
        link=product.link,
        brand=product.brand,
        note=note,
    )
