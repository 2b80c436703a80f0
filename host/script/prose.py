"""How a line reads: in its language, as prose a presenter can say, free of model debris.

A model (a small local one above all) can answer word salad, chat-template tokens or
markup; none of it states a false price, yet none of it may air.
"""

from __future__ import annotations

import functools
import itertools
import re
from decimal import Decimal

from host.catalog.model import Money
from host.script import spoken
from host.script.claims import fold


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# A line is judged for language only once it holds this many stopwords of either language.
MIN_STOPWORDS = 3
_STOPWORDS = {
    "fr": _words(
        "le la les un une des du de et est c'est en au aux pour avec sur dans ce cette ces "
        "vous nous il elle qui que ne pas plus tout tres son sa ses votre vos on d'un d'une "
        "l'offre a je j'ai mon ma mes tu ton si aussi bien y ici seulement aujourd'hui "
        "maintenant votre"
    ),
    "en": _words(
        "the a an and is it's it of to for with on in this that these you we he she who "
        "not more all very its your our be are at from just right now only today here "
        "what how can will has have my i i'm so up off get yours"
    ),
}
WORD = re.compile(r"[\w']+")
# Chat-template and tokenizer tokens, and the markers of the prompt's data block.
_DEBRIS = re.compile(
    r"<\|[^|]*\|>|</?s>|\[/?INST\]|<unk>|<pad>|\[(?:PAD|UNK|CLS|SEP|MASK)\]|<<<|>>>|CATALOG_DATA",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"[{}<>\[\]#*_`|\\~^]")
LONGEST_WORD = 30
# A line this long with no stopword of its language is not prose in it.
PROSE_WORDS = 10
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD", "JPY")
REPEATS = 3  # the same word this many times in a row


@functools.cache
def _amount_words(lang: str) -> frozenset[str]:
    """Words that say amounts in `lang` ("vingt", "euros", "cents"): prices are not prose."""
    said = [spoken.say_number(n, lang) for n in (*range(101), 1000, 10**6, 10**9)]
    said += [spoken.say_money(Money(Decimal("2.02"), code), lang) for code in CURRENCIES]
    said += [spoken.say_percent(2, lang)]
    return frozenset(word for text in said for word in WORD.findall(fold(text)))


def lang_reason(text: str, lang: str) -> str | None:
    """Why `text` reads as another language than `lang`, or None."""
    words = WORD.findall(fold(text))
    counts = {code: sum(w in stop for w in words) for code, stop in _STOPWORDS.items()}
    other = max((c for c in counts if c != lang), key=lambda c: counts[c], default=None)
    if other is None or counts[other] < MIN_STOPWORDS:
        return None
    if counts[other] > 2 * counts.get(lang, 0):
        return f"reads as {other!r}, not {lang!r}"
    return None


SENTENCE_WORDS = 3


def is_common_word(word: str) -> bool:
    """Whether a folded word is a common word (article, verb, pronoun) in any language."""
    return any(word in stop for stop in _STOPWORDS.values())


def sentence_reason(text: str, lang: str) -> str | None:
    """Why a model's line is not a sentence in `lang`: too few words, or no common word.

    Stricter than `prose_reasons`, which the templates' short lines ("Fragrance free.")
    must pass too: a model asked for a sentence and answering two odd words is not a host.
    """
    words = WORD.findall(fold(text))
    if len(words) < SENTENCE_WORDS:
        return f"{len(words)} word(s): not a sentence"
    if not any(w in _STOPWORDS.get(lang, ()) for w in words):
        return f"no common {lang!r} word: not a sentence"
    return None


def prose_reasons(text: str, lang: str) -> list[str]:
    """Why `text` is not something to say aloud in `lang`: empty when it reads well."""
    reasons: list[str] = []
    debris = _DEBRIS.search(text) or _MARKUP.search(text)
    if debris:
        reasons.append(f"model token, markup or prompt marker {debris.group(0)!r}")
    words = WORD.findall(fold(text))
    if not words:
        reasons.append("no words to say")
        return reasons
    longest = max(words, key=len)
    if len(longest) > LONGEST_WORD:
        reasons.append(f"no such word: {longest[:40]!r}")
    stop = _STOPWORDS.get(lang, frozenset())
    amounts = _amount_words(lang)
    prose = [w for w in words if w in stop or (w not in amounts and len(w) > 1)]
    if len(prose) >= PROSE_WORDS and not any(w in stop for w in prose):
        reasons.append(f"{len(prose)} words, none of them common {lang!r} words: not prose")
    run = 1
    for before, word in itertools.pairwise(words):
        run = run + 1 if word == before else 1
        if run == REPEATS:
            reasons.append(f"says {word!r} {REPEATS} times in a row")
            break
    wrong = lang_reason(text, lang)
    if wrong:
        reasons.append(wrong)
    return reasons
