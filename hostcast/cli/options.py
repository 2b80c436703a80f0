"""Options several commands share, parsed into checked values."""

from __future__ import annotations

from datetime import UTC, datetime

from host.catalog.model import Product
from host.errors import ConfigError
from hostcast.show_settings import show_language


def moment(text: str | None) -> datetime:
    """`--at`: an ISO date and time (UTC when it has no offset), or now."""
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--at: {text!r} is not an ISO date and time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def language(requested: str | None, products: tuple[Product, ...]) -> str:
    """`--lang`, else the catalog's language, else English."""
    try:
        return show_language(requested or None, products)
    except ValueError as exc:
        raise ConfigError(f"--lang: {exc}") from None


def frame_size(text: str) -> tuple[int, int]:
    """`--size WxH`."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ConfigError(f"--size: {text!r} is not WIDTHxHEIGHT, e.g. 720x1280") from None
    return width, height
