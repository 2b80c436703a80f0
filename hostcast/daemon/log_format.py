"""The daemon's log lines: readable text, or one JSON object per line for a log collector.

A record may carry a `channel` attribute (`log.info(..., extra={"channel": name})`); both
formats show it, so a line forwarded from a channel's process names that channel.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

FORMATS = ("text", "json")


def _moment(record: logging.LogRecord) -> str:
    """The record's time in UTC to the millisecond: `2026-03-28T19:00:00.123Z`."""
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, channel (when known), message."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": _moment(record),
            "level": record.levelname,
            "logger": record.name,
        }
        channel = getattr(record, "channel", None)
        if channel is not None:
            line["channel"] = str(channel)
        line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`2026-03-28T19:00:00.123Z WARNING hostcast.daemon [beauty] message`."""

    def format(self, record: logging.LogRecord) -> str:
        channel = getattr(record, "channel", None)
        where = f" [{channel}]" if channel is not None else ""
        text = f"{_moment(record)} {record.levelname} {record.name}{where} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure(log_format: str, stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Send every log record (root logger) to `stream` (stderr) in `log_format`."""
    if log_format not in FORMATS:
        raise ValueError(f"log format {log_format!r}: expected one of {', '.join(FORMATS)}")
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
