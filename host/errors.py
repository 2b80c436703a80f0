"""The one tree of errors Hostcast raises for its callers' mistakes."""

from __future__ import annotations


class HostcastError(Exception):
    """Base of every error Hostcast raises on purpose."""


class CatalogError(HostcastError):
    """A catalog file cannot be read at all (missing, unreadable, unrecognised)."""


class TemplateError(HostcastError):
    """A pitch template is missing, broken, or tried something the sandbox refuses."""


class ConfigError(HostcastError):
    """A command-line option or profile value is invalid."""


class VoiceError(HostcastError):
    """A voice cannot speak a text, or cannot be set up as asked."""


class AvatarError(HostcastError):
    """An avatar pack is missing, broken, or asked for at a size it cannot be drawn."""


class FetchError(HostcastError):
    """A URL cannot be fetched within its limits, or what it serves is refused.

    `kind` sorts the reason for counters: timeout, too_big, redirects, scheme, http_404...
    """

    def __init__(self, message: str, kind: str = "failed") -> None:
        super().__init__(message)
        self.kind = kind


class StateError(HostcastError):
    """The state database cannot be opened, read or written."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none), for a report."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
