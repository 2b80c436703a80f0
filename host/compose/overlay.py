"""What the screen shows besides the presenter: the product card and the AI label."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductCard:
    """A product as the card shows it: display strings only, already localised."""

    product_id: str
    title: str
    price: str  # the regular price, e.g. "39,90 €"
    sale_price: str | None = None  # when on sale: price is struck through
    discount: str | None = None  # e.g. "-30 %"
    deal_ends: str | None = None  # e.g. "jusqu'à dimanche"
    image_path: str = ""  # a local file; a placeholder is drawn when empty or unreadable
    link: str = ""  # the QR code's target; no QR code when empty
    brand: str = ""
    note: str = ""  # e.g. "Pre-order", "Sold out"


@dataclass(frozen=True)
class OverlayState:
    """Everything on screen but the presenter and the caption; equal states draw equal pixels."""

    label: str  # the always-visible AI-disclosure label, localised
    card: ProductCard | None = None
