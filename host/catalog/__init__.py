"""Catalog importers: every supported feed becomes the one `Product` model."""

from host.catalog.loader import load_catalog, load_catalog_bytes
from host.catalog.report import CatalogLoad, RowProblem

__all__ = ["CatalogLoad", "RowProblem", "load_catalog", "load_catalog_bytes"]
