"""Prices, numbers and sale ends as the presenter says them and as the captions show them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from host.catalog.model import Money
from host.script.spoken import (
    SUPPORTED_LANGS,
    check_lang,
    days_left,
    say_money,
    say_number,
    say_percent,
    say_until,
    show_money,
    show_number,
    show_percent,
    show_until,
)
from host.script.spoken_units import LANGS

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
NNBSP = "\u202f"
DIGIT = re.compile(r"\d")


def money(amount: str, currency: str = "EUR") -> Money:
    return Money(Decimal(amount), currency)


@pytest.mark.parametrize(
    ("lang", "amount", "currency", "spoken"),
    [
        ("fr", "19.90", "EUR", "dix-neuf euros quatre-vingt-dix"),
        ("fr", "20", "EUR", "vingt euros"),
        ("fr", "1", "EUR", "un euro"),
        ("fr", "0.50", "EUR", "cinquante centimes"),
        ("fr", "1.05", "EUR", "un euro cinq"),
        ("fr", "1299", "EUR", "mille deux cent quatre-vingt-dix-neuf euros"),
        ("fr", "19.99", "USD", "dix-neuf dollars quatre-vingt-dix-neuf"),
        ("fr", "5.50", "GBP", "cinq livres cinquante"),
        ("fr", "1", "GBP", "une livre"),
        ("fr", "21", "GBP", "vingt et une livres"),
        ("fr", "1500", "JPY", "mille cinq cents yens"),
        ("fr", "0", "EUR", "zéro euro"),
        ("fr", "0.01", "EUR", "un centime"),
        ("fr", "100", "EUR", "cent euros"),
        ("fr", "1000", "EUR", "mille euros"),
        ("fr", "1000000", "EUR", "un million d'euros"),
        ("fr", "2000000", "USD", "deux millions de dollars"),
        ("fr", "71", "EUR", "soixante et onze euros"),
        ("fr", "80", "EUR", "quatre-vingts euros"),
        ("fr", "12", "CHF", "douze francs suisses"),
        ("en", "19.99", "USD", "nineteen dollars ninety-nine"),
        ("en", "20", "USD", "twenty dollars"),
        ("en", "1", "USD", "one dollar"),
        ("en", "0.99", "USD", "ninety-nine cents"),
        ("en", "19.90", "EUR", "nineteen euros ninety"),
        ("en", "5.50", "GBP", "five pounds fifty"),
        ("en", "0.01", "GBP", "one penny"),
        ("en", "1500", "JPY", "one thousand five hundred yen"),
        ("en", "0", "USD", "zero dollars"),
        ("en", "1.05", "USD", "one dollar five"),
        ("en", "105", "USD", "one hundred five dollars"),
        ("en", "1299", "EUR", "one thousand two hundred ninety-nine euros"),
        ("en", "1000000", "USD", "one million dollars"),
        ("en", "3", "CAD", "three Canadian dollars"),
    ],
)
def test_say_money(lang: str, amount: str, currency: str, spoken: str) -> None:
    assert say_money(money(amount, currency), lang) == spoken


@pytest.mark.parametrize(
    ("lang", "amount", "currency", "shown"),
    [
        ("fr", "19.90", "EUR", f"19,90{NBSP}€"),
        ("fr", "20", "EUR", f"20,00{NBSP}€"),
        ("fr", "1299", "EUR", f"1{NNBSP}299,00{NBSP}€"),
        ("fr", "1500", "JPY", f"1{NNBSP}500{NBSP}JPY"),
        ("en", "19.99", "USD", "$19.99"),
        ("en", "19.90", "EUR", "€19.90"),
        ("en", "5.5", "GBP", "£5.50"),
        ("en", "1500", "JPY", "¥1,500"),
    ],
)
def test_show_money(lang: str, amount: str, currency: str, shown: str) -> None:
    assert show_money(money(amount, currency), lang) == shown


@pytest.mark.parametrize(
    ("amount", "spoken", "shown"),
    [
        ("0.125", "treize centimes", f"0,13{NBSP}€"),
        ("0.005", "un centime", f"0,01{NBSP}€"),
        ("0.999", "un euro", f"1,00{NBSP}€"),
    ],
)
def test_voice_and_screen_round_the_same_way(amount: str, spoken: str, shown: str) -> None:
    assert say_money(money(amount), "fr") == spoken
    assert show_money(money(amount), "fr") == shown


def test_yen_has_no_minor_unit() -> None:
    assert say_money(money("1500.4", "JPY"), "en") == "one thousand five hundred yen"
    assert show_money(money("1500.4", "JPY"), "en") == "¥1,500"


def test_currency_outside_the_table_uses_babel_names() -> None:
    assert say_money(money("12.50", "HUF"), "fr") == "douze forints hongrois cinquante"
    assert say_money(money("2", "HUF"), "en") == "two Hungarian forints"
    # Babel names this one "(1990–1992)"; the years must not reach the voice.
    assert not DIGIT.search(say_money(money("3", "YUN"), "en"))


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (0, "zéro"),
        (1, "un"),
        (71, "soixante et onze"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (91, "quatre-vingt-onze"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (200, "deux cents"),
        (1000, "mille"),
        (1000000, "un million"),
        (Decimal("1.5"), "un virgule cinq"),
        (Decimal("1.50"), "un virgule cinq"),
        (Decimal("1.05"), "un virgule zéro cinq"),
        (Decimal("2.25"), "deux virgule vingt-cinq"),
        (Decimal("-3"), "moins trois"),
        (Decimal("4.000"), "quatre"),
    ],
)
def test_say_number_fr(n: int | Decimal, spoken: str) -> None:
    assert say_number(n, "fr") == spoken


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (0, "zero"),
        (71, "seventy-one"),
        (105, "one hundred five"),
        (1234567, "one million two hundred thirty-four thousand five hundred sixty-seven"),
        (Decimal("1.5"), "one point five"),
        (Decimal("2.25"), "two point two five"),
        (Decimal("-0.5"), "minus zero point five"),
    ],
)
def test_say_number_en_drops_and_and_commas(n: int | Decimal, spoken: str) -> None:
    assert say_number(n, "en") == spoken


def test_show_number_keeps_every_decimal() -> None:
    assert show_number(Decimal("1234.5"), "fr") == f"1{NNBSP}234,5"
    assert show_number(Decimal("3.14159"), "en") == "3.14159"
    assert show_number(1000000, "en") == "1,000,000"


def test_numbers_refuse_floats_and_infinity() -> None:
    with pytest.raises(TypeError):
        say_number(1.5, "en")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        say_number(Decimal("Infinity"), "en")


def test_percent() -> None:
    assert say_percent(30, "fr") == "trente pour cent"
    assert say_percent(30, "en") == "thirty percent"
    assert show_percent(30, "fr") == f"30{NBSP}%"
    assert show_percent(30, "en") == "30%"


cents = st.integers(min_value=0, max_value=9_999_999).map(lambda c: Decimal(c).scaleb(-2))


@given(
    amount=cents,
    currency=st.sampled_from(["EUR", "USD"]),
    lang=st.sampled_from(SUPPORTED_LANGS),
)
def test_spoken_money_has_no_digit_and_tells_neighbours_apart(
    amount: Decimal, currency: str, lang: str
) -> None:
    said = say_money(Money(amount, currency), lang)
    assert not DIGIT.search(said)
    assert said != say_money(Money(amount + Decimal("0.01"), currency), lang)
    if amount >= 1:
        assert said != say_money(Money(amount - 1, currency), lang)


@given(
    amount=cents,
    currency=st.sampled_from(sorted({*LANGS["fr"].currencies, "HUF", "BRL", "YUN"})),
    lang=st.sampled_from(SUPPORTED_LANGS),
)
def test_no_currency_leaves_a_digit(amount: Decimal, currency: str, lang: str) -> None:
    assert not DIGIT.search(say_money(Money(amount, currency), lang))


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
def test_every_price_up_to_twenty_sounds_different(lang: str) -> None:
    said = [say_money(Money(Decimal(c).scaleb(-2), "EUR"), lang) for c in range(2001)]
    assert len(set(said)) == len(said)


NOW = datetime(2024, 11, 20, 10, 0, tzinfo=PARIS)  # a Wednesday


@pytest.mark.parametrize(
    ("end", "days", "fr_said", "fr_shown", "en_said", "en_shown"),
    [
        (datetime(2024, 11, 20, 14, 0), 0,
         "jusqu'à quatorze heures", "jusqu'à 14 h", "until two pm", "until 2 PM"),
        (datetime(2024, 11, 20, 14, 30), 0,
         "jusqu'à quatorze heures trente", "jusqu'à 14 h 30",
         "until two thirty pm", "until 2:30 PM"),
        (datetime(2024, 11, 20, 13, 5), 0,
         "jusqu'à treize heures cinq", "jusqu'à 13 h 05", "until one oh five pm", "until 1:05 PM"),
        (datetime(2024, 11, 20, 12, 0), 0,
         "jusqu'à midi", "jusqu'à 12 h", "until noon", "until 12 PM"),
        (datetime(2024, 11, 20, 18, 0), 0,
         "jusqu'à ce soir", "jusqu'à ce soir", "until tonight", "until tonight"),
        (datetime(2024, 11, 21, 0, 0), 0,
         "jusqu'à ce soir", "jusqu'à ce soir", "until tonight", "until tonight"),
        (datetime(2024, 11, 22, 0, 0), 1,
         "jusqu'à demain", "jusqu'à demain", "until tomorrow", "until tomorrow"),
        (datetime(2024, 11, 21, 9, 0), 1,
         "jusqu'à demain", "jusqu'à demain", "until tomorrow", "until tomorrow"),
        (datetime(2024, 11, 25, 0, 0), 4,
         "jusqu'à dimanche", "jusqu'à dimanche", "until Sunday", "until Sunday"),
        (datetime(2024, 11, 26, 23, 0), 6,
         "jusqu'à mardi", "jusqu'à mardi", "until Tuesday", "until Tuesday"),
        (datetime(2024, 12, 1, 0, 0), 10,
         "jusqu'au trente novembre", "jusqu'au 30 novembre",
         "until November thirtieth", "until November 30"),
        (datetime(2024, 12, 2, 0, 0), 11,
         "jusqu'au premier décembre", "jusqu'au 1er décembre",
         "until December first", "until December 1"),
    ],
)
def test_sale_end(
    end: datetime, days: int, fr_said: str, fr_shown: str, en_said: str, en_shown: str
) -> None:
    end = end.replace(tzinfo=PARIS)
    assert days_left(end, NOW) == days
    assert say_until(end, NOW, "fr") == fr_said
    assert show_until(end, NOW, "fr") == fr_shown
    assert say_until(end, NOW, "en") == en_said
    assert show_until(end, NOW, "en") == en_shown
    assert not DIGIT.search(fr_said + en_said)


def test_sale_end_compares_days_in_the_zone_of_the_end() -> None:
    # 23:30 UTC on the 20th is already the 21st in Paris, the sale's last day.
    now = datetime(2024, 11, 20, 23, 30, tzinfo=UTC)
    end = datetime(2024, 11, 22, 0, 0, tzinfo=PARIS)
    assert days_left(end, now) == 0
    assert say_until(end, now, "en") == "until tonight"


@pytest.mark.parametrize("end", [NOW, NOW - timedelta(hours=1)])
def test_sale_that_ended_is_refused(end: datetime) -> None:
    with pytest.raises(ValueError, match="already ended"):
        say_until(end, NOW, "fr")
    with pytest.raises(ValueError, match="already ended"):
        days_left(end, NOW)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        show_until(datetime(2024, 12, 1), NOW, "en")


@pytest.mark.parametrize("lang", ["fr", "FR", "fr-FR", "fr_FR", "fr-CA", " fr "])
def test_check_lang_normalises(lang: str) -> None:
    assert check_lang(lang) == "fr"


def test_supported_langs() -> None:
    assert SUPPORTED_LANGS == ("en", "fr")


@pytest.mark.parametrize("lang", ["de", "", "xx-FR", "english"])
def test_unknown_language_is_named(lang: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(lang))):
        check_lang(lang)
    with pytest.raises(ValueError, match=re.escape(repr(lang))):
        say_money(money("1"), lang)
    with pytest.raises(ValueError, match=re.escape(repr(lang))):
        show_percent(5, lang)
