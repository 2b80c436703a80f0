"""Every line refused before air, as JSON lines: when, which product, what, and why."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from host.script.line import Line

log = logging.getLogger(__name__)


class AuditLog:
    """Appends one JSON object per refused line to `path`; a failing disk only warns."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def refused(
        self, line: Line, product_id: str | None, at: datetime, reasons: Sequence[str]
    ) -> None:
        entry = {
            "time": at.isoformat(),
            "product_id": product_id,
            "lang": line.lang,
            "kind": line.kind,
            "source": line.source,
            "text": line.text,
            "caption": line.caption,
            "reasons": list(reasons),
        }
        try:
            with self._lock, self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError as err:
            log.warning("audit log %s: cannot write (%s)", self.path, err)
