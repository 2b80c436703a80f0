"""Raw items from any importer become `Product`s: variants joined, duplicates refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from host.catalog.availability import best
from host.catalog.html_text import clean_line, html_to_text
from host.catalog.item_fields import FeedContext, FieldReader
from host.catalog.model import Availability, Money, Product, SaleWindow, Variant
from host.catalog.raw_item import OPTION_FIELDS, RawItem, shown
from host.catalog.report import RowProblem

_LABELS = tuple(f"custom_label_{n}" for n in range(5))
# Variants a viewer can order now (None: follows the product, which defaults to in stock).
_BUYABLE = (None, Availability.IN_STOCK, Availability.BACKORDER)


@dataclass
class Assembly:
    products: list[Product] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pricing:
    price: Money
    sale_price: Money | None
    window: SaleWindow | None


def assemble(items: Sequence[RawItem], context: FeedContext) -> Assembly:
    """Products from raw items; items sharing an item_group_id become one product."""
    return _Assembler(context).run(items)


class _Assembler:
    def __init__(self, context: FeedContext) -> None:
        self.context = context
        self.fields = FieldReader(context)
        self.product_lines: dict[str, int] = {}
        self.variant_lines: dict[str, int] = {}

    def run(self, items: Sequence[RawItem]) -> Assembly:
        entries: list[RawItem | list[RawItem]] = []
        groups: dict[str, list[RawItem]] = {}
        for item in items:
            group_id = item.get("item_group_id")
            if group_id and not item.variants:
                if group_id not in groups:
                    groups[group_id] = []
                    entries.append(groups[group_id])
                groups[group_id].append(item)
            else:
                entries.append(item)
        assembly = Assembly()
        for entry in entries:
            product = self._group(entry) if isinstance(entry, list) else self._single(entry)
            if product is not None:
                assembly.products.append(product)
        assembly.problems = sorted(self.fields.problems, key=lambda p: p.line)
        assembly.notices = self.fields.notices()
        return assembly

    def _single(self, item: RawItem) -> Product | None:
        """A product of its own, with the variants nested under it, if any."""
        product_id = self.fields.required_text(item, "id")
        title = self.fields.required_text(item, "title")
        own_price = bool(item.get("price")) or not item.variants
        price = self.fields.money(item, "price", required=True) if own_price else None
        if product_id is None or title is None or (own_price and price is None):
            return None
        if self._duplicate(self.product_lines, item, product_id, "id"):
            return None
        variants, windows = self._variants(item.variants, price, member=False)
        window = self.fields.sale_window(item)
        cheapest = _cheapest(variants)
        if price is not None:
            pricing = _Pricing(price, self.fields.sale_price(item, price), window)
        elif cheapest is not None:
            # The price comes from the cheapest variant, and so do its sale dates if it has any.
            cheapest_item, cheapest_variant, cheapest_price = cheapest
            own_window = windows[id(cheapest_item)] or window
            pricing = _Pricing(cheapest_price, cheapest_variant.sale_price, own_window)
        else:
            self.fields.problem(item, "price", "missing, and no variant has one", skipped=True)
            return None
        own = self.fields.availability(item)
        return self._product(item, product_id, title, pricing, own, variants)

    def _group(self, members: list[RawItem]) -> Product | None:
        """GMC items sharing an item_group_id: one product, each item a variant."""
        variants, windows = self._variants(members, None, member=True)
        cheapest = _cheapest(variants)
        if cheapest is None:
            return None
        first = variants[0][0]
        group_id = first.get("item_group_id")
        if self._duplicate(self.product_lines, first, group_id, "item_group_id"):
            return None
        cheapest_item, cheapest_variant, price = cheapest
        pricing = _Pricing(price, cheapest_variant.sale_price, windows[id(cheapest_item)])
        title = _group_title([v.title for _, v in variants])
        return self._product(first, group_id, title, pricing, None, variants)

    def _variants(
        self, items: list[RawItem], product_price: Money | None, *, member: bool
    ) -> tuple[list[tuple[RawItem, Variant]], dict[int, SaleWindow | None]]:
        """The variants that load, and each one's sale dates (keyed by its item's id())."""
        variants: list[tuple[RawItem, Variant]] = []
        windows: dict[int, SaleWindow | None] = {}
        for item in items:
            variant = self._variant(item, product_price, member=member)
            if variant is not None and self._same_currency(item, variant, product_price, variants):
                self.variant_lines[variant.id] = item.line_of("id")
                variants.append((item, variant))
                windows[id(item)] = self.fields.sale_window(item)
        return variants, windows

    def _variant(
        self, item: RawItem, product_price: Money | None, *, member: bool
    ) -> Variant | None:
        """One variant; it needs a price of its own unless its product has one."""
        variant_id = self.fields.required_text(item, "id")
        title = (
            self.fields.required_text(item, "title") if member else clean_line(item.get("title"))
        )
        price: Money | None = None
        if item.get("price") or product_price is None:
            price = self.fields.money(item, "price", required=True)
            if price is None:
                return None
        if variant_id is None or title is None:
            return None
        if self._duplicate(self.variant_lines, item, variant_id, "id"):
            return None
        base = price or product_price
        options = {name: clean_line(item.get(name)) for name in OPTION_FIELDS if item.get(name)}
        options.update((k, clean_line(v)) for k, v in item.options.items() if clean_line(v))
        return Variant(
            id=variant_id,
            options=options,
            title=title,
            price=price,
            sale_price=self.fields.sale_price(item, base) if base else None,
            availability=self.fields.availability(item),
            image_link=self.fields.image(item.get("image_link")),
        )

    def _product(
        self,
        item: RawItem,
        product_id: str,
        title: str,
        pricing: _Pricing,
        own: Availability | None,
        variants: list[tuple[RawItem, Variant]],
    ) -> Product | None:
        states = [v.availability or own or Availability.IN_STOCK for _, v in variants]
        images = [self.fields.image(link) for link in item.all("additional_image_link")]
        try:
            product = Product(
                id=product_id,
                title=title,
                price=pricing.price,
                description=html_to_text(item.get("description")),
                link=item.get("link"),
                image_link=self.fields.image(item.get("image_link")),
                additional_image_links=tuple(images),
                sale_price=pricing.sale_price,
                sale_price_effective_date=pricing.window,
                availability=best(states) if states else own or Availability.IN_STOCK,
                brand=clean_line(item.get("brand")),
                condition=self.fields.condition(item),
                product_highlights=tuple(clean_line(h) for h in item.all("product_highlight")),
                product_type=clean_line(item.get("product_type")),
                custom_labels=_custom_labels(item),
                item_group_id=item.get("item_group_id"),
                variants=tuple(v for _, v in variants),
                content_language=item.get("content_language") or self.context.language,
                source=f"{self.context.file}:{item.line}",
            )
        except ValueError as error:
            self.fields.problem(item, "", str(error), skipped=True, line=item.line)
            return None
        self.product_lines[product_id] = item.line_of("id")
        return product

    def _duplicate(self, seen: dict[str, int], item: RawItem, key: str, name: str) -> bool:
        if key not in seen:
            return False
        reason = f"duplicate id {shown(key)} (first on line {seen[key]})"
        self.fields.problem(item, name, reason, skipped=True)
        return True

    def _same_currency(
        self,
        item: RawItem,
        variant: Variant,
        product_price: Money | None,
        accepted: list[tuple[RawItem, Variant]],
    ) -> bool:
        """Whether a variant's price is in the currency of its product (or its first sibling)."""
        others = [v.price for _, v in accepted if v.price is not None]
        reference = product_price or (others[0] if others else None)
        if variant.price is None or reference is None:
            return True
        if variant.price.currency == reference.currency:
            return True
        reason = f"{variant.price} is not in {reference.currency} like the rest of the product"
        self.fields.problem(item, "price", reason, skipped=True)
        return False


def _cheapest(
    variants: list[tuple[RawItem, Variant]],
) -> tuple[RawItem, Variant, Money] | None:
    """The variant one can buy cheapest now (else any): it gives the product its price."""
    priced = [(item, v, v.price) for item, v in variants if v.price is not None]
    buyable = [entry for entry in priced if entry[1].availability in _BUYABLE]
    candidates = buyable or priced
    return min(candidates, key=_selling_price) if candidates else None


def _selling_price(entry: tuple[RawItem, Variant, Money]) -> Decimal:
    sale = entry[1].sale_price
    return sale.amount if sale else entry[2].amount


def _group_title(titles: list[str]) -> str:
    """What the items' titles share ("Tee - Navy / M", "Tee - Red / L" -> "Tee"), else the first."""
    prefix = titles[0]
    for title in titles[1:]:
        while not title.startswith(prefix):
            prefix = prefix[:-1]
    if len(titles) > 1 and prefix != titles[0]:
        if any(len(t) > len(prefix) and t[len(prefix)].isalnum() for t in titles):
            prefix = prefix.rsplit(" ", 1)[0] if " " in prefix else ""  # cut at a word
        prefix = prefix.rstrip(" -–—/|,:;(")
    return prefix if len(prefix) >= 3 else titles[0]


def _custom_labels(item: RawItem) -> tuple[str, ...]:
    labels = [clean_line(item.get(name)) for name in _LABELS]
    while labels and not labels[-1]:
        labels.pop()
    return tuple(labels)
