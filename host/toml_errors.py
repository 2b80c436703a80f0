"""TOML syntax errors in the words the rest of Hostcast uses: the line first."""

from __future__ import annotations

import re
import tomllib


def toml_message(exc: tomllib.TOMLDecodeError) -> str:
    """tomllib ends its messages with "(at line 3, column 7)"; lead with the line instead."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if found:
        return f"line {found.group(1)}: {message[: found.start()]}"
    if "(at end of document)" in message:
        return f"end of file: {message.replace(' (at end of document)', '')}"
    return message
