"""HTML descriptions turned into text a presenter can read out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from host.catalog.html_text import clean_line, html_to_text


def test_blocks_become_lines_and_list_items_sentences() -> None:
    html = (
        "<h2>Cozy Hoodie</h2>\n<p>Brushed fleece,&nbsp;soft &amp; warm.<br>Unisex.</p>"
        "<ul><li>80 % organic cotton</li><li>Kangaroo pocket!</li></ul>"
    )
    assert html_to_text(html) == (
        "Cozy Hoodie\nBrushed fleece, soft & warm.\nUnisex.\n80 % organic cotton.\nKangaroo pocket!"
    )


def test_scripts_and_styles_are_dropped() -> None:
    html = "<style>p{color:red}</style><p>Hello</p><script>alert('x')</script><p>there</p>"
    assert html_to_text(html) == "Hello\nthere"


def test_inline_tags_keep_words_together() -> None:
    assert html_to_text("A <b>very</b>   <i>soft</i>\n tee") == "A very soft tee"


def test_plain_text_keeps_its_lines() -> None:
    assert html_to_text("Line one  \n\n  line   two &amp; more") == "Line one\nline two & more"


def test_clean_line_is_one_line() -> None:
    assert clean_line("<p>Fig</p><p>Candle</p>") == "Fig Candle"
    assert clean_line("Tom &amp; Jerry") == "Tom & Jerry"


def test_malformed_markup_still_gives_text() -> None:
    assert "text" in html_to_text("<![bogus[ x ]]> text")


@settings(max_examples=300)
@given(st.text(alphabet="<>/!?[]-abpli &;#x0123\"'=", max_size=60))
def test_any_markup_gives_text_without_tags(html: str) -> None:
    text = html_to_text(html)
    assert "<p>" not in text and "<li>" not in text
