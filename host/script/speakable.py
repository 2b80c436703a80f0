"""Every line made speakable: figures, signs and abbreviations become the words a host says.

Whoever wrote a line (a template, a model, the operator, an answer), what reaches a voice
has no digit and no sign a voice would read literally: "17,43 €" is "dix-sept euros
quarante-trois", "2-3 days" is "two to three days", "shop@example.com" is "shop at
example dot com". The caption keeps the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from num2words import num2words

from host.catalog.model import Money
from host.script import spoken
from host.script.speakable_words import (
    ABBREVIATIONS,
    AMBIGUOUS_SIGNS,
    CURRENCY_NAMES,
    CURRENCY_SIGNS,
    FRACTIONS,
    LETTERS,
    UNITS,
    WORDS,
    UnitWords,
)
from host.script.spoken_units import LANGS

_GROUP = "[ \u00a0\u202f'’]"  # thousands separators besides "," and "."
# A number as written: grouped ("1 299,00", "1,299.00") or plain ("17.43", "1299").
NUMBER = rf"\d{{1,3}}(?:(?:{_GROUP}|[.,])\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_NAMES = "|".join(sorted(CURRENCY_NAMES, key=len, reverse=True))
_SIGNS = "|".join(re.escape(s) for s in sorted(CURRENCY_SIGNS, key=len, reverse=True))
_MONEY_BEFORE = re.compile(rf"(?<![\w$])(?P<cur>{_SIGNS})\s?(?P<num>{NUMBER})(?![\d%])")
_MONEY_AFTER = re.compile(
    rf"(?<![\w.,])(?P<num>{NUMBER})\s?(?P<cur>{_SIGNS}|(?i:{_NAMES}))(?P<cents>\d{{2}})?"
    r"(?![\w$€£¥])"
)
_PRICE = re.compile(r"(?<![\w.,])(?P<num>\d+[.,]\d{2})(?![\w.,]*\d|\s?%)")  # "27.90"
_PERCENT = re.compile(rf"(?<![\w.,])(?P<minus>[-−])?(?P<num>{NUMBER})\s?%")
_RANGE = re.compile(rf"(?<![\w.,/:-])(?P<a>{NUMBER})\s?[-–—]\s?(?=[€$£]?\d)")
_NUMBER_WORD = re.compile(r"(?<![\w.,-])(?P<n>\d+(?:[.,]\d+)?)-(?=[^\W\d_]{2})")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_BARE_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|fr|net|org|shop|store|io|co|eu|uk)\b",
                          re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_SLASH_DATE = re.compile(
    r"(?<![\w/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\w/])"
)
# Without its year, "12/25" is a date only after a word that announces one: "1/2" is not.
_DATE_CUE = re.compile(
    r"\b(?:le|du|au|jusqu'au|dès le|on|until|by|from|before|after|till|since|through)\s$",
    re.IGNORECASE,
)
_ALWAYS = re.compile(r"(?<![\w/])24/7(?![\w/])")
_FRACTION = re.compile(r"(?<![\w/.,])(?P<a>\d+)/(?P<b>\d+)(?![\w/])")  # "1/2", "5/5"
_PER = re.compile(r"\b(?P<n>\d+)\s?(?P<u>h|j|d)\s?/\s?(?P=n)\b")  # "24h/24", "7j/7"
_CLOCK = re.compile(
    r"(?<![\w:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:\s?(?P<ap>[ap])\.?m\.?)?(?!\w)",
    re.IGNORECASE,
)
_AMPM = re.compile(r"(?<![\w:])(?P<h>1[0-2]|0?[1-9])\s?(?P<ap>[ap])\.?m\.?(?!\w)", re.IGNORECASE)
_FR_HOUR = re.compile(r"(?<![\w:])(?P<h>[01]?\d|2[0-3])\s?h\s?(?P<m>[0-5]\d)?(?!\w)")
_FR_AT_HOUR = re.compile(r"\b(?:à|dès|avant|après|vers|jusqu'à|de|entre|et)\s$")
_ORDINAL = {
    "en": re.compile(r"\b(?P<n>\d+)(?:st|nd|rd|th)\b"),
    "fr": re.compile(r"\b(?P<n>\d+)(?P<s>er|re|ère|e|è|ème|eme)\b"),
}
_TIMES_BEFORE = re.compile(r"(?<![\w.,])[x×]\s?(?P<n>\d+)\b")  # "x2", "× 3"
_TIMES_AFTER = re.compile(r"\b(?P<n>\d+)\s?[x×](?!\w)")  # "2x", "3 ×"
_BY = re.compile(rf"(?<![\w.,])(?P<a>{NUMBER})\s?[x×]\s?(?=\d)")  # "30 x 40 cm"
_NUMERO = re.compile(r"(?:\b[Nn]°|\b[Nn]o\.|#)\s?(?=\d)")
_CODE = re.compile(r"(?<![\d.,])\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b")
_DIGITS = re.compile(NUMBER)
_SPACES = re.compile(r"\s+")
MAX_CODE = 10  # longer codes are left out of speech: nobody takes in a 13-digit EAN aloud


@lru_cache(maxsize=4096)  # a show repeats its lines; each is checked and said
def speakable(text: str, lang: str, currency: str | None = None) -> str:
    """`text` with every figure, sign and abbreviation in `lang`'s words.

    `currency` is the one the line's product is sold in: a "$" is then its dollar, and
    a bare amount with cents ("27.90") is a price in it.
    """
    code = spoken.check_lang(lang)
    out = text
    for step in _STEPS:
        out = step(out, code, currency)
    return _SPACES.sub(" ", out).strip()


def read_number(written: str) -> Decimal:
    """The value of a number as written in either language: "1 299,00", "1,299.00", "17,4"."""
    digits = re.sub(_GROUP, "", written)
    marks = [i for i, c in enumerate(digits) if c in ",."]
    if not marks:
        return Decimal(digits)
    last = digits[marks[-1]]
    if len({digits[i] for i in marks}) > 1:
        decimal: str | None = last  # "1,299.00", "1.299,00": the last mark is the decimal
    elif len(marks) > 1:
        decimal = None  # "1,299,000": all grouping
    else:
        decimal = None if len(digits) - marks[-1] - 1 == 3 else last  # "1,299" vs "17,43"
    whole, _, fraction = (
        digits.rpartition(decimal) if decimal else (digits, "", "")
    )
    try:
        return Decimal(re.sub(r"[.,]", "", whole) + ("." + fraction if fraction else ""))
    except InvalidOperation:
        raise ValueError(f"not a number: {written!r}") from None


def _number(value: Decimal, lang: str) -> str:
    if value == value.to_integral_value() and "." not in str(value):
        return LANGS[lang].cardinal(int(value))
    return spoken.say_number(value, lang)


def _counted(value: Decimal, unit: UnitWords, lang: str) -> str:
    table = LANGS[lang]
    if value == value.to_integral_value() and "." not in str(value):
        return table.count_noun(int(value), unit.one, unit.many, unit.feminine)
    return f"{spoken.say_number(value, lang)} {unit.many}"


# --- the steps, in order: each turns what it knows into words, without digits ---------


def _addresses(text: str, lang: str, currency: str | None) -> str:
    words = WORDS[lang]

    def domain(name: str) -> str:
        name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name, flags=re.IGNORECASE)
        host = re.split(r"[/?#]", name, maxsplit=1)[0].rstrip(".,;:!")
        return f" {words.dot} ".join(part.replace("-", f" {words.dash} ")
                                      for part in host.split(".") if part)

    def email(match: re.Match[str]) -> str:
        user, _, host = match.group(0).partition("@")
        user = re.sub(r"[._+-]", f" {words.dot} ", user)
        return f"{user} {words.at} {domain(host)}"

    text = _EMAIL.sub(email, text)
    text = _URL.sub(lambda m: domain(m.group(0)), text)
    return _BARE_DOMAIN.sub(lambda m: domain(m.group(0)), text)


def _month(number: int, lang: str) -> str:
    from babel.dates import get_month_names

    return str(get_month_names("wide", locale=LANGS[lang].locale)[number])


def _year(year: int, lang: str) -> str:
    if lang == "en" and 1900 <= year < 2100 and year % 100:
        return str(num2words(year, lang="en", to="year"))
    return LANGS[lang].cardinal(year)


def _date(day: int, month: int, year: int | None, lang: str) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    table = LANGS[lang]
    said = table.date_order.format(day=table.say_day(day), month=_month(month, lang))
    return said if year is None else f"{said} {_year(year, lang)}"


def _dates(text: str, lang: str, currency: str | None) -> str:
    def iso(match: re.Match[str]) -> str:
        said = _date(int(match["d"]), int(match["m"]), int(match["y"]), lang)
        return said or match.group(0)

    def slash(match: re.Match[str]) -> str:
        a, b = int(match["a"]), int(match["b"])
        year = match["y"]
        full = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        # The French write day/month; the Americans month/day, unless the first can't be one.
        day, month = (a, b) if lang == "fr" or a > 12 else (b, a)
        if full is None and not _DATE_CUE.search(match.string[: match.start()]):
            return match.group(0)
        said = _date(day, month, full, lang)
        return said or match.group(0)

    def fraction(match: re.Match[str]) -> str:
        a, b = match["a"], match["b"]
        return FRACTIONS[lang].get(f"{a}/{b}") or f"{a} {WORDS[lang].out_of} {b}"

    text = _ALWAYS.sub("twenty-four seven" if lang == "en" else
                       "vingt-quatre heures sur vingt-quatre", text)
    text = _SLASH_DATE.sub(slash, _ISO_DATE.sub(iso, text))
    return _FRACTION.sub(fraction, text)


def _per(text: str, lang: str, currency: str | None) -> str:
    words = WORDS[lang]

    def per(match: re.Match[str]) -> str:
        unit = UNITS[lang].get(match["u"]) or UNITS[lang]["h"]
        if match["u"] == "d":
            unit = UnitWords("day", "days")
        n = int(match["n"])
        return f"{LANGS[lang].count_noun(n, unit.one, unit.many, unit.feminine)} " \
               f"{words.per} {LANGS[lang].cardinal_for(n, unit.feminine)}"

    return _PER.sub(per, text)


def _times(text: str, lang: str, currency: str | None) -> str:
    table = LANGS[lang]

    def clock(match: re.Match[str]) -> str:
        hour, minute = int(match["h"]), int(match["m"])
        if match["ap"]:
            hour = hour % 12 + (12 if match["ap"].lower() == "p" else 0)
        return table.say_time(hour, minute)

    def ampm(match: re.Match[str]) -> str:
        hour = int(match["h"]) % 12 + (12 if match["ap"].lower() == "p" else 0)
        return table.say_time(hour, 0)

    text = _CLOCK.sub(clock, text)
    if lang == "en":
        return _AMPM.sub(ampm, text)

    def hour(match: re.Match[str]) -> str:
        at_a_time = match["m"] is not None or _FR_AT_HOUR.search(text[: match.start()])
        if not at_a_time:
            return match.group(0)  # "livré en 24 h": a duration, read with the units
        return table.say_time(int(match["h"]), int(match["m"] or 0))

    return _FR_HOUR.sub(hour, text)


def _money(text: str, lang: str, currency: str | None) -> str:
    def say(match: re.Match[str]) -> str:
        value = read_number(match["num"])
        cents = match.groupdict().get("cents")
        if cents:
            value += Decimal(cents) / 100
        written = match["cur"]
        code = CURRENCY_SIGNS.get(written) or CURRENCY_NAMES[written.lower()]
        sign = "$" if written.lower().startswith("dollar") else written
        if currency is not None and currency in AMBIGUOUS_SIGNS.get(sign, ()):
            code = currency  # the product's own dollar or yen
        return spoken.say_money(Money(value, code), lang)

    def price(match: re.Match[str]) -> str:
        assert currency is not None
        return spoken.say_money(Money(read_number(match["num"]), currency), lang)

    text = _MONEY_AFTER.sub(say, _MONEY_BEFORE.sub(say, text))
    return text if currency is None else _PRICE.sub(price, text)


def _ranges(text: str, lang: str, currency: str | None) -> str:
    text = _RANGE.sub(lambda m: f"{m['a']} {WORDS[lang].to} ", text)
    return _NUMBER_WORD.sub(r"\g<n> ", text)  # "1.8-inch", "3-pack": the number, then the word


def _percents(text: str, lang: str, currency: str | None) -> str:
    def say(match: re.Match[str]) -> str:
        said = f"{_number(read_number(match['num']), lang)} {WORDS[lang].percent}"
        return f"{LANGS[lang].minus} {said}" if match["minus"] else said

    return _PERCENT.sub(say, text)


def _ordinals(text: str, lang: str, currency: str | None) -> str:
    def say(match: re.Match[str]) -> str:
        n = int(match["n"])
        if lang == "fr":
            if n == 1:
                return "première" if match["s"] in ("re", "ère") else "premier"
            return str(num2words(n, lang="fr", to="ordinal"))
        return str(num2words(n, lang="en", to="ordinal"))

    return _ORDINAL[lang].sub(say, text)


def _multiples(text: str, lang: str, currency: str | None) -> str:
    words = WORDS[lang]
    text = _BY.sub(lambda m: f"{m['a']} {words.by} ", text)
    text = _TIMES_BEFORE.sub(lambda m: f"{words.times} {m['n']}", text)
    text = _TIMES_AFTER.sub(lambda m: f"{m['n']} {words.times}", text)
    return _NUMERO.sub(f"{words.number} ", text)


def _units(text: str, lang: str, currency: str | None) -> str:
    names = sorted(UNITS[lang], key=len, reverse=True)
    pattern = re.compile(
        rf"(?<![\w.,])(?P<num>{NUMBER})\s?(?P<unit>{'|'.join(re.escape(n) for n in names)})"
        r"(?![\w°])"
    )

    def say(match: re.Match[str]) -> str:
        return _counted(read_number(match["num"]), UNITS[lang][match["unit"]], lang)

    return pattern.sub(say, text)


def _codes(text: str, lang: str, currency: str | None) -> str:
    letters = LETTERS[lang]

    def spell(match: re.Match[str]) -> str:
        code = match.group(0)
        if len(code.replace("-", "")) > MAX_CODE:
            return ""
        parts = re.findall(r"\d+|[A-Za-z]+", code)
        said = []
        for part in parts:
            if part.isdigit():
                said.append(" ".join(LANGS[lang].cardinal(int(d)) for d in part)
                            if len(part) > 3 or part.startswith("0")
                            else LANGS[lang].cardinal(int(part)))
            elif not part.isupper() or len(part) > 4:
                said.append(part)  # a word glued to a number: "iPhone15"
            else:
                said.append(" ".join(letters.get(c.upper(), c.upper()) for c in part))
        return " ".join(said)

    return _CODE.sub(spell, text)


def _numbers(text: str, lang: str, currency: str | None) -> str:
    def say(match: re.Match[str]) -> str:
        written = match.group(0)
        value = read_number(written)
        if written.isdigit() and len(written) == 4:
            return _year(int(written), lang) if 1900 <= int(written) < 2100 else _number(
                value, lang)
        if written.isdigit() and len(written) > MAX_CODE:
            return ""  # a barcode
        if written.isdigit() and len(written) > 7:
            return " ".join(LANGS[lang].cardinal(int(d)) for d in written)  # a phone number
        return _number(value, lang)

    return _DIGITS.sub(say, text)


def _abbreviations(text: str, lang: str, currency: str | None) -> str:
    words = WORDS[lang]
    for written, said in sorted(ABBREVIATIONS[lang].items(), key=lambda kv: -len(kv[0])):
        edge = r"(?!\w)" if written[-1] in ".-/" else r"\b"
        # "etc." ending a sentence ends it still.
        ends = "." if written.endswith(".") else ""
        text = re.sub(rf"(?<![\w.]){re.escape(written)}{edge}(?P<end>\s*$)?",
                      _ending(said, ends), text)
    text = re.sub(r"\s&\s", f" {words.and_} ", text)
    text = re.sub(r"\s\+\s", f" {words.plus} ", text)
    return text.replace("%", f" {words.percent}")


def _ending(said: str, ends: str) -> Callable[[re.Match[str]], str]:
    return lambda match: said + (ends if match["end"] is not None else "")


_STEPS: tuple[Callable[[str, str, str | None], str], ...] = (
    _addresses, _dates, _per, _times, _ranges, _money, _percents, _ordinals, _multiples,
    _units, _codes, _numbers, _abbreviations,
)
