"""WooCommerce product CSV exports: simple products, and variable ones joined to variations."""

from __future__ import annotations

import re

from host.catalog.availability import from_quantity
from host.catalog.raw_item import ParsedFeed, RawItem, option_key, shown
from host.catalog.report import RowProblem
from host.catalog.table import Table, TableRow, squash

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("ID",),
    "type": ("Type",),
    "sku": ("SKU",),
    "name": ("Name",),
    "published": ("Published",),
    "short_description": ("Short description",),
    "description": ("Description",),
    "in_stock": ("In stock?",),
    "stock": ("Stock",),
    "backorders": ("Backorders allowed?",),
    "sale_price": ("Sale price",),
    "price": ("Regular price",),
    "sale_starts": ("Date sale price starts",),
    "sale_ends": ("Date sale price ends",),
    "categories": ("Categories",),
    "images": ("Images",),
    "parent": ("Parent",),
    "brand": ("Brands", "Brand"),
    "link": ("External URL",),
}
_ATTRIBUTE = re.compile(r"attribute(\d+)(name|values?)")
_TRUE = ("1", "yes", "true")


class _WooReader:
    def __init__(self, table: Table, name: str) -> None:
        self.table = table
        self.name = name
        self.columns = {key: table.find(*names) for key, names in COLUMNS.items()}
        self.attributes = _attribute_columns(table)
        self.feed = ParsedFeed(format="woocommerce_csv")

    def value(self, row: TableRow, key: str) -> str:
        return row.value(self.columns[key])

    def label(self, key: str) -> str:
        return self.table.label(self.columns[key], COLUMNS[key][0])

    def problem(self, line: int, key: str, reason: str) -> None:
        self.feed.problems.append(RowProblem(self.name, line, self.label(key), reason, True))

    def read(self) -> ParsedFeed:
        parents: dict[str, RawItem] = {}
        variations: list[TableRow] = []
        for row in self.table.rows:
            kinds = {kind.strip().lower() for kind in self.value(row, "type").split(",")}
            published = self.value(row, "published").lower()
            if published and published not in _TRUE:
                self.problem(row.line, "published", "product is not published (draft or private)")
            elif "variation" in kinds:
                variations.append(row)
            elif "grouped" in kinds:
                reason = "a grouped product has no price of its own; its products load alone"
                self.problem(row.line, "type", reason)
            else:
                item = self._product(row)
                self.feed.items.append(item)
                for key in (f"id:{self.value(row, 'id')}", self.value(row, "sku")):
                    if key not in ("id:", ""):
                        parents.setdefault(key, item)
        for row in variations:
            reference = self.value(row, "parent")
            parent = parents.get(reference) or parents.get(f"id:{reference}")
            if parent is None:
                why = f"parent {shown(reference)} is not in the file" if reference else "missing"
                self.problem(row.line, "parent", why)
            else:
                parent.variants.append(self._variation(row))
        return self.feed

    def _product(self, row: TableRow) -> RawItem:
        item = self._common(row)
        description = self.value(row, "description") or self.value(row, "short_description")
        # The exporter writes line breaks inside descriptions as a literal backslash-n.
        item.set("description", description.replace("\\n", "\n"))
        item.set("link", self.value(row, "link"))
        item.set("brand", self.value(row, "brand"), label=self.label("brand"))
        item.set("product_type", self.value(row, "categories").split(",")[0].strip())
        starts, ends = self.value(row, "sale_starts"), self.value(row, "sale_ends")
        if starts or ends:
            label = self.label("sale_starts" if starts else "sale_ends")
            item.set("sale_price_effective_date", f"{starts}/{ends}", label=label)
        images = [url.strip() for url in self.value(row, "images").split(",") if url.strip()]
        item.lists["additional_image_link"] = images[1:]
        return item

    def _variation(self, row: TableRow) -> RawItem:
        item = self._common(row)
        for name_columns, value_columns in self.attributes:
            name, value = row.value(name_columns), row.value(value_columns)
            if name and value:
                item.options[option_key(name)] = value
        return item

    def _common(self, row: TableRow) -> RawItem:
        """Fields products and variations share: id, name, prices, stock, first image."""
        item = RawItem(line=row.line)
        sku = self.value(row, "sku")
        item.set("id", sku or self.value(row, "id"), label=self.label("sku" if sku else "id"))
        item.set("title", self.value(row, "name"), label=self.label("name"))
        item.set("price", self.value(row, "price"), label=self.label("price"))
        item.set("sale_price", self.value(row, "sale_price"), label=self.label("sale_price"))
        item.set("image_link", self.value(row, "images").split(",")[0].strip())
        availability = self.value(row, "in_stock")
        if availability:
            item.set("availability", availability, label=self.label("in_stock"))
        elif self.value(row, "stock"):
            item.set("availability", self._from_stock(row), label=self.label("stock"))
        return item

    def _from_stock(self, row: TableRow) -> str:
        stock = self.value(row, "stock")
        try:
            count = int(stock)
        except ValueError:
            return stock  # the field rules report it as an unknown availability
        backorders = self.value(row, "backorders").lower()
        return from_quantity(count, sells_when_out=backorders in (*_TRUE, "notify"))


def _attribute_columns(table: Table) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """(name columns, value columns) of each "Attribute N name" / "Attribute N value(s)" pair."""
    names: dict[str, int] = {}
    values: dict[str, int] = {}
    for index, header in enumerate(table.header):
        match = _ATTRIBUTE.fullmatch(squash(header))
        if match:
            (names if match.group(2) == "name" else values).setdefault(match.group(1), index)
    numbers = sorted((n for n in names if n in values), key=lambda n: (len(n), n))
    return [((names[n],), (values[n],)) for n in numbers]


def read_woocommerce(table: Table, name: str) -> ParsedFeed:
    """Products of a WooCommerce export; a variation whose parent is missing is refused."""
    return _WooReader(table, name).read()
