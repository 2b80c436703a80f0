"""Which products a slot airs: a subset of its catalog, the featured ones, and the slot's deal."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from host.catalog.model import Money, Product, SaleWindow, Variant
from host.script.product_rotation import FEATURED_LABEL, is_featured


@dataclass(frozen=True)
class Selection:
    """A subset of a catalog: a product must pass every filter that is set (AND).

    Within one filter any value will do (OR). Tags match a custom label, the whole
    product_type or one level of it ("Beauty > Skincare" has tags "beauty" and
    "skincare"), ignoring case. Prices compare the regular price, not a sale price, so a
    product does not leave a slot when a catalog sale starts or ends.
    """

    ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None

    def matches(self, product: Product) -> bool:
        if self.ids and product.id not in self.ids:
            return False
        if self.tags and not {t.strip().casefold() for t in self.tags} & product_tags(product):
            return False
        brands = {b.strip().casefold() for b in self.brands}
        if brands and product.brand.strip().casefold() not in brands:
            return False
        amount = product.price.amount
        if self.price_min is not None and amount < self.price_min:
            return False
        return self.price_max is None or amount <= self.price_max

    def select(self, products: Sequence[Product]) -> tuple[Product, ...]:
        return tuple(p for p in products if self.matches(p))


def product_tags(product: Product) -> set[str]:
    """The words a `tags` filter can match on a product, folded to lower case."""
    tags = {label.strip().casefold() for label in product.custom_labels}
    kind = product.product_type.strip().casefold()
    if kind:
        tags.add(kind)
        tags.update(level.strip() for level in kind.split(">") if level.strip())
    return tags


@dataclass(frozen=True)
class Deal:
    """A percentage off for the length of a slot, on some products (all selected when no ids)."""

    percent: Decimal
    ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not Decimal(0) < self.percent < Decimal(100):
            raise ValueError(f"percent must be above 0 and below 100, got {self.percent}")

    def covers(self, product: Product) -> bool:
        return not self.ids or product.id in self.ids

    def price(self, regular: Money) -> Money:
        """The deal's price for `regular`, rounded to the currency's smallest unit."""
        places = Decimal(1).scaleb(-get_currency_precision(regular.currency))
        amount = regular.amount * (Decimal(100) - self.percent) / Decimal(100)
        return Money(amount.quantize(places, rounding=ROUND_HALF_UP), regular.currency)


@dataclass(frozen=True)
class Lineup:
    """What a slot airs from its catalog: the subset, the products it features, its deal."""

    selection: Selection = Selection()
    featured: tuple[str, ...] = ()
    deal: Deal | None = None

    def products(
        self, catalog: Sequence[Product], start: datetime, end: datetime
    ) -> tuple[Product, ...]:
        """The slot's products for its airing from `start` to `end` (aware instants)."""
        chosen = [
            feature(p) if p.id in self.featured else p for p in self.selection.select(catalog)
        ]
        deal = self.deal
        if deal is None:
            return tuple(chosen)
        return tuple(apply_deal(p, deal, start, end) if deal.covers(p) else p for p in chosen)


def feature(product: Product) -> Product:
    """The product marked featured, so the rotation gives it more turns."""
    if is_featured(product):
        return product
    return dataclasses.replace(product, custom_labels=(*product.custom_labels, FEATURED_LABEL))


def apply_deal(product: Product, deal: Deal, start: datetime, end: datetime) -> Product:
    """The product on sale at the deal's price from `start` to `end`.

    A catalog sale that is at least as cheap and lasts the whole airing stays as it is: the
    deal never raises a price. A product too cheap for the deal to take a cent off keeps its
    price.
    """
    sale = deal.price(product.price)
    if sale.amount >= product.price.amount:
        return product
    own = product.sale_price
    window = product.sale_price_effective_date
    lasts = window is None or (window.contains(start) and (window.end is None or window.end >= end))
    if own is not None and own.amount <= sale.amount and lasts:
        return product
    return dataclasses.replace(
        product,
        sale_price=sale,
        sale_price_effective_date=SaleWindow(start, end),
        variants=tuple(_variant_on_deal(v, deal) for v in product.variants),
    )


def _variant_on_deal(variant: Variant, deal: Deal) -> Variant:
    if variant.price is None:
        return dataclasses.replace(variant, sale_price=None)  # it follows the product
    sale = deal.price(variant.price)
    return dataclasses.replace(
        variant, sale_price=sale if sale.amount < variant.price.amount else None
    )
