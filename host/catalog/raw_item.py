"""What every importer hands to the shared field rules: raw values under GMC field names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from host.catalog.report import RowProblem

# GMC attributes that name a variant option, and the spellings shops use for them.
OPTION_FIELDS = ("color", "size", "material", "pattern", "age_group", "gender")
_OPTION_ALIASES = {"colour": "color", "agegroup": "age_group"}


@dataclass
class RawItem:
    """One product (or variant) as read from a file, before any value is checked."""

    line: int
    fields: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    variants: list[RawItem] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # GMC name -> the file's own name
    lines: dict[str, int] = field(default_factory=dict)  # GMC name -> its line, when known
    currency: str | None = None  # for prices written as bare numbers

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    def all(self, name: str) -> list[str]:
        return [value.strip() for value in self.lists.get(name, []) if value.strip()]

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def set(self, name: str, value: str, label: str = "", line: int = 0) -> None:
        """Store a value with the column or key it came from (for problem messages)."""
        self.fields[name] = value
        if label:
            self.labels[name] = label
        if line:
            self.lines[name] = line


@dataclass
class ParsedFeed:
    """An importer's output: raw items, plus what it already refused or assumed."""

    format: str
    items: list[RawItem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    language: str = ""


def option_key(name: str) -> str:
    """A variant option's key: GMC's name when it is one ("Colour" -> "color"), else as written."""
    squashed = re.sub(r"[\s_-]+", "", name.strip().lower())
    if squashed in _OPTION_ALIASES:
        return _OPTION_ALIASES[squashed]
    for gmc in OPTION_FIELDS:
        if squashed == gmc.replace("_", ""):
            return gmc
    return name.strip()


def shown(value: str, limit: int = 40) -> str:
    """A raw value quoted for a one-line message, cut when long."""
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return repr(value)
