"""Prices as shops write them, read into exact amounts and currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from host.catalog.model import Money
from host.catalog.money import parse_money, split_money


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("19.90 EUR", "19.90", "EUR"),
        ("19,90 EUR", "19.90", "EUR"),
        ("EUR 19.90", "19.90", "EUR"),
        ("19,90 €", "19.90", "EUR"),
        ("€19.90", "19.90", "EUR"),
        ("$19.99", "19.99", "USD"),
        ("£5", "5", "GBP"),
        ("1 299,00 €", "1299.00", "EUR"),
        ("1\u00a0299,00\u00a0€", "1299.00", "EUR"),
        ("1\u202f299,00 €", "1299.00", "EUR"),
        ("1,299.00 USD", "1299.00", "USD"),
        ("1.299,00 EUR", "1299.00", "EUR"),
        ("1,299", "1299", None),
        ("1.299", "1299", None),
        ("19.9", "19.9", None),
        ("19,5", "19.5", None),
        ("1,234,567.89 USD", "1234567.89", "USD"),
        ("US$ 12", "12", "USD"),
        ("CA$12.50", "12.50", "CAD"),
        ("C$ 12.50", "12.50", "CAD"),
        ("A$9", "9", "AUD"),
        ("¥1,200", "1200", "JPY"),
        ("CHF 12.50", "12.50", "CHF"),
        ("49,99 zł", "49.99", "PLN"),
        ("19.90eur", "19.90", "EUR"),
        ("  7 SEK ", "7", "SEK"),
        ("$12 USD", "12", "USD"),
        ("1'299.50 CHF", "1299.50", "CHF"),
    ],
)
def test_prices_in_every_common_spelling(text: str, amount: str, currency: str | None) -> None:
    assert split_money(text) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "EUR",
        "12,x EUR",
        "-5 EUR",
        "EUR -5",
        "NaN",
        "Infinity",
        "inf",
        "1e999999",
        "1E5 EUR",
        "€5 USD",
        "1.2.3,4",
        "12 34",
        "1,2,3",
        "19.",
        "free",
        "9" * 30,
    ],
)
def test_what_is_not_a_price(text: str) -> None:
    with pytest.raises(ValueError):
        split_money(text)


def test_a_bare_number_takes_the_default_currency() -> None:
    assert parse_money("19.90", "EUR") == Money(Decimal("19.90"), "EUR")
    assert parse_money("19.90 USD", "EUR") == Money(Decimal("19.90"), "USD")


def test_a_bare_number_without_a_default_names_no_currency() -> None:
    with pytest.raises(ValueError, match="no currency"):
        parse_money("19.90", None)


def test_amounts_are_decimals_never_floats() -> None:
    money = parse_money("0.10 EUR", None)
    assert isinstance(money.amount, Decimal)
    assert money.amount * 3 == Decimal("0.30")


@settings(max_examples=300)
@given(
    st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2),
    st.sampled_from(["{en} EUR", "€{en}", "{fr} €", "{fr_nbsp} EUR", "{de} EUR", "$ {en}"]),
)
def test_a_formatted_amount_reads_back_exactly(amount: Decimal, pattern: str) -> None:
    english = f"{amount:,.2f}"
    text = pattern.format(
        en=english,
        fr=english.replace(",", " ").replace(".", ","),
        fr_nbsp=english.replace(",", "\u202f").replace(".", ","),
        de=english.replace(",", "_").replace(".", ",").replace("_", "."),
    )
    assert split_money(text)[0] == amount


@settings(max_examples=500)
@given(st.text(max_size=30))
def test_any_text_is_a_price_or_a_value_error(text: str) -> None:
    try:
        money = parse_money(text, "EUR")
    except ValueError:
        return
    assert money.amount.is_finite() and money.amount >= 0
