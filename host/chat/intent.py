"""What a viewer's message is: a question on a product and its topic, a greeting, or worse."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from host.catalog.model import Product
from host.chat.injection import injection_reason
from host.chat.lexicon import (
    ABUSIVE,
    ABUSIVE_PHRASES,
    DEICTICS,
    GREETINGS,
    QUESTION_OPENERS,
    THANKS,
    TOPICS,
)
from host.chat.product_match import ProductIndex
from host.chat.words import fold, spelled_out, squeezed, stem, words

QUESTION = "question"  # about a product, no topic we know: what the catalog says of it
GREETING = "greeting"
THANKS_INTENT = "thanks"
OFF_TOPIC = "off_topic"
ABUSIVE_INTENT = "abusive"
INJECTION = "injection"
# Every intent; the question topics first, most specific first.
INTENTS = (*TOPICS, QUESTION, GREETING, THANKS_INTENT, OFF_TOPIC, ABUSIVE_INTENT, INJECTION)
QUESTIONS = (*TOPICS, QUESTION)
# Never read out, never answered.
REFUSED = (ABUSIVE_INTENT, INJECTION)

_ABUSIVE_SQUEEZED = frozenset(squeezed(word) for word in ABUSIVE)
_SHORT_OPTION = 2  # option values this short ("S", "XL") count only as typed, in capitals
_SIZE_WORDS = r"(?:size|taille|en|in|du|a|an)"


@dataclass(frozen=True)
class Understanding:
    """A message's intent, the product it is about, the options it names, and why."""

    intent: str
    product_id: str | None = None
    asked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reason: str = ""

    def __post_init__(self) -> None:
        if self.intent not in INTENTS:
            raise ValueError(f"unknown intent {self.intent!r} (known: {', '.join(INTENTS)})")
        object.__setattr__(self, "asked", MappingProxyType(dict(self.asked)))


def _phrase_in(phrases: frozenset[str], spaced: str, stems: set[str]) -> str | None:
    for phrase in phrases:
        if " " in phrase or "-" in phrase:
            if f" {phrase} " in spaced:
                return phrase
        elif phrase in stems or stem(phrase) in stems:
            return phrase
    return None


def abuse_reason(folded: str) -> str | None:
    """Why folded text is abusive (an insult or slur it holds), or None."""
    said = words(folded)
    spaced = f" {' '.join(said)} "
    phrase = _phrase_in(ABUSIVE_PHRASES, spaced, set())
    if phrase:
        return f"insult {phrase!r}"
    candidates = set(said) | set(folded.split())
    spelled = spelled_out(folded)
    if spelled:
        candidates.add(spelled)
    for word in sorted(candidates):
        word = word.strip("!?.,:;*")
        if word in ABUSIVE:
            return "insult or slur"
        # Only a disguised word is compared squeezed: "cone" is not "conne", "connnne" is.
        plain = squeezed(word)
        if plain != word and plain in _ABUSIVE_SQUEEZED:
            return "insult or slur"
    return None


def _options_named(text: str, folded: str, product: Product) -> dict[str, tuple[str, ...]]:
    """The product's option values (sizes, colours...) the message names."""
    named: dict[str, tuple[str, ...]] = {}
    stems = {stem(w) for w in words(folded)}
    for option, values in product.option_values().items():
        hits: list[str] = []
        for value in values:
            key = fold(value)
            if len(key) <= _SHORT_OPTION:
                typed = re.search(rf"(?<![\w'’]){re.escape(value)}(?![\w'’])", text)
                after = re.search(rf"\b{_SIZE_WORDS} {re.escape(key)}\b(?!')", folded)
                if typed or after:
                    hits.append(value)
            elif f" {key} " in f" {' '.join(words(folded))} " or any(
                stem(part) in stems for part in words(key) if len(part) > 2
            ):
                hits.append(value)
        if hits:
            named[option] = tuple(hits)
    return named


def _is_question(text: str, said: list[str]) -> bool:
    return "?" in text or bool(said and said[0] in QUESTION_OPENERS)


def understand(
    text: str, on_screen: Product | None, products: Sequence[Product] | ProductIndex
) -> Understanding:
    """Sort cleaned chat text (see `sanitize.clean_text`) into an intent about a product."""
    folded = fold(text)
    injected = injection_reason(folded)
    if injected:
        return Understanding(INJECTION, reason=f"injection: {injected}")
    abusive = abuse_reason(folded)
    if abusive:
        return Understanding(ABUSIVE_INTENT, reason=f"abusive: {abusive}")
    index = products if isinstance(products, ProductIndex) else ProductIndex.build(products)
    said = words(folded)
    stems = {stem(w) for w in said}
    spaced = f" {' '.join(said)} "
    product = index.match(folded, on_screen)
    asked = _options_named(text, folded, product) if product is not None else {}
    topic = next(
        (name for name, phrases in TOPICS.items() if _phrase_in(phrases, spaced, stems)), None
    )
    if "€" in text or "$" in text or "£" in text:
        topic = topic if topic in ("shipping", "returns") else "price"
    if topic in (None, "stock", "sizes", "colors") and asked:
        topic = "sizes" if "size" in asked else "colors" if "color" in asked else topic
    about = product.id if product is not None else None
    if topic is not None:
        return Understanding(topic, about, asked, f"question about {topic}")
    named = product is not None and (on_screen is None or product.id != on_screen.id)
    pointed = index.mentions(folded, on_screen) or bool(stems & DEICTICS)
    if product is not None and (named or (_is_question(text, said) and pointed)):
        return Understanding(QUESTION, about, asked, "question about the product")
    if _phrase_in(THANKS, spaced, stems):
        return Understanding(THANKS_INTENT, reason="thanks")
    if _phrase_in(GREETINGS, spaced, stems):
        return Understanding(GREETING, reason="greeting")
    return Understanding(OFF_TOPIC, reason="off topic: no product or question the catalog answers")
