"""Generated pitches kept in SQLite, so a restart does not ask the model again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path

from host.catalog.model import Product
from host.script.line import Line

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pitches (
    product_id TEXT NOT NULL,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    style TEXT NOT NULL,
    model TEXT NOT NULL,
    lines TEXT NOT NULL,
    PRIMARY KEY (product_id, version, kind, lang, style, model)
)
"""


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
    """Lines by (product, price version, kind, lang, style, model) in one SQLite file (WAL)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    @staticmethod
    def _key(
        product: Product | None, kind: str, lang: str, style: str, model: str, now: datetime
    ) -> tuple[str, ...]:
        if product is None:
            return ("", "", kind, lang, style, model)
        return (product.id, price_version(product, now), kind, lang, style, model)

    def get(
        self, product: Product | None, kind: str, lang: str, style: str, model: str, now: datetime
    ) -> list[Line] | None:
        """The lines stored for this key, or None."""
        key = self._key(product, kind, lang, style, model, now)
        row = self._db.execute(
            "SELECT lines FROM pitches WHERE product_id=? AND version=? AND kind=? AND lang=? "
            "AND style=? AND model=?",
            key,
        ).fetchone()
        if row is None:
            return None
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
            for item in json.loads(row[0])
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
        key = self._key(product, kind, lang, style, model, now)
        blob = json.dumps([_line_row(line) for line in lines], ensure_ascii=False)
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO pitches VALUES (?, ?, ?, ?, ?, ?, ?)", (*key, blob)
            )

    def close(self) -> None:
        self._db.close()
