"""Delimited text (CSV, TSV, `;` or `|` separated) read into rows that know their line."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from host.errors import CatalogError

DELIMITERS = ("\t", ",", ";", "|")


@dataclass(frozen=True)
class TableRow:
    """One record; `line` is where it starts (a quoted cell may span several lines)."""

    line: int
    cells: tuple[str, ...]

    def value(self, columns: tuple[int, ...]) -> str:
        """The first non-blank cell among `columns`, stripped."""
        for column in columns:
            if column < len(self.cells) and self.cells[column].strip():
                return self.cells[column].strip()
        return ""

    def values(self, columns: tuple[int, ...]) -> list[str]:
        return [
            self.cells[c].strip() for c in columns if c < len(self.cells) and self.cells[c].strip()
        ]


@dataclass(frozen=True)
class Table:
    """A header and the rows below it."""

    delimiter: str
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]

    def find(self, *names: str) -> tuple[int, ...]:
        """Columns whose header is one of `names`, compared by `squash`, in `names` order."""
        keys = [squash(h) for h in self.header]
        return tuple(i for name in names for i, key in enumerate(keys) if key == squash(name))

    def label(self, columns: tuple[int, ...], fallback: str) -> str:
        """The header of the first of `columns`: how the file names that field."""
        return self.header[columns[0]].strip() if columns else fallback


def squash(name: str) -> str:
    """A header compared loosely: case, spaces, punctuation and GMC's "g:" prefix dropped."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lower().removeprefix("g:"))


def sniff_delimiter(header_line: str) -> str:
    """The separator the header line uses most, outside quotes; ties go to tab, then comma."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","


def header_names(text: str) -> tuple[str, ...]:
    """The first non-blank line split by its sniffed separator (for telling formats apart)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return tuple(next(csv.reader([first], delimiter=sniff_delimiter(first)), []))
    except csv.Error:
        return ()


def read_table(text: str, name: str) -> Table:
    """The header and rows of a delimited file; CatalogError when it cannot be split at all."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: tuple[str, ...] | None = None
    rows: list[TableRow] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = tuple(record)
            else:
                rows.append(TableRow(line, tuple(record)))
    except csv.Error as error:
        raise CatalogError(f"{name}: broken CSV at line {start}: {error}") from error
    return Table(delimiter, header or (), tuple(rows))
