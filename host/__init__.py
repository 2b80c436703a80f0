"""Hostcast's talent: what the virtual host says and how it looks."""

__version__ = "0.1.0"
