"""`--at`, which several commands share, parsed into a checked value."""

from __future__ import annotations

from datetime import UTC, datetime

from host.errors import ConfigError


def moment(text: str | None) -> datetime:
    """`--at`: an ISO date and time (UTC when it has no offset), or now."""
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--at: {text!r} is not an ISO date and time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
