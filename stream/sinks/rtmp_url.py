"""RTMP URLs: checked before anything airs, and shown without their stream key."""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEMES = ("rtmp", "rtmps")


def parse_rtmp_url(url: str) -> str:
    """The URL, stripped, if it is rtmp:// or rtmps:// with a host and an application."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES:
        raise ValueError(
            f"{redact_rtmp_url(text)!r} is not an RTMP URL: expected "
            "rtmp://host/app/stream-key or rtmps://host/app/stream-key"
        )
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as error:
        raise ValueError(f"{redact_rtmp_url(text)!r}: bad port ({error})") from None
    if not host:
        raise ValueError(f"{redact_rtmp_url(text)!r} has no host: expected rtmp://host/app/key")
    if not parts.path.strip("/"):
        raise ValueError(
            f"{redact_rtmp_url(text)!r} names no application: expected rtmp://host/app/key"
        )
    return text


def redact_rtmp_url(url: str) -> str:
    """The URL with its stream key, query and password hidden, safe for logs and health."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    segments = [s for s in parts.path.split("/") if s]
    path = f"/{segments[0]}" if segments else ""
    hidden = "/***" if len(segments) > 1 or parts.query else ""
    return f"{parts.scheme}://{host}{port}{path}{hidden}"
