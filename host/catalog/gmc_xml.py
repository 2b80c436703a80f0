"""Google Merchant Center XML feeds (RSS 2.0 `<item>` or Atom `<entry>`) read with expat."""

from __future__ import annotations

from xml.parsers import expat

from host.catalog.raw_item import ParsedFeed, RawItem
from host.errors import CatalogError

GMC_NS = "http://base.google.com/ns/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
_PLAIN_FIELDS = {"title": "title", "link": "link", "description": "description"}
_ATOM_FIELDS = {
    "title": "title",
    "link": "link",
    "summary": "description",
    "content": "description",
}
_REPEATED = {"additional_image_link", "product_highlight"}


class _Refused(Exception):
    """A construct this reader will not process (DTDs and entity declarations)."""


class _FeedReader:
    """Expat handlers: collect each item's direct children as GMC fields, with their lines."""

    def __init__(self, parser: expat.XMLParserType, name: str) -> None:
        self.parser = parser
        self.name = name
        self.kind = ""
        self.stack: list[str] = []
        self.feed = ParsedFeed(format="gmc_rss")
        self.item: RawItem | None = None
        self.item_depth = 0
        self.field = ""
        self.field_line = 0
        self.text_depth = 0
        self.text: list[str] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, _, local = tag.rpartition(" ")
        depth = len(self.stack)
        self.stack.append(tag)
        if depth == 0:
            self._root(namespace, local)
        elif self.item is None:
            if self._is_item(depth, local):
                self.item = RawItem(line=self.parser.CurrentLineNumber)
                self.item_depth = depth
            elif self.kind == "rss" and depth == 2 and local == "language" and not namespace:
                self._open_field("language")
        elif depth == self.item_depth + 1:
            self._open_field(self._field_name(namespace, local))
            if self.field == "link" and self.kind == "atom":
                self._atom_link(attributes)

    def end(self, tag: str) -> None:
        self.stack.pop()
        depth = len(self.stack)
        if self.item is None:
            if self.field == "language" and depth == 2:
                self.feed.language = "".join(self.text).strip()
                self.field = ""
            return
        if depth == self.item_depth + 1 and self.field:
            self._store(self.item, tag, "".join(self.text).strip())
            self.field = ""
        elif depth == self.item_depth:
            self.feed.items.append(self.item)
            self.item = None

    def characters(self, data: str) -> None:
        # Only text directly inside a field: g:shipping's own g:price is not the item's.
        if self.field and len(self.stack) == self.text_depth:
            self.text.append(data)

    def _open_field(self, field: str) -> None:
        self.field, self.text = field, []
        self.field_line = self.parser.CurrentLineNumber
        self.text_depth = len(self.stack)

    def refuse(self, *_: object) -> None:
        raise _Refused

    def _root(self, namespace: str, local: str) -> None:
        if local == "rss" and not namespace:
            self.kind = "rss"
        elif local == "feed" and namespace in ("", ATOM_NS):
            self.kind, self.feed.format = "atom", "gmc_atom"
        else:
            raise CatalogError(
                f"{self.name}: XML root is <{local}>, not a Merchant Center <rss> or <feed>"
            )

    def _is_item(self, depth: int, local: str) -> bool:
        if self.kind == "rss":
            return depth == 2 and local == "item" and self.stack[1].endswith("channel")
        return depth == 1 and local == "entry"

    def _field_name(self, namespace: str, local: str) -> str:
        if namespace == GMC_NS:
            return local
        if self.kind == "rss" and not namespace:
            return _PLAIN_FIELDS.get(local, "")
        if self.kind == "atom" and namespace in ("", ATOM_NS):
            return _ATOM_FIELDS.get(local, "")
        return ""

    def _atom_link(self, attributes: dict[str, str]) -> None:
        if attributes.get("rel", "alternate") == "alternate" and self.item is not None:
            self._store(self.item, "", attributes.get("href", "").strip())
        self.field = ""

    def _store(self, item: RawItem, tag: str, value: str) -> None:
        line = self.field_line
        if self.field in _REPEATED:
            item.lists.setdefault(self.field, []).append(value)
            item.lines.setdefault(self.field, line)
        elif value and (tag.startswith(GMC_NS) or not item.get(self.field)):
            # A g: value wins over a plain RSS one of the same name.
            item.set(self.field, value, line=line)


def read_gmc_xml(text: str, name: str) -> ParsedFeed:
    """Items of a GMC RSS or Atom feed; CatalogError for broken XML or any DTD."""
    parser = expat.ParserCreate(namespace_separator=" ")
    reader = _FeedReader(parser, name)
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    parser.StartDoctypeDeclHandler = reader.refuse
    parser.EntityDeclHandler = reader.refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise CatalogError(
            f"{name}: broken XML at line {error.lineno}, column {error.offset + 1}: "
            f"{expat.ErrorString(error.code)}"
        ) from error
    except _Refused as error:
        raise CatalogError(
            f"{name}: line {parser.CurrentLineNumber}: DOCTYPE and entity declarations are "
            "refused (they can expand without limit or read other files)"
        ) from error
    return reader.feed
