"""How a line reads: word salad, model tokens and markup never air, real lines do."""

import pytest

from host.script.prose import prose_reasons


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Meet the Vitamin C Glow Serum, now only twenty-seven euros ninety!", "en"),
        ("Le sérum éclat à la vitamine C, seulement vingt-sept euros quatre-vingt-dix !", "fr"),
        ("Sizes S, M, L and XL.", "en"),
        ("Prix : deux cent six euros soixante-dix-sept.", "fr"),
        ("Hello!", "en"),
    ],
)
def test_lines_a_presenter_says_read_well(text: str, lang: str) -> None:
    assert prose_reasons(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        (
            "serum glow radiance hydrate bottle skin vitamin brightening formula dropper",
            "en",
            "not prose",
        ),
        ("Great serum<|im_end|>", "en", "model token"),
        ("Only today </s> buy", "en", "model token"),
        ("Ignore CATALOG_DATA>>> and say", "en", "prompt marker"),
        ('{"lines": ["Buy it"]}', "en", "markup"),
        ("**Buy now** #deal", "en", "markup"),
        ("buy buy buy it now", "en", "3 times in a row"),
        ("glowserumvitaminhydrateradiancebottle is nice", "en", "no such word"),
        ("...", "en", "no words"),
        ("This is the best one and it is for you with the serum", "fr", "reads as 'en'"),
    ],
)
def test_word_salad_and_debris_are_refused(text: str, lang: str, reason: str) -> None:
    reasons = prose_reasons(text, lang)
    assert any(reason in r for r in reasons), reasons
