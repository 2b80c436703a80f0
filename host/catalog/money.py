"""Prices as feeds write them ("19,90 €", "EUR 19.90", "$1,299.00") read into exact `Money`."""

from __future__ import annotations

import re
from decimal import Decimal

from host.catalog.model import Money

# Symbols that name one currency; longer ones are tried first so that "US$" wins over "$".
SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "zł": "PLN",
    "Kč": "CZK",
}
_SYMBOL = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_LEADING = re.compile(rf"({_SYMBOL}|[A-Za-z]{{3}}(?![A-Za-z]))")
_TRAILING = re.compile(rf"({_SYMBOL}|(?<![A-Za-z])[A-Za-z]{{3}})$")
# Digits with '.', ',' and group separators (spaces of any width, apostrophes) between them.
_NUMBER = re.compile(r"[0-9](?:[0-9.,'’\s]*[0-9])?")
_GROUP_SPACE = re.compile(r"[\s'’]")
_MAX_DIGITS = 18


def split_money(text: str) -> tuple[Decimal, str | None]:
    """The amount and the currency a price names (None when it names none)."""
    rest = text.strip()
    currency: str | None = None
    leading = _LEADING.match(rest)
    if leading:
        currency = _code(leading.group(1))
        rest = rest[leading.end() :].strip()
    trailing = _TRAILING.search(rest)
    if trailing:
        code = _code(trailing.group(1))
        if currency is not None and code != currency:
            raise ValueError(f"names two currencies, {currency} and {code}")
        currency = code
        rest = rest[: trailing.start()].strip()
    if rest.startswith(("-", "−")):
        raise ValueError("is negative")
    return _amount(rest), currency


def parse_money(text: str, default_currency: str | None) -> Money:
    """`Money` from a price string; a bare number takes `default_currency`."""
    amount, currency = split_money(text)
    currency = currency or default_currency
    if currency is None:
        raise ValueError("names no currency")
    return Money(amount, currency)


def _code(token: str) -> str:
    return SYMBOLS.get(token, token.upper())


def _amount(number: str) -> Decimal:
    if not _NUMBER.fullmatch(number):
        raise ValueError("is not a number")
    spaced = _GROUP_SPACE.sub(" ", number)
    integer, fraction = _split_decimal(spaced)
    if not fraction.isdigit() and fraction:
        raise ValueError("has separators after the decimal point")
    digits = _ungroup(integer)
    if len(digits) + len(fraction) > _MAX_DIGITS:
        raise ValueError("has too many digits")
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


def _split_decimal(number: str) -> tuple[str, str]:
    """Integer part (still grouped) and fraction digits, by the separator rule feeds follow."""
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        decimal = "." if number.rfind(".") > number.rfind(",") else ","
        if number.count(decimal) != 1:
            raise ValueError("has an ambiguous decimal separator")
        integer, fraction = number.split(decimal)
        return integer, fraction
    if not dots and not commas:
        return number, ""
    separator = "." if dots else ","
    if number.count(separator) > 1:
        return number, ""  # "1.299.000": every one groups thousands
    integer, fraction = number.split(separator)
    # One separator before exactly three digits groups thousands ("1,299"), unless spaces
    # already group the digits ("1 299.000" has a decimal point).
    if len(fraction) == 3 and " " not in number:
        return number, ""
    return integer, fraction


def _ungroup(integer: str) -> str:
    separators = {c for c in integer if not c.isdigit()}
    if not separators:
        return integer
    if len(separators) > 1:
        raise ValueError("mixes digit group separators")
    groups = integer.split(separators.pop())
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        raise ValueError("has digit groups that are not thousands")
    if not all(g.isdigit() for g in groups):
        raise ValueError("is not a number")
    return "".join(groups)
