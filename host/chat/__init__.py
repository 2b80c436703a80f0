"""Viewers' messages understood and answered from the catalog: a library, no I/O."""
