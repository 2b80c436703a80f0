"""The model's answer as lines: JSON in, spoken text and stated facts out, clear errors."""

import pytest
from conftest import NOW

from host.catalog.model import Product
from host.script.llm.parse import ParseError, parse_lines


def test_fenced_answer_and_french_facts(serum: Product) -> None:
    said = "Seulement vingt-sept euros quatre-vingt-dix, moins trente pour cent !"
    answer = f'```json\n{{"lines": ["{said}"]}}\n```'
    [line] = parse_lines(answer, serum, "deal", "fr", now=NOW, source="llm:m")
    assert line.caption == line.text
    assert line.facts == {"sale_price": "27.90 EUR", "discount": "30"}
    assert line.product_id == "serum-vitc"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ('{"lines": ["cut', "not JSON"),
        ('{"text": "hi"}', 'no "lines"'),
        ('{"lines": [""]}', "line 0"),
        ("Here are your lines:\n\n", "no line to say"),
    ],
)
def test_malformed_answers_say_what_is_wrong(serum: Product, answer: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_lines(answer, serum, "intro", "en", now=NOW, source="llm:m")


def test_plain_text_answers_are_lines_without_decoration(serum: Product) -> None:
    answer = (
        "Sure! Here are two lines:\n"
        "1. \u201cMeet the Vitamin C Glow Serum.\u201d\n"
        "- Only twenty-seven euros ninety today!\n\n"
    )
    lines = parse_lines(answer, serum, "deal", "en", now=NOW, source="llm:m")
    assert [line.text for line in lines] == [
        "Meet the Vitamin C Glow Serum.",
        "Only twenty-seven euros ninety today!",
    ]
    assert lines[1].facts == {"sale_price": "27.90 EUR"}
