"""The words `speakable` puts in place of symbols, units and abbreviations, per language."""

from __future__ import annotations

from dataclasses import dataclass

# Currency signs and codes as catalogs and people write them, to ISO 4217 codes.
CURRENCY_SIGNS = {
    "€": "EUR", "EUR": "EUR", "$": "USD", "US$": "USD", "USD": "USD",
    "£": "GBP", "GBP": "GBP", "¥": "JPY", "JPY": "JPY", "CHF": "CHF", "C$": "CAD",
    "CA$": "CAD", "CAD": "CAD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "CNY": "CNY",
    "SEK": "SEK", "PLN": "PLN",
}  # fmt: skip
# Currency names written after a figure: "9.99 euros".
CURRENCY_NAMES = {
    "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "pound": "GBP",
    "pounds": "GBP", "livre": "GBP", "livres": "GBP",
}  # fmt: skip
# Signs that name more than one currency: the product's own is meant.
AMBIGUOUS_SIGNS = {
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}),
    "¥": frozenset({"JPY", "CNY"}),
}


@dataclass(frozen=True)
class UnitWords:
    """A unit's name aloud, singular and plural, and its gender where "one" agrees."""

    one: str
    many: str
    feminine: bool = False


def _u(one: str, many: str | None = None, feminine: bool = False) -> UnitWords:
    return UnitWords(one, many if many is not None else one + "s", feminine)


# Unit symbols after a number. Case matters: "mm" is not "Mm", "W" is watts.
UNITS: dict[str, dict[str, UnitWords]] = {
    "en": {
        "ml": _u("millilitre"), "mL": _u("millilitre"), "cl": _u("centilitre"),
        "l": _u("litre"), "L": _u("litre"), "g": _u("gram"), "kg": _u("kilogram"),
        "mg": _u("milligram"), "cm": _u("centimetre"), "mm": _u("millimetre"),
        "m": _u("metre"), "km": _u("kilometre"), "h": _u("hour"), "min": _u("minute"),
        "s": _u("second"), "mAh": _u("milliamp hour"), "Wh": _u("watt hour"),
        "W": _u("watt"), "kW": _u("kilowatt"), "V": _u("volt"), "Hz": _u("hertz", "hertz"),
        "GB": _u("gigabyte"), "Go": _u("gigabyte"), "MB": _u("megabyte"),
        "Mo": _u("megabyte"), "TB": _u("terabyte"), "To": _u("terabyte"),
        "°C": _u("degree Celsius", "degrees Celsius"), "°F": _u("degree Fahrenheit",
        "degrees Fahrenheit"), "°": _u("degree"), "oz": _u("ounce"), "lb": _u("pound"),
        "lbs": _u("pound"), "in": _u("inch", "inches"), "ft": _u("foot", "feet"),
        "pcs": _u("piece"), "pc": _u("piece"),
    },
    "fr": {
        "ml": _u("millilitre"), "mL": _u("millilitre"), "cl": _u("centilitre"),
        "l": _u("litre"), "L": _u("litre"), "g": _u("gramme"), "kg": _u("kilogramme"),
        "mg": _u("milligramme"), "cm": _u("centimètre"), "mm": _u("millimètre"),
        "m": _u("mètre"), "km": _u("kilomètre"), "h": _u("heure", feminine=True),
        "min": _u("minute", feminine=True), "s": _u("seconde", feminine=True),
        "j": _u("jour"), "mAh": _u("milliampère-heure", "milliampères-heure"),
        "Wh": _u("wattheure"), "W": _u("watt"), "kW": _u("kilowatt"), "V": _u("volt"),
        "Hz": _u("hertz", "hertz"), "Go": _u("gigaoctet"), "GB": _u("gigaoctet"),
        "Mo": _u("mégaoctet"), "MB": _u("mégaoctet"), "To": _u("téraoctet"),
        "TB": _u("téraoctet"), "°C": _u("degré Celsius", "degrés Celsius"),
        "°F": _u("degré Fahrenheit", "degrés Fahrenheit"), "°": _u("degré"),
        "pcs": _u("pièce", feminine=True), "pc": _u("pièce", feminine=True),
    },
}  # fmt: skip


@dataclass(frozen=True)
class Words:
    """Small words of one language that `speakable` says in place of signs."""

    to: str  # a range: "2-3 days"
    by: str  # dimensions: "30 x 40 cm"
    times: str  # "x2"
    number: str  # "N° 5"
    at: str  # "@" in an e-mail address
    dot: str  # "." in a domain name
    dash: str  # "-" in a domain name
    and_: str  # "&"
    plus: str
    per: str  # "24h/24"
    out_of: str  # "5/5"
    percent: str


WORDS = {
    "en": Words(to="to", by="by", times="times", number="number", at="at", dot="dot",
                dash="dash", and_="and", plus="plus", per="a", out_of="out of", percent="percent"),
    "fr": Words(to="à", by="sur", times="fois", number="numéro", at="arobase", dot="point",
                dash="tiret", and_="et", plus="plus", per="sur", out_of="sur", percent="pour cent"),
}  # fmt: skip

FRACTIONS = {
    "en": {"1/2": "one half", "1/3": "one third", "1/4": "one quarter", "3/4": "three quarters"},
    "fr": {"1/2": "un demi", "1/3": "un tiers", "1/4": "un quart", "3/4": "trois quarts"},
}

# Abbreviations as written (with their dots), and what the host says. Matched whole, as
# written: "min." is an abbreviation, "min" after a number is a unit.
ABBREVIATIONS: dict[str, dict[str, str]] = {
    "en": {
        "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "approx.": "about",
        "vs.": "versus", "vs": "versus", "incl.": "including", "excl.": "excluding",
        "max.": "maximum", "min.": "minimum", "qty": "quantity", "Qty": "quantity",
        "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Dr.": "Doctor", "approx": "about",
        "w/": "with", "w/o": "without",
        "VAT": "V A T", "FAQ": "F A Q", "USB-C": "U S B C", "USB": "U S B", "LED": "L E D",
        "TV": "T V", "SPF": "S P F", "ASAP": "as soon as possible", "OK": "okay",
    },
    "fr": {
        "p. ex.": "par exemple", "ex.": "par exemple", "c.-à-d.": "c'est-à-dire",
        "càd": "c'est-à-dire", "etc.": "et cetera", "env.": "environ", "M.": "Monsieur",
        "Mme": "Madame", "Mmes": "Mesdames", "Mlle": "Mademoiselle", "Dr": "Docteur",
        "TTC": "toutes taxes comprises", "HT": "hors taxes", "qté": "quantité",
        "réf.": "référence", "Réf.": "référence", "max.": "maximum", "min.": "minimum",
        "TVA": "T V A", "FAQ": "F A Q", "USB-C": "U S B C", "USB": "U S B", "LED": "L E D",
        "TV": "télé", "SPF": "S P F", "SAV": "service après-vente", "cf.": "voir",
    },
}  # fmt: skip

# Letters spelled out, for product codes: how each sounds on its own.
LETTERS = {
    "en": {"W": "double-u", "Z": "zee"},
    "fr": {"W": "double v", "Y": "i grec"},
}
