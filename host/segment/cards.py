"""The product card a product shows on screen, in the stream's language."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from host.catalog.fetch.photo_store import PhotoStore, is_remote
from host.catalog.model import Availability, Product
from host.compose.overlay import ProductCard
from host.script import spoken

_NOTES = {
    "en": {"preorder": "Pre-order", "sold_out": "Sold out"},
    "fr": {"preorder": "Précommande", "sold_out": "Rupture de stock"},
}


def card_for(
    product: Product, lang: str, now: datetime, photos: PhotoStore | None = None
) -> ProductCard:
    """The card for `product` at `now`: the sale price only while the sale runs; its photo
    from a file, or from `photos` once fetched (the placeholder until then)."""
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
        image_path=_photo(product.image_link, photos),
        link=product.link,
        brand=product.brand,
        note=note,
    )


def _photo(link: str, photos: PhotoStore | None) -> str:
    """A local file to draw, or "": a URL is drawn only from what `photos` fetched."""
    if photos is not None:
        link = photos.path(link)
    elif is_remote(link):
        return ""
    return link if link and Path(link).is_absolute() else ""
