"""The one product model every importer produces, on Google Merchant Center field names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType


class Availability(StrEnum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    PREORDER = "preorder"
    BACKORDER = "backorder"


@dataclass(frozen=True, order=True)
class Money:
    """An exact amount in one ISO 4217 currency; never a float."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise ValueError(f"amount must be a finite Decimal, got {self.amount!r}")
        if self.amount < 0:
            raise ValueError(f"amount must not be negative, got {self.amount}")
        if len(self.currency) != 3 or not self.currency.isascii() or not self.currency.isupper():
            raise ValueError(f"currency must be an ISO 4217 code like EUR, got {self.currency!r}")

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


@dataclass(frozen=True)
class SaleWindow:
    """When a sale price applies: GMC's sale_price_effective_date, ends exclusive."""

    start: datetime | None
    end: datetime | None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"sale window {name} must carry a time zone")
        if self.start and self.end and self.end <= self.start:
            raise ValueError("sale window ends before it starts")

    def contains(self, at: datetime) -> bool:
        return (self.start is None or self.start <= at) and (self.end is None or at < self.end)


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Variant:
    """One buyable version of a product (a size, a colour); None fields follow the product."""

    id: str
    options: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    price: Money | None = None
    sale_price: Money | None = None
    availability: Availability | None = None
    image_link: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", _frozen(self.options))


@dataclass(frozen=True)
class Product:
    """A product as the host talks about it; `source` says where in which file it came from."""

    id: str
    title: str
    price: Money
    description: str = ""
    link: str = ""
    image_link: str = ""
    additional_image_links: tuple[str, ...] = ()
    sale_price: Money | None = None
    sale_price_effective_date: SaleWindow | None = None
    availability: Availability = Availability.IN_STOCK
    brand: str = ""
    condition: str = "new"
    product_highlights: tuple[str, ...] = ()
    product_type: str = ""
    custom_labels: tuple[str, ...] = ()
    item_group_id: str = ""
    variants: tuple[Variant, ...] = ()
    content_language: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("id: must not be empty")
        if not self.title.strip():
            raise ValueError("title: must not be empty")
        if self.sale_price is not None:
            if self.sale_price.currency != self.price.currency:
                raise ValueError(
                    f"sale_price: currency {self.sale_price.currency} differs from "
                    f"price currency {self.price.currency}"
                )
            if self.sale_price.amount >= self.price.amount:
                raise ValueError(
                    f"sale_price: {self.sale_price} is not below price {self.price}"
                )

    def sale_active(self, at: datetime) -> bool:
        """Whether the sale price applies at `at` (an aware datetime)."""
        if self.sale_price is None:
            return False
        window = self.sale_price_effective_date
        return window is None or window.contains(at)

    def current_price(self, at: datetime) -> Money:
        return self.sale_price if self.sale_active(at) and self.sale_price else self.price

    def discount_percent(self, at: datetime) -> int | None:
        """Whole percent off, rounded down so that the host never overstates a deal."""
        if not self.sale_active(at) or self.sale_price is None:
            return None
        off = (self.price.amount - self.sale_price.amount) * 100 / self.price.amount
        return int(off)

    @property
    def orderable(self) -> bool:
        """Whether a viewer can order it now: in stock, on backorder or on pre-order."""
        return self.availability is not Availability.OUT_OF_STOCK or any(
            v.availability not in (None, Availability.OUT_OF_STOCK) for v in self.variants
        )

    def option_values(self, available_only: bool = False) -> dict[str, list[str]]:
        """Each variant option (color, size...) with its values in catalog order."""
        values: dict[str, list[str]] = {}
        for variant in self.variants:
            if available_only and variant.availability is Availability.OUT_OF_STOCK:
                continue
            for name, value in variant.options.items():
                seen = values.setdefault(name, [])
                if value not in seen:
                    seen.append(value)
        return values
