"""Claims the host must never make: a deny list per language, extendable from a TOML file."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

# In a phrase, "{n}" stands for any count: digits or a number word ("only {n} left").
COUNT = "{n}"
_COUNT_WORDS = (
    "une? deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt quelques "
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty few a\\s+few"
)
_COUNT_PATTERN = r"(?:\d+|" + "|".join(_COUNT_WORDS.split()) + ")"

# Categories a seller's own catalog text may state: "dernières pièces" in a description.
CATALOG_MAY_STATE = frozenset({"scarcity"})


def _phrases(listed: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in listed.split(";"))


_DEFAULTS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "health": _phrases(
            "guérit; guerir; guérir; soigne; soigner; traite l'acné; anti-cancer; "
            "anticancer; anti-rides garanti; médicament; thérapeutique; cure; miracle; "
            "élimine les toxines; détox; fait maigrir; perte de poids"
        ),
        "superlative": _phrases(
            "le meilleur du monde; la meilleure du monde; les meilleurs du monde; "
            "meilleur au monde; meilleure au monde; n°1; n° 1; numéro un; numéro 1; "
            "imbattable; le moins cher du marché; sans équivalent"
        ),
        "guarantee": _phrases(
            "résultats garantis; résultat garanti; efficacité garantie; "
            "satisfait ou remboursé; 100 % garanti; garanti à vie"
        ),
        "testimonial": _phrases(
            "j'ai testé; j'ai essayé; je l'utilise; je l'adore; moi-même; ma peau; "
            "mes cheveux; chez moi; nos clients adorent; nos clientes adorent; "
            "les clients disent; les clientes disent; tout le monde l'adore; "
            "des milliers de clients; avis clients"
        ),
        "scarcity": _phrases(
            "plus que {n}; il ne reste que {n}; il n'en reste que {n}; dernières pièces; "
            "derniers exemplaires; stock limité; quantités limitées; bientôt épuisé; "
            "part très vite; partent très vite; presque épuisé; victime de son succès"
        ),
    },
    "en": {
        "health": _phrases(
            "cures; cure; heals; heal; treats acne; treats eczema; anti-cancer; anticancer; "
            "medical; medicine; therapeutic; miracle; detox; weight loss; lose weight; "
            "clinically proven"
        ),
        "superlative": _phrases(
            "best in the world; world's best; best on the market; number one; number 1; "
            "no. 1; n°1; #1; unbeatable; cheapest anywhere"
        ),
        "guarantee": _phrases(
            "guaranteed results; results guaranteed; guaranteed to work; "
            "money-back guarantee; 100% guaranteed"
        ),
        "testimonial": _phrases(
            "i use it; i've tried; i have tried; i tested; i've tested; i love it; "
            "my skin; my hair; my home; customers say; customers love; our customers; "
            "everyone loves; thousands of customers; reviews say"
        ),
        "scarcity": _phrases(
            "only {n} left; just {n} left; last units; last few; selling out fast; "
            "selling fast; almost gone; almost sold out; limited stock; while stocks last; "
            "going fast"
        ),
    },
}


@lru_cache(maxsize=2048)
def fold(text: str) -> str:
    """Text as the guard compares it: case- and accent-free, one apostrophe, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("’", "'").replace("‘", "'").replace("ʼ", "'")
    for space in ("\u00a0", "\u202f", "\u2009"):
        plain = plain.replace(space, " ")
    return " ".join(plain.split())


def _pattern(phrase: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in fold(phrase).split(COUNT)]
    body = _COUNT_PATTERN.join(parts).replace(r"\ ", r"\s+")
    # Word boundaries that also work next to symbols ("n°1", "#1", "100 %").
    return re.compile(rf"(?<![\w]){body}(?![\w])")


@dataclass(frozen=True)
class Claim:
    """One denied phrase, its category and its compiled matcher."""

    phrase: str
    category: str
    pattern: re.Pattern[str] = field(compare=False, repr=False)


@dataclass(frozen=True)
class DenyList:
    """Denied phrases per language code, by category ("health", "scarcity"...)."""

    phrases: Mapping[str, Mapping[str, tuple[str, ...]]]
    _claims: Mapping[str, tuple[Claim, ...]] = field(init=False, repr=False, compare=False)
    _any: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        claims = {
            lang: tuple(
                Claim(phrase, category, _pattern(phrase))
                for category, listed in sorted(by_category.items())
                for phrase in listed
                if fold(phrase)
            )
            for lang, by_category in self.phrases.items()
        }
        object.__setattr__(self, "_claims", MappingProxyType(claims))
        every = {c.pattern.pattern for listed in claims.values() for c in listed}
        # One pass tells most lines apart from the rare one that needs each claim tried.
        object.__setattr__(self, "_any", re.compile("|".join(sorted(every)) or r"(?!x)x"))

    def hits(self, text: str, lang: str | None = None) -> list[tuple[Claim, str]]:
        """The denied claims in `text` (of `lang`, or of every language), with what matched."""
        folded = fold(text)
        found: list[tuple[Claim, str]] = []
        if not self._any.search(folded):
            return found
        langs = [lang] if lang is not None else list(self._claims)
        claims = dict.fromkeys(c for code in langs for c in self._claims.get(code, ()))
        for claim in claims:
            match = claim.pattern.search(folded)
            if match:
                found.append((claim, match.group(0)))
        return found

    def extended(self, more: Mapping[str, Mapping[str, tuple[str, ...]]]) -> DenyList:
        """This list plus `more`, category by category."""
        merged: dict[str, dict[str, tuple[str, ...]]] = {
            lang: dict(cats) for lang, cats in self.phrases.items()
        }
        for lang, cats in more.items():
            into = merged.setdefault(lang, {})
            for category, listed in cats.items():
                into[category] = into.get(category, ()) + tuple(listed)
        return DenyList(merged)


DEFAULT_DENY_LIST = DenyList(_DEFAULTS)


def load_deny_list(path: Path, base: DenyList = DEFAULT_DENY_LIST) -> DenyList:
    """`base` extended with a seller's TOML file: `[fr]` then `health = ["...", ...]`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ValueError(f"{path}: cannot read the deny list ({err.strerror or err})") from err
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not valid TOML: {err}") from err
    more: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(
                f"{path}: key '{lang}' must be a table of categories like [{lang}], "
                f"got {type(table).__name__}"
            )
        for category, listed in table.items():
            where = f"{path}: key '{lang}.{category}'"
            if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
                raise ValueError(f"{where} must be a list of strings")
            if any(not fold(p) for p in listed):
                raise ValueError(f"{where} holds an empty phrase")
            more.setdefault(lang, {})[category] = tuple(listed)
    return base.extended(more)
