"""Ingest URLs (RTMP, WHIP): checked before anything airs, shown without their secrets."""

from __future__ import annotations

from urllib.parse import urlsplit


def check_url(url: str, *, schemes: tuple[str, ...], kind: str, example: str,
              need_path: bool) -> str:
    """The URL, stripped, if its scheme is one of `schemes` and it has a host (and a path)."""
    text = url.strip()
    parts = urlsplit(text)
    shown = redact_url(text)
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"{shown!r} is not {kind} URL: expected {example}")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as error:
        raise ValueError(f"{shown!r}: bad port ({error})") from None
    if not host:
        raise ValueError(f"{shown!r} has no host: expected {example}")
    if need_path and not parts.path.strip("/"):
        raise ValueError(f"{shown!r} names no application: expected {example}")
    return text


def redact_url(url: str) -> str:
    """The URL with all past its first path segment, its query and password hidden.

    Ingests put the stream key in the path (rtmp://host/app/<key>, .../<key>/whip) or
    in the query, so only the first segment is safe to show in logs and health.
    """
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
