"""What a catalog load produced: the products, the rows it refused, and what it assumed."""

from __future__ import annotations

from dataclasses import dataclass

from host.catalog.model import Product

FORMAT_NAMES = {
    "gmc_rss": "Google Merchant Center RSS feed",
    "gmc_atom": "Google Merchant Center Atom feed",
    "gmc_tsv": "Google Merchant Center TSV",
    "gmc_csv": "Google Merchant Center CSV",
    "shopify_csv": "Shopify product CSV",
    "woocommerce_csv": "WooCommerce product CSV",
    "json": "JSON product list",
    "yaml": "YAML product list",
}


@dataclass(frozen=True)
class RowProblem:
    """One field or row of a catalog that could not be used, and whether the row was lost."""

    file: str
    line: int
    field: str
    reason: str
    skipped: bool

    def __str__(self) -> str:
        outcome = "row skipped" if self.skipped else "field ignored"
        where = f"{self.file}:{self.line}:"
        what = f" {self.field}:" if self.field else ""
        return f"{where}{what} {self.reason} ({outcome})"


@dataclass(frozen=True)
class CatalogLoad:
    """The result of reading one catalog file."""

    path: str
    format: str
    products: tuple[Product, ...]
    problems: tuple[RowProblem, ...]
    notices: tuple[str, ...]

    @property
    def variant_count(self) -> int:
        return sum(len(product.variants) for product in self.products)

    def summary(self) -> str:
        """What a person reads after an import: what loaded, what did not, what was assumed."""
        kind = FORMAT_NAMES.get(self.format, self.format)
        lines = [
            f"{self.path}: {kind}",
            f"{_count(len(self.products), 'product')}, {_count(self.variant_count, 'variant')}",
        ]
        skipped = [p for p in self.problems if p.skipped]
        ignored = [p for p in self.problems if not p.skipped]
        if skipped:
            rows = len({p.line for p in skipped})
            lines.append(f"{_count(rows, 'row')} skipped:")
            lines.extend(f"  {problem}" for problem in skipped)
        if ignored:
            lines.append(f"{_count(len(ignored), 'field')} ignored:")
            lines.extend(f"  {problem}" for problem in ignored)
        if self.notices:
            lines.append("Notices:")
            lines.extend(f"  {notice}" for notice in self.notices)
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
