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
    [("not json", "not JSON"), ('{"text": "hi"}', 'no "lines"'), ('{"lines": [""]}', "line 0")],
)
def test_malformed_answers_say_what_is_wrong(serum: Product, answer: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_lines(answer, serum, "intro", "en", now=NOW, source="llm:m")
