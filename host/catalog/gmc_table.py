"""Google Merchant Center text feeds: a header of GMC attribute names, tab (or , ; |) separated."""

from __future__ import annotations

from host.catalog.raw_item import OPTION_FIELDS, ParsedFeed, RawItem
from host.catalog.table import Table

SINGLE_FIELDS = (
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "availability",
    "brand",
    "condition",
    "product_type",
    "item_group_id",
    "content_language",
    *(f"custom_label_{n}" for n in range(5)),
    *OPTION_FIELDS,
)
# Repeated attributes: several columns of the same name, or one comma-separated cell.
LIST_FIELDS = ("additional_image_link", "product_highlight")
_COMMA_SEPARATED = {"additional_image_link"}


def read_gmc_table(table: Table, name: str) -> ParsedFeed:
    """One raw item per row, under the file's own column names for messages."""
    feed = ParsedFeed(format="gmc_tsv" if table.delimiter == "\t" else "gmc_csv")
    single = {field: table.find(field) for field in SINGLE_FIELDS}
    lists = {field: table.find(field) for field in LIST_FIELDS}
    for row in table.rows:
        item = RawItem(line=row.line)
        for field, columns in single.items():
            if columns:
                item.set(field, row.value(columns), label=table.label(columns, field))
        for field, columns in lists.items():
            values = row.values(columns)
            if field in _COMMA_SEPARATED:
                values = [part for value in values for part in value.split(",")]
            item.lists[field] = values
            if columns:
                item.labels[field] = table.label(columns, field)
        feed.items.append(item)
    return feed
