"""Money, numbers, percentages and sale ends: words for the voice, figures for the screen."""

from __future__ import annotations

import re
from copy import copy
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.numbers import (
    format_decimal,
    format_percent,
    get_currency_name,
    parse_pattern,
)

from host.catalog.model import Money
from host.script.minor_units import minor_digits
from host.script.spoken_units import LANGS, LangTable, Unit

SUPPORTED_LANGS: tuple[str, ...] = tuple(sorted(LANGS))

# A sale that ends at or after this hour on its last day is announced as ending "tonight".
EVENING = time(18, 0)

# Babel names some old currencies with their years, "(1990–1992)"; digits must not be spoken.
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def check_lang(lang: str) -> str:
    """The supported language code for `lang` ("FR", "fr-FR", "fr_FR" -> "fr"), or ValueError."""
    code = lang.strip().replace("_", "-").split("-")[0].lower() if isinstance(lang, str) else ""
    if code not in LANGS:
        raise ValueError(
            f"unsupported language {lang!r}; supported: {', '.join(SUPPORTED_LANGS)}"
        )
    return code


def _table(lang: str) -> LangTable:
    return LANGS[check_lang(lang)]


# --- money -----------------------------------------------------------------------------


def _rounded(m: Money) -> tuple[Decimal, int]:
    """The amount rounded half up to the currency's minor unit, and that unit's digits."""
    digits = minor_digits(m.currency)
    return m.amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP), digits


def _unit(code: str, table: LangTable) -> Unit:
    """The currency's spoken names from the table, else Babel's names without minor unit."""
    if code in table.currencies:
        return table.currencies[code]
    one, many = (
        _PARENTHESES.sub("", get_currency_name(code, count=n, locale=table.locale)).strip()
        for n in (1, 2)
    )
    return Unit(one, many)


def show_money(m: Money, lang: str) -> str:
    """The price as a shop shows it in the language: "19,90 €", "$19.99", "¥1,500"."""
    table = _table(lang)
    amount, digits = _rounded(m)
    pattern = copy(parse_pattern(Locale.parse(table.locale).currency_formats["standard"]))
    pattern.frac_prec = (digits, digits)  # our minor units, not the installed CLDR's
    return pattern.apply(amount, table.locale, currency=m.currency, currency_digits=False)


def say_money(m: Money, lang: str) -> str:
    """The price in words: "dix-neuf euros quatre-vingt-dix", "ninety-nine cents"."""
    table = _table(lang)
    amount, digits = _rounded(m)
    major = int(amount)
    minor = int((amount - major).scaleb(digits))
    unit = _unit(m.currency, table)
    if minor and not major and unit.minor_one:
        return table.count_noun(minor, unit.minor_one, unit.minor_many, unit.minor_feminine)
    said = table.count_noun(major, unit.one, unit.many, unit.feminine)
    if minor:
        said += " " + table.cardinal_for(minor, unit.minor_feminine)
    return said


# --- numbers and percentages -----------------------------------------------------------


def _exact(n: int | Decimal) -> Decimal:
    if isinstance(n, bool) or not isinstance(n, int | Decimal):
        raise TypeError(f"expected an int or a Decimal, got {n!r}")
    if isinstance(n, Decimal) and not n.is_finite():
        raise ValueError(f"cannot say {n}")
    return Decimal(n)


def say_number(n: int | Decimal, lang: str) -> str:
    """A number in words: "mille deux cents", "un virgule cinq", "one point zero five"."""
    table = _table(lang)
    value = _exact(n)
    if value < 0:
        return f"{table.minus} {say_number(-value, lang)}"
    whole = int(value)
    fraction = format(value - whole, "f").partition(".")[2].rstrip("0")
    said = table.cardinal(whole)
    if not fraction:
        return said
    significant = fraction.lstrip("0")
    if table.fraction_as_number and len(significant) <= 3:
        zeros = len(fraction) - len(significant)
        words = [table.cardinal(0)] * zeros + [table.cardinal(int(significant))]
    else:
        words = [table.cardinal(int(digit)) for digit in fraction]
    return " ".join([said, table.point, *words])


def show_number(n: int | Decimal, lang: str) -> str:
    """A number as the screen shows it in the language: "1 234,5", "1,234.5"."""
    table = _table(lang)
    return format_decimal(_exact(n), locale=table.locale, decimal_quantization=False)


def join_words(items: list[str], lang: str) -> str:
    """Items as a spoken list: "S, M and L", "S, M et L"."""
    return format_list(items, locale=_table(lang).locale) if items else ""


def say_percent(n: int, lang: str) -> str:
    """A percentage in words: "trente pour cent", "thirty percent"."""
    return f"{say_number(n, lang)} {_table(lang).percent}"


def show_percent(n: int, lang: str) -> str:
    """A percentage as the screen shows it: "30 %" in French, "30%" in English."""
    table = _table(lang)
    return format_percent(_exact(n) / 100, locale=table.locale)


# --- sale end ----------------------------------------------------------------------------


def _last_day(end: datetime, now: datetime) -> tuple[int, date]:
    """Days from today to the sale's last day, both in end's zone; ValueError once it ended."""
    for name, value in (("end", end), ("now", now)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must carry a time zone, got {value.isoformat()}")
    if end <= now:
        raise ValueError(f"the sale already ended at {end.isoformat()}")
    last = (end - timedelta(microseconds=1)).date()
    return (last - now.astimezone(end.tzinfo).date()).days, last


def days_left(end: datetime, now: datetime) -> int:
    """Calendar days from now until the sale's last day (0 = it ends today), end exclusive."""
    return _last_day(end, now)[0]


def _until(end: datetime, now: datetime, lang: str, spoken: bool) -> str:
    table = _table(lang)
    days, last = _last_day(end, now)
    if days == 0:
        if end.date() != last or end.time() >= EVENING:
            return table.tonight
        if spoken:
            return table.until_time.format(table.say_time(end.hour, end.minute))
        pattern = table.show_time_minutes if end.minute else table.show_time_whole
        return table.until_time.format(format_time(end.time(), pattern, locale=table.locale))
    if days == 1:
        return table.tomorrow
    if days < 7:
        return table.until_weekday.format(format_date(last, "EEEE", locale=table.locale))
    day = table.say_day(last.day) if spoken else table.show_day(last.day)
    month = format_date(last, "MMMM", locale=table.locale)
    return table.until_date.format(table.date_order.format(day=day, month=month))


def say_until(end: datetime, now: datetime, lang: str) -> str:
    """When the sale ends, in words: "until tonight", "jusqu'au premier décembre"."""
    return _until(end, now, lang, spoken=True)


def show_until(end: datetime, now: datetime, lang: str) -> str:
    """When the sale ends, as the screen shows it: "until 2 PM", "jusqu'au 30 novembre"."""
    return _until(end, now, lang, spoken=False)
