"""RTMP URLs: checked before anything airs."""

from __future__ import annotations

from stream.ingest_url import check_url


def parse_rtmp_url(url: str) -> str:
    """The URL, stripped, if it is rtmp:// or rtmps:// with a host and an application."""
    return check_url(
        url,
        schemes=("rtmp", "rtmps"),
        kind="an RTMP",
        example="rtmp://host/app/stream-key or rtmps://host/app/stream-key",
        need_path=True,
    )
