"""Generated pitches kept in SQLite, so a restart does not ask the model again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from host.catalog.model import Product
from host.errors import ConfigError
from host.script.line import Line

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pitch_variants (
    product_id TEXT NOT NULL,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    style TEXT NOT NULL,
    model TEXT NOT NULL,
    variant INTEGER NOT NULL,
    lines TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, version, kind, lang, style, model, variant)
)
"""
_KEY = "product_id=? AND version=? AND kind=? AND lang=? AND style=? AND model=?"

def price_version(product: Product, now: datetime) -> str:
    """A hash of everything a pitch states: prices, sale, texts, options; a new price, a new key."""
    window = product.sale_price_effective_date
    facts = {
        "price": str(product.price),
        "sale_price": str(product.sale_price) if product.sale_price else None,
        "sale_active": product.sale_active(now),
        "sale_start": window.start.isoformat() if window and window.start else None,
        "sale_end": window.end.isoformat() if window and window.end else None,
        "title": product.title,
        "brand": product.brand,
        "description": product.description,
        "highlights": list(product.product_highlights),
        "options": product.option_values(available_only=True),
        "orderable": product.orderable,
        "availability": product.availability.value,
    }
    blob = json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def _line_row(line: Line) -> dict[str, object]:
    return {
        "text": line.text,
        "caption": line.caption,
        "facts": dict(line.facts),
        "source": line.source,
        "product_id": line.product_id,
    }


class PitchCache:
    """Lines by (product, price version, kind, lang, style, model) in one SQLite file (WAL).

    Each key keeps up to `variants` answers, so a product that comes back every few minutes
    is not pitched with the very same words all night. Safe to share between threads.
    """

    def __init__(self, path: Path | str, variants: int = 4) -> None:
        if variants < 1:
            raise ValueError(f"variants must be at least 1, got {variants}")
        self.path = Path(path)
        self.variants = variants
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"pitch cache {self.path}: {exc}") from None
        self._lock = threading.Lock()

    @staticmethod
    def _key(
        product: Product | None, kind: str, lang: str, style: str, model: str, now: datetime
    ) -> tuple[str, ...]:
        if product is None:
            return ("", "", kind, lang, style, model)
        return (product.id, price_version(product, now), kind, lang, style, model)

    def count(
        self, product: Product | None, kind: str, lang: str, style: str, model: str, now: datetime
    ) -> int:
        """How many answers are stored for this key."""
        key = self._key(product, kind, lang, style, model, now)
        with self._lock:
            row = self._db.execute(f"SELECT COUNT(*) FROM pitch_variants WHERE {_KEY}", key)
            return int(row.fetchone()[0])

    def get(
        self, product: Product | None, kind: str, lang: str, style: str, model: str, now: datetime
    ) -> list[Line] | None:
        """The stored answer aired least often for this key (now counted once more), or None."""
        key = self._key(product, kind, lang, style, model, now)
        with self._lock, self._db:
            row = self._db.execute(
                f"SELECT variant, lines FROM pitch_variants WHERE {_KEY} "
                "ORDER BY used, variant LIMIT 1",
                key,
            ).fetchone()
            if row is None:
                return None
            self._db.execute(
                f"UPDATE pitch_variants SET used = used + 1 WHERE {_KEY} AND variant=?",
                (*key, row[0]),
            )
        return [
            Line(
                text=item["text"],
                caption=item["caption"],
                kind=kind,
                lang=lang,
                product_id=item["product_id"],
                facts=item["facts"],
                source=item["source"],
            )
            for item in json.loads(row[1])
        ]

    def put(
        self,
        product: Product | None,
        kind: str,
        lang: str,
        style: str,
        model: str,
        now: datetime,
        lines: list[Line],
    ) -> None:
        """Stores a new answer (already aired once), replacing the most aired one when full."""
        key = self._key(product, kind, lang, style, model, now)
        blob = json.dumps([_line_row(line) for line in lines], ensure_ascii=False)
        with self._lock, self._db:
            taken = [
                row[0]
                for row in self._db.execute(
                    f"SELECT variant FROM pitch_variants WHERE {_KEY} ORDER BY used DESC", key
                )
            ]
            free = [n for n in range(self.variants) if n not in taken]
            variant = free[0] if free else taken[0]
            self._db.execute(
                "INSERT OR REPLACE INTO pitch_variants VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (*key, variant, blob),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
