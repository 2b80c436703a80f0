"""JSON and YAML read into text values that know their line; numbers never become floats."""

from __future__ import annotations

import pytest

from host.catalog.structured_tree import Node, json_tree, yaml_tree
from host.errors import CatalogError


def test_json_values_know_their_line() -> None:
    text = '{\n  "products": [\n    {"id": "a",\n     "price": 19.90},\n    {"id": "b"}\n  ]\n}'
    root = json_tree(text, "c.json")
    assert isinstance(root.value, dict)
    products = root.value["products"].value
    assert isinstance(products, tuple)
    assert [p.line for p in products] == [3, 5]
    first = products[0].value
    assert isinstance(first, dict)
    assert first["price"] == Node("19.90", 4)  # the digits as written, not a float


def test_json_literals_become_text() -> None:
    root = json_tree(
        '[true, null, NaN, 1e999, 123456789012345678901234567890, "\\ud800"]', "c.json"
    )
    assert isinstance(root.value, tuple)
    assert [n.value for n in root.value] == [
        "true",
        "",
        "NaN",
        "1e999",
        "123456789012345678901234567890",
        "\ufffd",
    ]


def test_deep_json_is_kept_without_walking_it() -> None:
    root = json_tree("[[[[[[[[[[[[[[1]]]]]]]]]]]]]]", "c.json")
    assert root.line == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"products": [1,}', "c.json: broken JSON at line 1, column 17: Expecting value"),
        (
            '[\n  {"id": 1}\n  {"id": 2}\n]',
            "c.json: broken JSON at line 3, column 3: Expecting ',' delimiter",
        ),
        ("[" * 100_000, "c.json: JSON is nested too deeply"),
    ],
)
def test_broken_json_names_line_and_column(text: str, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        json_tree(text, "c.json")
    assert str(caught.value) == message


def test_yaml_values_know_their_line_and_stay_text() -> None:
    root = yaml_tree("# c\n- id: a\n  price: 19.90\n  on_sale: yes\n  note: ~\n- id: b\n", "c.yaml")
    assert isinstance(root.value, tuple)
    first, second = root.value
    assert (first.line, second.line) == (2, 6)
    assert isinstance(first.value, dict)
    assert first.value["price"] == Node("19.90", 3)
    assert first.value["on_sale"].value == "yes"
    assert first.value["note"].value == ""


def test_yaml_aliases_are_refused() -> None:
    laughs = 'a: &a ["lol", "lol"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    with pytest.raises(CatalogError) as caught:
        yaml_tree(laughs, "c.yaml")
    assert (
        str(caught.value) == "c.yaml: broken YAML at line 2, column 8: aliases (*name) are refused"
    )


def test_yaml_never_builds_python_objects() -> None:
    root = yaml_tree("- !!python/object/apply:os.system ['echo hi']\n", "c.yaml")
    assert isinstance(root.value, tuple)


def test_broken_yaml_names_line_and_column() -> None:
    with pytest.raises(CatalogError) as caught:
        yaml_tree("- id: a\n  title: [unclosed\n", "c.yaml")
    assert str(caught.value) == (
        "c.yaml: broken YAML at line 3, column 1: expected ',' or ']', but got '<stream end>'"
    )
