"""The template writer: what the host says about a product, in words and on screen."""

import asyncio
import itertools
import re
from dataclasses import replace
from datetime import UTC, datetime

from conftest import NOW, eur

from host.catalog.model import Availability, Product
from host.script.line import Line
from host.script.template_writer import TemplateWriter


def writer(at: datetime = NOW, seed: int = 0) -> TemplateWriter:
    return TemplateWriter(seed=seed, clock=lambda: at)


def kinds(lines: list[Line]) -> list[str]:
    return [line.kind for line in lines]


def test_deal_states_catalog_prices_in_words_and_figures(serum: Product) -> None:
    for seed in range(8):
        deal = writer(seed=seed).lines(serum, "deal", "fr")[0]
        assert deal.facts["price"] == "39.90 EUR"
        assert deal.facts["sale_price"] == "27.90 EUR"
        assert "vingt-sept euros quatre-vingt-dix" in deal.text
        assert re.search(r"27,90\s€", deal.caption)
        assert not any(ch.isdigit() for ch in deal.text)
        if "discount" in deal.facts:
            assert deal.facts["discount"] == "30"
            assert "trente pour cent" in deal.text
        if "savings" in deal.facts:
            assert deal.facts["savings"] == "12.00 EUR"
            assert "douze euros" in deal.text


def test_english_deal_speaks_dollars_style_amounts(serum: Product) -> None:
    deal = writer(seed=2).lines(serum, "deal", "en")[0]
    assert "twenty-seven euros ninety" in deal.text
    assert "€27.90" in deal.caption
    assert deal.product_id == "serum-vitc"
    assert deal.source.endswith(tuple(f"en/deal.j2:{n}" for n in range(1, 20)))


def test_urgency_reads_the_weekday_the_sale_ends(serum: Product) -> None:
    texts = {writer(seed=s).lines(serum, "urgency", "fr")[0].text for s in range(6)}
    assert all("jusqu'à dimanche" in text for text in texts)
    english = writer(seed=1).lines(serum, "urgency", "en")[0]
    assert "until Sunday" in english.text
    assert english.facts["sale_ends"] == "2026-11-23T00:00:00+00:00"


def test_last_day_of_the_sale_is_said_so(serum: Product) -> None:
    sunday = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    texts = {writer(sunday, seed).lines(serum, "urgency", "en")[0].text for seed in range(12)}
    assert any("last day" in text or "tonight" in text for text in texts)
    assert not any("Sunday" in text for text in texts)


def test_pitch_on_sale_and_after_the_sale_ends(serum: Product) -> None:
    assert kinds(writer().pitch(serum, "en")) == [
        "intro", "features", "features", "features", "deal", "urgency", "call_to_action",
    ]
    later = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # the window's exclusive end
    after = writer(later).pitch(serum, "en")
    assert "deal" not in kinds(after) and "urgency" not in kinds(after)
    price = next(line for line in after if line.kind == "price")
    assert price.facts == {"price": "39.90 EUR"}
    assert "thirty-nine euros ninety" in price.text


def test_options_list_only_what_is_in_stock(tee: Product) -> None:
    for seed in range(6):
        options = writer(seed=seed).lines(tee, "options", "en")[0]
        assert "M and L" in options.text
        assert "XL" not in options.text and "red" not in options.text.lower()
    french = writer().lines(tee, "options", "fr")[0]
    assert "M et L" in french.text


def test_sold_out_product_gets_no_price_or_call_to_action(tee: Product) -> None:
    sold_out = replace(
        tee,
        variants=(),
        availability=Availability.OUT_OF_STOCK,
    )
    said = kinds(writer().pitch(sold_out, "fr"))
    assert said[-1] == "sold_out"
    assert "call_to_action" not in said and "price" not in said


def test_preorder_is_announced_as_such(tee: Product) -> None:
    pre = replace(tee, variants=(), availability=Availability.PREORDER, price=eur("149.00"))
    line = writer().lines(pre, "price", "en")[0]
    assert "pre-order" in line.text.lower() or "reserve" in line.text.lower()
    assert "one hundred forty-nine euros" in line.text


def test_catalog_text_is_data_not_template_code(tee: Product) -> None:
    sneaky = replace(tee, title="{{ 7*7 }} {% raw %}Tee", product_highlights=("{{ price }}",))
    lines = writer().pitch(sneaky, "en")
    intro = lines[0]
    assert "{{ 7*7 }} {% raw %}Tee" in intro.text and "49" not in intro.text
    assert "{{ price }}" in lines[1].text


def test_an_hour_on_air_never_repeats_a_sentence_back_to_back(serum: Product, tee: Product) -> None:
    w = writer(seed=5)
    said: list[Line] = []
    products = itertools.cycle([serum, tee])
    for _ in range(120):  # 120 pitches of ~30 s is an hour of air
        product = next(products)
        said += w.lines(product, "transition", "en") + w.pitch(product, "en")
        said += w.lines(None, "filler", "en")
    assert len(said) > 900
    for before, after in itertools.pairwise(said):
        assert before.text != after.text
    by_kind: dict[str, list[str]] = {}
    for line in said:
        by_kind.setdefault(line.kind, []).append(line.source)
    for kind, sources in by_kind.items():
        if kind != "features":  # one highlight per feature line: repeats are other sentences
            assert all(a != b for a, b in itertools.pairwise(sources)), kind


def test_show_lines_are_about_no_product_and_disclose_ai() -> None:
    w = writer()
    for lang, word in (("en", "AI"), ("fr", "IA")):
        for _ in range(4):
            line = w.lines(None, "disclosure", lang)[0]
            assert line.product_id is None
            assert word in line.text or "intelligence artificielle" in line.text


def test_write_is_the_async_pitch_writer_interface(serum: Product) -> None:
    lines = asyncio.run(writer().write(serum, "intro", "en"))
    assert lines and lines[0].kind == "intro" and "Vitamin C Glow Serum" in lines[0].text
