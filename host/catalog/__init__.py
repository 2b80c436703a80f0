"""Catalog importers: every supported feed becomes the one `Product` model."""
