"""Descriptions written in HTML (Shopify, WooCommerce, GMC CDATA) turned into clean text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody"),
        *("thead", "tfoot", "tr", "ul"),
    }
)
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "iframe", "svg", "object"})
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_SENTENCE_END = (".", "!", "?", "…", ":", ";")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[list[str], bool]] = [([], False)]
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCK:
            self.blocks.append(([], tag == "li"))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self.blocks.append(([], False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.blocks.append(([], False))

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.blocks[-1][0].append(data)


def html_to_text(text: str) -> str:
    """Text without tags: blocks on their own lines, list items as sentences."""
    if not _MARKUP.search(text):
        return _plain(text)
    collector = _TextCollector()
    try:
        collector.feed(text)
        collector.close()
    except AssertionError:
        # html.parser asserts on some malformed declarations ("<![x["); strip tags crudely.
        return _plain(re.sub(r"<[^>]*>?", "\n", text))
    lines = []
    for parts, is_item in collector.blocks:
        line = " ".join("".join(parts).split())
        if not line:
            continue
        if is_item and not line.endswith(_SENTENCE_END):
            line += "."
        lines.append(line)
    return "\n".join(lines)


def clean_line(text: str) -> str:
    """One line of clean text (a title, a brand): tags dropped, whitespace collapsed."""
    return " ".join(html_to_text(text).split())


def _plain(text: str) -> str:
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)
