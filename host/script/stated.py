"""What a line states in figures and words: amounts, percentages, bare numbers, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Kinds of figure a line can state.
MONEY = "money"
PERCENT = "percent"
NUMBER = "number"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_SYMBOLS: dict[str, frozenset[str]] = {
    "€": frozenset({"EUR"}),
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}),
    "£": frozenset({"GBP"}),
    "¥": frozenset({"JPY", "CNY"}),
}
_WORDS: dict[str, frozenset[str]] = {
    "euro": _SYMBOLS["€"],
    "euros": _SYMBOLS["€"],
    "dollar": _SYMBOLS["$"],
    "dollars": _SYMBOLS["$"],
    "pound": _SYMBOLS["£"],
    "pounds": _SYMBOLS["£"],
    "livres": _SYMBOLS["£"],
}
_CODES = r"eur|usd|gbp|cad|aud|chf|jpy|cny|sek|pln"
_PRE = rf"(?P<pre>[€$£¥]|(?:{_CODES})(?=[\s\d]))\s?"
_NUM = r"(?P<num>\d+(?:[ .,]\d{3}(?!\d))*(?:[.,]\d+)?)"
_POST = (
    rf"\s?(?P<post>[€$£¥%]|(?:{_CODES}|euros?|dollars?|pounds?|livres|cents?|centimes?"
    r"|pour\s?cent|percent|per\s?cent)(?![\w]))"
)
FIGURE = re.compile(rf"(?:{_PRE})?{_NUM}(?:{_POST})?")

_UNITS = (
    "zero un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize dix-sept vingt trente quarante cinquante soixante septante huitante "
    "nonante cent cents mille million millions milliard milliards "
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand billion dozen douzaine "
    "third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth "
    "deuxieme troisieme quatrieme cinquieme sixieme septieme huitieme neuvieme dixieme "
    "vingtieme trentieme quatre-vingt quatre-vingts"
)
# Articles and adjectives that are numbers only in context: "un sérum", "état neuf".
_AMBIGUOUS = frozenset({"un", "une", "one", "neuf"})
NUMBER_WORDS = frozenset(_UNITS.split()) - _AMBIGUOUS
MONEY_WORDS = frozenset(
    {
        "euro",
        "euros",
        "dollar",
        "dollars",
        "centime",
        "centimes",
        "pence",
        "penny",
        "cent",
        "cents",
        "eur",
        "usd",
        "gbp",
        "livre",
        "livres",
        "pound",
        "pounds",
        "sterling",
        "yen",
        "yens",
        "franc",
        "francs",
    }
)
WEEKDAYS = _words(
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "monday tuesday wednesday thursday friday saturday sunday"
)
MONTHS = _words(
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
    "january february april june july august september october november december"
)
# English months that are also common words count only beside a number: "May 30".
_AMBIGUOUS_MONTHS = frozenset({"may", "march"})
# Deadline words, by the days left that make them true.
SAME_DAY_DEADLINES = frozenset(
    {"tonight", "ce soir", "last day", "dernier jour", "today only",
     "aujourd'hui seulement", "midnight", "minuit"}
)
NEXT_DAY_DEADLINES = frozenset({"tomorrow", "demain"})
DEADLINES = tuple(sorted(SAME_DAY_DEADLINES | NEXT_DAY_DEADLINES))
FREE = re.compile(
    r"(?<![\w-])(?:free|for nothing|gratuit|gratuite|gratuits|gratuites|gratos|offert|offerte"
    r"|offerts|offertes|pour rien)(?![\w-])"
)
_WORD = re.compile(r"[\w']+(?:-[\w']+)*")
_SIGNS = re.compile(r"[€$£¥%]|\bpour\s?cent\b|\bper\s?cent\b|\bpercent\b")


@dataclass(frozen=True)
class Figure:
    """A number written in figures, with what it counts and the currencies it may be."""

    said: str
    kind: str
    values: frozenset[Decimal]
    currencies: frozenset[str] = frozenset()


def _readings(num: str) -> frozenset[Decimal]:
    """The values "1,234" or "19,90" may mean: both separators are read both ways."""
    digits = num.replace(" ", "")
    seps = [ch for ch in digits if ch in ".,"]
    candidates: list[str] = []
    if not seps:
        candidates = [digits]
    elif len(set(seps)) == 2:
        decimal = digits[max(digits.rfind("."), digits.rfind(","))]
        other = "," if decimal == "." else "."
        candidates = [digits.replace(other, "").replace(decimal, ".")]
    elif len(seps) > 1:
        candidates = [digits.replace(seps[0], "")]
    else:
        candidates = [digits.replace(seps[0], ".")]
        if len(digits) - digits.find(seps[0]) - 1 == 3:
            candidates.append(digits.replace(seps[0], ""))
    values: set[Decimal] = set()
    for candidate in candidates:
        try:
            values.add(Decimal(candidate).normalize())
        except InvalidOperation:
            continue
    return frozenset(values)


def figures(folded: str) -> tuple[list[Figure], str]:
    """The figures in folded text, and the text with them blanked out."""
    found: list[Figure] = []
    for match in FIGURE.finditer(folded):
        values = _readings(match["num"])
        unit = (match["pre"] or match["post"] or "").replace(" ", "")
        if unit in ("%", "pourcent", "percent", "percent"):
            found.append(Figure(match[0].strip(), PERCENT, values))
        elif unit in ("cent", "cents", "centime", "centimes"):
            cents = frozenset((v / 100).normalize() for v in values)
            found.append(Figure(match[0].strip(), MONEY, cents, frozenset()))
        elif unit:
            codes = _SYMBOLS.get(unit) or _WORDS.get(unit) or frozenset({unit.upper()})
            found.append(Figure(match[0].strip(), MONEY, values, codes))
        else:
            found.append(Figure(match[0].strip(), NUMBER, values))
    return found, FIGURE.sub(" ", folded)


def _is_number_word(word: str) -> bool:
    parts = word.split("-")
    return any(part in NUMBER_WORDS or part in MONEY_WORDS for part in parts)


def leftover_numbers(folded: str) -> list[str]:
    """Number words (runs joined: "dix-neuf euros"), money words and signs left in the text."""
    found: list[str] = [sign.group(0) for sign in _SIGNS.finditer(folded)]
    run: list[str] = []
    previous = ""
    for word in [*_WORD.findall(folded), "."]:
        if _is_number_word(word) or (run and word in ("et", "un", "une", "and")):
            # "un euro", "one dollar": an article is a count before a number or a currency.
            run += [previous, word] if not run and previous in _AMBIGUOUS else [word]
            previous = word
            continue
        previous = word
        while run and not _is_number_word(run[-1]):
            run.pop()
        if run:
            found.append(" ".join(run))
        run = []
    return found


def dates_named(folded: str) -> list[str]:
    """Weekday and month names in folded text ("May" only beside a number)."""
    words = _WORD.findall(folded)
    named: list[str] = []
    for index, word in enumerate(words):
        if word in WEEKDAYS or word in MONTHS:
            named.append(word)
        elif word in _AMBIGUOUS_MONTHS:
            near = words[max(index - 1, 0) : index] + words[index + 1 : index + 2]
            if any(w.isdigit() or w in NUMBER_WORDS for w in near):
                named.append(word)
    return named


# "un euro" is not what "un euro vingt et un" says: a phrase followed by a count stays.
_COUNTS = "|".join(sorted(NUMBER_WORDS | _AMBIGUOUS, key=len, reverse=True))
_NOT_BEFORE_A_COUNT = rf"(?!\s+(?:(?:et|and)\s+)?(?:{_COUNTS})\b)"


@lru_cache(maxsize=256)
def phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One matcher for whole-word folded phrases, longest first; never matches when empty."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    bodies = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered if p)
    if not bodies:
        return re.compile(r"(?!x)x")
    return re.compile(rf"(?<![\w-])(?:{bodies})(?![\w-]){_NOT_BEFORE_A_COUNT}")


def remove(folded: str, phrase: str) -> str:
    """Folded text without every whole-word occurrence of `phrase` (folded)."""
    if not phrase:
        return folded
    body = re.escape(phrase).replace(r"\ ", r"\s+")
    return re.sub(rf"(?<![\w-]){body}(?![\w-]){_NOT_BEFORE_A_COUNT}", " ", folded)
