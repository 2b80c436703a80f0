"""A line of script: what the host says, what the screen shows, and the facts it states."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Line:
    """One utterance of a script (a sentence or two), in spoken and caption form."""

    text: str
    caption: str
    kind: str
    lang: str
    product_id: str | None = None
    facts: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))
