"""Pitch writers backed by a chat model, grounded in the catalog and checked before air."""
