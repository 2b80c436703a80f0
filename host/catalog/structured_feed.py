"""Plain JSON or YAML catalogs: a list of products on GMC field names, or {"products": [...]}."""

from __future__ import annotations

import re

from host.catalog.raw_item import ParsedFeed, RawItem, option_key, shown
from host.catalog.report import RowProblem
from host.catalog.structured_tree import Node
from host.errors import CatalogError

LIST_KEYS = ("products", "items")
LIST_FIELDS = ("additional_image_link", "product_highlight")
VARIANT_FIELDS = (
    "id",
    "title",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "availability",
    "image_link",
)
_ISO_CODE = re.compile(r"[A-Z]{3}")


class _StructuredReader:
    def __init__(self, name: str, format: str) -> None:
        self.name = name
        self.feed = ParsedFeed(format=format)

    def problem(self, line: int, field: str, reason: str, *, skipped: bool) -> None:
        self.feed.problems.append(RowProblem(self.name, line, field, reason, skipped))

    def read(self, root: Node) -> ParsedFeed:
        currency: str | None = None
        if isinstance(root.value, dict):
            fields = {_key(k): v for k, v in root.value.items()}
            listed = next((fields[k] for k in LIST_KEYS if k in fields), None)
            if listed is None:
                raise CatalogError(
                    f'{self.name}: has no "products" list (expected a list of products, '
                    'or an object with a "products" list)'
                )
            if not isinstance(listed.value, tuple):
                raise CatalogError(f'{self.name}: line {listed.line}: "products" is not a list')
            language = fields.get("language")
            if language is not None and isinstance(language.value, str):
                self.feed.language = language.value.strip()
            currency = self._currency(fields.get("currency"), None)
            products = listed.value
        elif isinstance(root.value, tuple):
            products = root.value
        else:
            raise CatalogError(f"{self.name}: holds a single value, not a list of products")
        for node in products:
            item = self._item(node, currency, variant=False)
            if item is not None:
                self.feed.items.append(item)
        return self.feed

    def _item(self, node: Node, currency: str | None, *, variant: bool) -> RawItem | None:
        if not isinstance(node.value, dict):
            kind = "variant" if variant else "product"
            self.problem(node.line, "", f"is not a {kind} object", skipped=True)
            return None
        item = RawItem(line=node.line)
        fields = {_key(k): (k, v) for k, v in node.value.items()}
        item.currency = self._currency(fields.get("currency", ("", None))[1], currency)
        for key, (label, child) in fields.items():
            if key == "currency":
                continue
            if key == "variants" and not variant:
                self._variants(item, label, child)
            elif key in LIST_FIELDS:
                item.lists[key] = self._texts(label, child)
                item.labels[key], item.lines[key] = label, child.line
            elif key == "options" and variant and isinstance(child.value, dict):
                for name, value in child.value.items():
                    self._option(item, name, value)
            elif variant and key not in VARIANT_FIELDS:
                self._option(item, label, child)
            elif isinstance(child.value, str):
                item.set(key, child.value, label=label, line=child.line)
            else:
                self.problem(child.line, label, "is a list or object, not text", skipped=False)
        return item

    def _variants(self, item: RawItem, label: str, node: Node) -> None:
        if not isinstance(node.value, tuple):
            self.problem(node.line, label, "is not a list", skipped=False)
            return
        for child in node.value:
            variant = self._item(child, item.currency, variant=True)
            if variant is not None:
                item.variants.append(variant)

    def _option(self, item: RawItem, name: str, node: Node) -> None:
        if isinstance(node.value, str):
            item.options[option_key(name)] = node.value
        else:
            self.problem(node.line, name, "is a list or object, not text", skipped=False)

    def _texts(self, label: str, node: Node) -> list[str]:
        """A field that may repeat: one text, or a list of texts."""
        if isinstance(node.value, str):
            return [node.value]
        values = node.value.values() if isinstance(node.value, dict) else node.value
        texts = [child.value for child in values if isinstance(child.value, str)]
        if len(texts) != len(values):
            self.problem(node.line, label, "holds lists or objects, not only text", skipped=False)
        return texts

    def _currency(self, node: Node | None, inherited: str | None) -> str | None:
        if node is None or node.value == "":
            return inherited
        code = node.value.strip().upper() if isinstance(node.value, str) else ""
        if _ISO_CODE.fullmatch(code):
            return code
        shown_value = shown(node.value) if isinstance(node.value, str) else "a list or object"
        reason = f"{shown_value} is not an ISO 4217 code like EUR"
        self.problem(node.line, "currency", reason, skipped=False)
        return inherited


def _key(name: str) -> str:
    """A key compared loosely: "Sale Price", "sale-price" and "g:sale_price" are one field."""
    return re.sub(r"[\s-]+", "_", name.strip().lower().removeprefix("g:"))


def read_structured(root: Node, name: str, format: str) -> ParsedFeed:
    """Raw items of a JSON or YAML catalog; the top-level currency and language apply to all."""
    return _StructuredReader(name, format).read(root)
