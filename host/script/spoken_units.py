"""Per-language word tables that `spoken` reads: currency units, number words, sale-end phrases."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from num2words import num2words


@dataclass(frozen=True)
class Unit:
    """How one currency is named aloud: its unit and minor unit, singular and plural."""

    one: str
    many: str
    minor_one: str = ""
    minor_many: str = ""
    # Grammatical gender matters where "one" agrees with the noun (fr "une livre").
    feminine: bool = False
    minor_feminine: bool = False


@dataclass(frozen=True)
class LangTable:
    """Everything language-specific that spoken and display text need for one language."""

    code: str
    locale: str
    minus: str
    point: str
    percent: str
    # Whether "1.25" reads "one point twenty-five" (True) or "one point two five" (False).
    fraction_as_number: bool
    singular: Callable[[int], bool]
    currencies: Mapping[str, Unit]
    tonight: str
    tomorrow: str
    until_time: str
    until_weekday: str
    until_date: str
    date_order: str
    say_day: Callable[[int], str]
    show_day: Callable[[int], str]
    say_time: Callable[[int, int], str]
    show_time_whole: str
    show_time_minutes: str
    # Tokens num2words adds that the host should not say (en "one hundred and five").
    dropped_words: frozenset[str] = frozenset()
    feminine_forms: Mapping[str, str] = field(default_factory=dict)
    # Nouns after which the unit takes "of" (fr "un million d'euros").
    of_after: frozenset[str] = frozenset()
    of_word: str = ""
    of_elided: str = ""

    def cardinal(self, n: int) -> str:
        """Cardinal words for a whole number, without the dropped filler words."""
        words = num2words(n, lang=self.code).replace(",", "")
        return " ".join(w for w in words.split() if w not in self.dropped_words)

    def cardinal_for(self, n: int, feminine: bool) -> str:
        """Cardinal words agreeing with a noun of the given gender."""
        words = self.cardinal(n).split(" ")
        if feminine and words[-1] in self.feminine_forms:
            words[-1] = self.feminine_forms[words[-1]]
        return " ".join(words)

    def count_noun(self, n: int, one: str, many: str, feminine: bool = False) -> str:
        """A count followed by its noun: "vingt et une livres", "un million d'euros"."""
        words = self.cardinal_for(n, feminine)
        noun = one if self.singular(n) else many
        if words.split(" ")[-1] in self.of_after:
            elide = self.of_elided and noun[:1].lower() in "aeiouhéèêö"
            return f"{words} {self.of_elided}{noun}" if elide else f"{words} {self.of_word}{noun}"
        return f"{words} {noun}"


def _fr_time(hour: int, minute: int) -> str:
    if hour in (0, 12):
        head = "minuit" if hour == 0 else "midi"
    else:
        head = FR.count_noun(hour, "heure", "heures", feminine=True)
    return head if minute == 0 else f"{head} {FR.cardinal_for(minute, feminine=True)}"


def _en_time(hour: int, minute: int) -> str:
    if minute == 0 and hour in (0, 12):
        return "midnight" if hour == 0 else "noon"
    head = EN.cardinal(hour % 12 or 12)
    if minute:
        tail = EN.cardinal(minute)
        head = f"{head} oh {tail}" if minute < 10 else f"{head} {tail}"
    return f"{head} {'am' if hour < 12 else 'pm'}"


def _fr_say_day(day: int) -> str:
    return "premier" if day == 1 else FR.cardinal(day)


def _fr_show_day(day: int) -> str:
    return "1er" if day == 1 else str(day)


def _en_say_day(day: int) -> str:
    return str(num2words(day, lang="en", to="ordinal"))


FR = LangTable(
    code="fr",
    locale="fr_FR",
    minus="moins",
    point="virgule",
    percent="pour cent",
    fraction_as_number=True,
    singular=lambda n: n < 2,
    currencies=MappingProxyType({
        "EUR": Unit("euro", "euros", "centime", "centimes"),
        "USD": Unit("dollar", "dollars", "cent", "cents"),
        "GBP": Unit("livre", "livres", "penny", "pence", feminine=True),
        "CAD": Unit("dollar canadien", "dollars canadiens", "cent", "cents"),
        "AUD": Unit("dollar australien", "dollars australiens", "cent", "cents"),
        "CHF": Unit("franc suisse", "francs suisses", "centime", "centimes"),
        "JPY": Unit("yen", "yens"),
        "CNY": Unit("yuan", "yuans", "fen", "fens"),
        "PLN": Unit("zloty", "zlotys", "grosz", "groszy"),
        "SEK": Unit("couronne suédoise", "couronnes suédoises", "öre", "öre", feminine=True),
    }),
    tonight="jusqu'à ce soir",
    tomorrow="jusqu'à demain",
    until_time="jusqu'à {}",
    until_weekday="jusqu'à {}",
    until_date="jusqu'au {}",
    date_order="{day} {month}",
    say_day=_fr_say_day,
    show_day=_fr_show_day,
    say_time=_fr_time,
    show_time_whole="H 'h'",
    show_time_minutes="H 'h' mm",
    feminine_forms=MappingProxyType({"un": "une"}),
    of_after=frozenset({"million", "millions", "milliard", "milliards"}),
    of_word="de ",
    of_elided="d'",
)

EN = LangTable(
    code="en",
    locale="en_US",
    minus="minus",
    point="point",
    percent="percent",
    fraction_as_number=False,
    singular=lambda n: n == 1,
    currencies=MappingProxyType({
        "EUR": Unit("euro", "euros", "cent", "cents"),
        "USD": Unit("dollar", "dollars", "cent", "cents"),
        "GBP": Unit("pound", "pounds", "penny", "pence"),
        "CAD": Unit("Canadian dollar", "Canadian dollars", "cent", "cents"),
        "AUD": Unit("Australian dollar", "Australian dollars", "cent", "cents"),
        "CHF": Unit("Swiss franc", "Swiss francs", "centime", "centimes"),
        "JPY": Unit("yen", "yen"),
        "CNY": Unit("yuan", "yuan", "fen", "fen"),
        "PLN": Unit("zloty", "zlotys", "grosz", "groszy"),
        "SEK": Unit("Swedish krona", "Swedish kronor", "öre", "öre"),
    }),
    tonight="until tonight",
    tomorrow="until tomorrow",
    until_time="until {}",
    until_weekday="until {}",
    until_date="until {}",
    date_order="{month} {day}",
    say_day=_en_say_day,
    show_day=str,
    say_time=_en_time,
    show_time_whole="h a",
    show_time_minutes="h:mm a",
    dropped_words=frozenset({"and"}),
)

LANGS: Mapping[str, LangTable] = MappingProxyType({t.code: t for t in (EN, FR)})
