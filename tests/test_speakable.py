"""Every line said right: figures, signs and abbreviations become words, in both languages."""

from __future__ import annotations

import itertools
import re
import time
from datetime import UTC, datetime

import pytest
from conftest import REPO

from host.catalog import load_catalog
from host.chat.answer import Answerer
from host.chat.message import ViewerMessage
from host.script.guard import PriceGuard
from host.script.line import Line
from host.script.speakable import read_number, speakable
from host.script.template_writer import TemplateWriter
from host.script.writer import PRODUCT_KINDS
from hostcast.cli.show import Show, ShowOptions

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "written", "said"),
    [
        # money, in every form the catalogs use
        ("fr", "17,43 €", "dix-sept euros quarante-trois"),
        ("fr", "€17.43", "dix-sept euros quarante-trois"),
        ("fr", "17€43", "dix-sept euros quarante-trois"),
        ("fr", "1 299,00 EUR", "mille deux cent quatre-vingt-dix-neuf euros"),
        ("fr", "1\u202f299,00\u00a0€", "mille deux cent quatre-vingt-dix-neuf euros"),
        ("en", "$1,299.00", "one thousand two hundred ninety-nine dollars"),
        ("en", "€17.43", "seventeen euros forty-three"),
        ("en", "£5", "five pounds"),
        ("en", "9.99 euros", "nine euros ninety-nine"),
        ("en", "EUR 20", "twenty euros"),
        # percentages
        ("fr", "-30 %", "moins trente pour cent"),
        ("fr", "12,5 %", "douze virgule cinq pour cent"),
        ("en", "30%", "thirty percent"),
        # dates
        ("fr", "jusqu'au 25/12/2026", "jusqu'au vingt-cinq décembre deux mille vingt-six"),
        ("fr", "le 01/02", "le premier février"),
        ("fr", "le 2026-12-24", "le vingt-quatre décembre deux mille vingt-six"),
        ("en", "until 12/25/2026", "until December twenty-fifth twenty twenty-six"),
        ("en", "on 12/24", "on December twenty-fourth"),
        ("en", "since 1998", "since nineteen ninety-eight"),
        # times
        ("fr", "à 14h30", "à quatorze heures trente"),
        ("fr", "dès 9h", "dès neuf heures"),
        ("fr", "à 14:30", "à quatorze heures trente"),
        ("en", "at 2:30 pm", "at two thirty pm"),
        ("en", "at 9 am", "at nine am"),
        ("en", "at 14:30", "at two thirty pm"),
        # ranges
        ("fr", "en 2-3 jours", "en deux à trois jours"),
        ("en", "in 2-3 days", "in two to three days"),
        ("en", "10-20% off", "ten to twenty percent off"),
        ("en", "€10-€20", "ten euros to twenty euros"),
        # units
        ("fr", "250 ml", "deux cent cinquante millilitres"),
        ("fr", "1,5 kg", "un virgule cinq kilogrammes"),
        ("fr", "1 h", "une heure"),
        ("fr", "21 h", "vingt et une heures"),
        ("fr", "15 min", "quinze minutes"),
        ("fr", "30 cm et 8 mm", "trente centimètres et huit millimètres"),
        ("fr", "500 g", "cinq cents grammes"),
        ("fr", "5000 mAh", "cinq mille milliampères-heure"),
        ("fr", "20 W", "vingt watts"),
        ("fr", "64 Go", "soixante-quatre gigaoctets"),
        ("fr", "37 °C", "trente-sept degrés Celsius"),
        ("en", "250ml", "two hundred fifty millilitres"),
        ("en", "1 kg", "one kilogram"),
        ("en", "2 h", "two hours"),
        ("en", "5000mAh", "five thousand milliamp hours"),
        ("en", "64GB", "sixty-four gigabytes"),
        ("en", "37°C", "thirty-seven degrees Celsius"),
        # ordinals, x2, N°
        ("fr", "le 1er, la 1re, le 2e, le 3ème",
         "le premier, la première, le deuxième, le troisième"),
        ("en", "the 1st, 2nd, 3rd and 21st", "the first, second, third and twenty-first"),
        ("fr", "lot x2", "lot fois deux"),
        ("en", "3x faster", "three times faster"),
        ("fr", "N° 5", "numéro cinq"),
        ("en", "No. 5 and #1", "number five and number one"),
        ("fr", "30 x 40 cm", "trente sur quarante centimètres"),
        ("en", "30 x 40 cm", "thirty by forty centimetres"),
        ("fr", "24h/24, 7j/7", "vingt-quatre heures sur vingt-quatre, sept jours sur sept"),
        ("en", "open 24/7", "open twenty-four seven"),
        # abbreviations
        ("fr", "M. Dupont & Mme Durand, TTC",
         "Monsieur Dupont et Madame Durand, toutes taxes comprises"),
        ("fr", "p. ex. le sérum, etc.", "par exemple le sérum, et cetera."),
        ("en", "e.g. today, i.e. now", "for example today, that is now"),
        ("en", "Dr. Smith & Mr. Jones", "Doctor Smith and Mister Jones"),
        # codes, addresses: said sensibly, or left out of speech
        ("fr", "réf. AB-12X", "référence A B douze X"),
        ("en", "code AB-12X, iPhone15, 4K", "code A B twelve X, iPhone fifteen, four K"),
        ("en", "EAN 30176204220031", "EAN"),
        ("fr", "contact@boutique-mode.fr", "contact arobase boutique tiret mode point fr"),
        ("en", "visit https://www.example.com/p/1?x=2, now", "visit example dot com, now"),
        ("en", "shop@example.com", "shop at example dot com"),
        ("fr", "1/2 prix", "un demi prix"),
        ("en", "5/5 stars", "five out of five stars"),
    ],
)
def test_figures_and_signs_become_words(lang: str, written: str, said: str) -> None:
    assert speakable(written, lang) == said


def test_words_and_plain_text_are_left_as_they_are() -> None:
    for lang, text in (("fr", "Dix-neuf euros quatre-vingt-dix, c'est tout !"),
                       ("en", "Nineteen dollars ninety-nine. Ask me anything!")):
        assert speakable(text, lang) == text
        assert speakable(speakable(text, lang), lang) == text


def test_the_products_currency_says_a_dollar_and_a_bare_amount() -> None:
    assert speakable("$27.90", "en", "CAD") == "twenty-seven Canadian dollars ninety"
    assert speakable("Now 27.90 instead of 39.90", "en", "EUR") == (
        "Now twenty-seven euros ninety instead of thirty-nine euros ninety"
    )
    assert speakable("Now 27.90", "en") == "Now twenty-seven point nine"  # no product: a number


def test_numbers_are_read_in_either_convention() -> None:
    assert read_number("1 299,00") == read_number("1,299.00") == read_number("1.299,00") == 1299
    assert read_number("17,43") == read_number("17.43")
    assert read_number("1,299") == 1299 and str(read_number("1,5")) == "1.5"


DIGIT = re.compile(r"\d")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_demo_line_reaches_the_voice_in_words_and_passes_the_guard(lang: str) -> None:
    """Templates, answers and the lines the guard checks: no figure left for a voice."""
    show = Show.open(ShowOptions(catalog=REPO / "demo" / f"catalog.{lang}.json", lang=lang,
                                 voice="fr" if lang == "fr" else "en-espeak", at=NOW))
    loaded = load_catalog(REPO / "demo" / f"catalog.{lang}.json")
    writer = TemplateWriter(seed=0, clock=lambda: NOW, langs=(lang,))
    guard = PriceGuard(now=lambda: NOW)
    checked = 0
    for product in loaded.products:
        if not product.orderable:
            continue
        for kind, _ in itertools.product(PRODUCT_KINDS, range(4)):  # each variant in turn
            for line in writer.lines(product, kind, lang):
                said = show.builder.said(line, product)
                assert not DIGIT.search(said.text), (line.text, said.text)
                assert guard.check(said, product).ok, said.text
                checked += 1
        # A model writes prices in figures; the voice still says them in words.
        text = (f"Only {product.current_price(NOW).amount} today!" if lang == "en"
                else f"Seulement {product.current_price(NOW).amount} !")
        typed = Line(text=text, caption=text, kind="pitch", lang=lang, source="llm:test")
        said = show.builder.said(typed, product)
        assert not DIGIT.search(said.text), said.text
        assert guard.check(said, product).ok, said.text
    assert checked > 20
    show.close()


QUESTIONS = {
    "en": ["How much is it?", "Is it in stock?", "What sizes are there?", "What colours?",
           "Tell me more", "Hi!", "Thanks!"],
    "fr": ["C'est combien ?", "Il est en stock ?", "Quelles tailles ?", "Quelles couleurs ?",
           "Dis-m'en plus", "Bonjour !", "Merci !"],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_demo_answer_reaches_the_voice_in_words(lang: str) -> None:
    show = Show.open(ShowOptions(catalog=REPO / "demo" / f"catalog.{lang}.json", lang=lang,
                                 voice="fr" if lang == "fr" else "en-espeak", at=NOW))
    products = tuple(load_catalog(REPO / "demo" / f"catalog.{lang}.json").products)
    answerer = Answerer(clock=lambda: NOW)
    said_lines = 0
    for product in products:
        for question in QUESTIONS[lang]:
            message = ViewerMessage("Julie", question, time.monotonic())
            answer = answerer.answer(message, product, products, lang)
            for line in answer.lines:
                about = next((p for p in products if p.id == line.product_id), product)
                said = show.builder.said(line, about)
                assert not DIGIT.search(said.text), said.text
                assert show.builder.refusal(line, about) is None, said.text
                said_lines += 1
    assert said_lines > 40
    show.close()
