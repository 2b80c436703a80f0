"""Shopify product CSV exports: rows grouped by Handle into one product with its variants."""

from __future__ import annotations

from dataclasses import dataclass, field

from host.catalog.availability import from_quantity
from host.catalog.money import split_money
from host.catalog.raw_item import ParsedFeed, RawItem, option_key, shown
from host.catalog.report import RowProblem
from host.catalog.table import Table, TableRow

# Header spellings across export versions, compared without case, spaces or punctuation.
COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("Handle",),
    "title": ("Title",),
    "description": ("Body (HTML)", "Body HTML", "Body", "Description"),
    "brand": ("Vendor", "Brand"),
    "product_type": ("Type", "Product Type", "Product Category", "Standard Product Type"),
    "condition": ("Google Shopping / Condition",),
    "published": ("Published", "Published on online store"),
    "status": ("Status",),
    "sku": ("Variant SKU", "SKU"),
    "price": ("Variant Price", "Price"),
    "compare_at": ("Variant Compare At Price", "Compare At Price", "Compare-at price"),
    "quantity": (
        "Variant Inventory Qty",
        "Variant Inventory Quantity",
        "Inventory Qty",
        "Inventory Quantity",
    ),
    "policy": (
        "Variant Inventory Policy",
        "Inventory Policy",
        "Continue selling when out of stock",
    ),
    "tracker": ("Variant Inventory Tracker", "Inventory Tracker"),
    "image": ("Image Src", "Image URL", "Image"),
    "variant_image": ("Variant Image", "Variant Image URL"),
    **{f"custom_label_{n}": (f"Google Shopping / Custom Label {n}",) for n in range(5)},
    **{f"option{n}_name": (f"Option{n} Name",) for n in (1, 2, 3)},
    **{f"option{n}_value": (f"Option{n} Value",) for n in (1, 2, 3)},
}
_PRODUCT_FIELDS = (
    *("title", "description", "brand", "product_type", "condition"),
    *(f"custom_label_{n}" for n in range(5)),
)
_DEFAULT_OPTION = ("title", "Default Title")


@dataclass
class _Handle:
    product: RawItem
    option_names: list[str]
    images: list[str] = field(default_factory=list)
    skipped: bool = False


class _ShopifyReader:
    def __init__(self, table: Table, name: str) -> None:
        self.table = table
        self.name = name
        self.columns = {key: table.find(*names) for key, names in COLUMNS.items()}
        self.feed = ParsedFeed(format="shopify_csv")

    def value(self, row: TableRow, key: str) -> str:
        return row.value(self.columns[key])

    def label(self, key: str) -> str:
        return self.table.label(self.columns[key], COLUMNS[key][0])

    def problem(self, line: int, key: str, reason: str, *, skipped: bool) -> None:
        self.feed.problems.append(RowProblem(self.name, line, self.label(key), reason, skipped))

    def read(self) -> ParsedFeed:
        handles: dict[str, _Handle] = {}
        for row in self.table.rows:
            handle = self.value(row, "handle")
            if not handle:
                self.problem(row.line, "handle", "missing", skipped=True)
                continue
            if handle not in handles:
                handles[handle] = self._start(handle, row)
            entry = handles[handle]
            if entry.skipped:
                continue
            image = self.value(row, "image")
            if image and image not in entry.images:
                entry.images.append(image)
            if any(self.value(row, key) for key in ("price", "sku", "option1_value")):
                entry.product.variants.append(self._variant(handle, entry, row))
        for entry in handles.values():
            if not entry.skipped:
                self.feed.items.append(self._finish(entry))
        return self.feed

    def _start(self, handle: str, row: TableRow) -> _Handle:
        product = RawItem(line=row.line)
        product.set("id", handle, label=self.label("handle"))
        product.labels["price"] = self.label("price")
        for key in _PRODUCT_FIELDS:
            if self.columns[key]:
                product.set(key, self.value(row, key), label=self.label(key))
        names = [self.value(row, f"option{n}_name") for n in (1, 2, 3)]
        entry = _Handle(product, names)
        status = self.value(row, "status").lower()
        published = self.value(row, "published").lower()
        if status in ("draft", "archived"):
            self.problem(row.line, "status", f"product is {status}, not for sale", skipped=True)
            entry.skipped = True
        elif published in ("false", "no", "0"):
            self.problem(row.line, "published", "product is not published", skipped=True)
            entry.skipped = True
        return entry

    def _variant(self, handle: str, entry: _Handle, row: TableRow) -> RawItem:
        variant = RawItem(line=row.line)
        number = len(entry.product.variants) + 1
        sku = self.value(row, "sku")
        variant.set("id", sku or f"{handle}-{number}", label=self.label("sku"))
        for n, name in enumerate(entry.option_names, start=1):
            value = self.value(row, f"option{n}_value")
            if value and (name.lower(), value) != _DEFAULT_OPTION:
                variant.options[option_key(name or f"Option{n}")] = value
        variant.set("title", " / ".join(variant.options.values()))
        variant.set("image_link", self.value(row, "variant_image"))
        self._prices(variant, row)
        availability = self._availability(row)
        if availability:
            variant.set("availability", availability, label=self.label("quantity"))
        return variant

    def _prices(self, variant: RawItem, row: TableRow) -> None:
        """Compare-at above price means a sale: GMC's price is the compare-at one."""
        price, compare = self.value(row, "price"), self.value(row, "compare_at")
        variant.set("price", price, label=self.label("price"))
        if not compare:
            return
        try:
            compare_amount = split_money(compare)[0]
        except ValueError:
            self.problem(row.line, "compare_at", f"{shown(compare)} is not a price", skipped=False)
            return
        try:
            on_sale = compare_amount > split_money(price)[0]
        except ValueError:
            return  # the price itself is reported by the field rules
        if on_sale:
            variant.set("price", compare, label=self.label("compare_at"))
            variant.set("sale_price", price, label=self.label("price"))

    def _availability(self, row: TableRow) -> str:
        if self.columns["tracker"] and not self.value(row, "tracker"):
            return "in_stock"  # Shopify does not track this variant's stock: always sold
        quantity = self.value(row, "quantity")
        if not quantity:
            return ""
        try:
            count = int(quantity)
        except ValueError:
            reason = f"{shown(quantity)} is not a whole number"
            self.problem(row.line, "quantity", reason, skipped=False)
            return ""
        policy = self.value(row, "policy").lower()
        return from_quantity(count, sells_when_out=policy in ("continue", "true", "yes"))

    def _finish(self, entry: _Handle) -> RawItem:
        product = entry.product
        if entry.images:
            product.set("image_link", entry.images[0], label=self.label("image"))
            product.lists["additional_image_link"] = entry.images[1:]
        if len(product.variants) == 1 and not product.variants[0].options:
            # A product with no options: its one variant's price is the product's.
            only = product.variants.pop()
            for key in ("price", "sale_price", "availability"):
                if key in only.fields:
                    product.set(key, only.fields[key], label=only.label(key), line=only.line)
        return product


def read_shopify(table: Table, name: str) -> ParsedFeed:
    """Products of a Shopify export; draft, archived and unpublished ones are refused."""
    return _ShopifyReader(table, name).read()
