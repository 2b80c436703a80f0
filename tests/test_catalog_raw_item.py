"""Raw items carry values with the names and lines the file used."""

from __future__ import annotations

from host.catalog.raw_item import RawItem, option_key, shown


def test_option_names_map_to_gmc_attributes() -> None:
    assert option_key("Colour") == "color"
    assert option_key("COLOR") == "color"
    assert option_key("Size") == "size"
    assert option_key("Age Group") == "age_group"
    assert option_key(" Fit ") == "Fit"


def test_labels_and_lines_fall_back_to_gmc_names_and_the_row() -> None:
    item = RawItem(line=7)
    item.set("price", " 9 EUR ", label="Variant Price", line=9)
    assert (item.get("price"), item.label("price"), item.line_of("price")) == (
        "9 EUR",
        "Variant Price",
        9,
    )
    assert (item.get("title"), item.label("title"), item.line_of("title")) == ("", "title", 7)


def test_long_values_are_cut_in_messages() -> None:
    assert shown("x" * 100) == "'" + "x" * 39 + "…'"
