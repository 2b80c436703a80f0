"""JSON and YAML documents read into a small tree of text values that remember their line."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from host.errors import CatalogError

# A catalog needs lines down to a variant's fields; deeper values are kept without lines.
_WALK_DEPTH = 6
_KEEP_DEPTH = 10
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Node:
    """Text, a list, or a mapping; `line` is where the value starts (1-based)."""

    value: str | tuple[Node, ...] | dict[str, Node]
    line: int


def json_tree(text: str, name: str) -> Node:
    """The JSON document as nodes; CatalogError naming line and column when it is broken."""
    # Numbers stay text: prices become Decimal later, never float.
    decoder = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)
    try:
        decoder.decode(text)
    except json.JSONDecodeError as error:
        raise CatalogError(
            f"{name}: broken JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from error
    except RecursionError as error:
        raise CatalogError(f"{name}: JSON is nested too deeply") from error
    return _JsonWalker(text, decoder).node(0, 0)[0]


class _JsonWalker:
    """Walks an already valid document with raw_decode to learn where each value starts."""

    def __init__(self, text: str, decoder: json.JSONDecoder) -> None:
        self.text = text
        self.decoder = decoder
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    def skip(self, index: int) -> int:
        match = _JSON_SPACE.match(self.text, index)
        return match.end() if match else index

    def node(self, index: int, depth: int) -> tuple[Node, int]:
        index = self.skip(index)
        line = bisect.bisect_right(self.newlines, index) + 1
        opening = self.text[index]
        if depth < _WALK_DEPTH and opening in "[{":
            return self._container(index + 1, depth, line, opening == "{")
        value, end = self.decoder.raw_decode(self.text, index)
        return _plain(value, line, depth), end

    def _container(self, index: int, depth: int, line: int, mapping: bool) -> tuple[Node, int]:
        items: list[Node] = []
        keys: list[str] = []
        index = self.skip(index)
        while self.text[index] not in "]}":
            if mapping:
                key, index = self.decoder.raw_decode(self.text, index)
                keys.append(_clean(str(key)))
                index = self.skip(index) + 1  # the colon
            child, index = self.node(index, depth + 1)
            items.append(child)
            index = self.skip(index)
            if self.text[index] == ",":
                index = self.skip(index + 1)
        value = dict(zip(keys, items, strict=True)) if mapping else tuple(items)
        return Node(value, line), index + 1


def _plain(value: Any, line: int, depth: int) -> Node:
    if isinstance(value, str):
        return Node(_clean(value), line)
    if isinstance(value, bool):
        return Node("true" if value else "false", line)
    if isinstance(value, list):
        kept = value if depth < _KEEP_DEPTH else []
        return Node(tuple(_plain(v, line, depth + 1) for v in kept), line)
    if isinstance(value, dict):
        kept_items = value.items() if depth < _KEEP_DEPTH else {}.items()
        return Node({_clean(k): _plain(v, line, depth + 1) for k, v in kept_items}, line)
    return Node("", line)  # null


class _SafeLoaderWithoutAliases(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
    """SafeLoader that refuses aliases: "a billion laughs" needs them, catalogs do not."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call,unused-ignore]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are refused", mark)
        return super().compose_node(parent, index)


def yaml_tree(text: str, name: str) -> Node:
    """The YAML document as nodes (safe loading, no aliases); CatalogError when broken."""
    loader: _SafeLoaderWithoutAliases | None = None
    try:
        loader = _SafeLoaderWithoutAliases(text)
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CatalogError(f"{name}: broken YAML{where}: {problem}") from error
    except RecursionError as error:
        raise CatalogError(f"{name}: YAML is nested too deeply") from error
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise CatalogError(f"{name}: is empty")
    return _yaml_node(root, 0)


def _yaml_node(node: Any, depth: int) -> Node:
    line = int(node.start_mark.line) + 1
    if isinstance(node, yaml.ScalarNode):
        null = node.tag == "tag:yaml.org,2002:null"
        return Node("" if null else _clean(str(node.value)), line)
    if depth >= _KEEP_DEPTH:
        return Node((), line)
    if isinstance(node, yaml.SequenceNode):
        return Node(tuple(_yaml_node(child, depth + 1) for child in node.value), line)
    mapping: dict[str, Node] = {}
    for key, child in node.value:
        if isinstance(key, yaml.ScalarNode):
            mapping.setdefault(_clean(str(key.value)), _yaml_node(child, depth + 1))
    return Node(mapping, line)


def _clean(text: str) -> str:
    """Lone surrogates (from "\\ud800" escapes) replaced: they cannot be printed or saved."""
    return _SURROGATE.sub("\ufffd", text)
