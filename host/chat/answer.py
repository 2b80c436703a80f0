"""The host's reply to a viewer: grounded in catalog facts, by name, or nothing at all."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from host import paths
from host.catalog.model import Availability, Product
from host.chat.injection import injection_reason
from host.chat.intent import (
    GREETING,
    OFF_TOPIC,
    QUESTIONS,
    REFUSED,
    THANKS_INTENT,
    Understanding,
    abuse_reason,
    understand,
)
from host.chat.message import ViewerMessage
from host.chat.platforms import spoken_where
from host.chat.product_match import ProductIndex
from host.chat.sanitize import ANONYMOUS, clean_name, clean_text, spoken_name
from host.chat.words import fold
from host.errors import TemplateError
from host.paths import shown
from host.script import spoken
from host.script.facts import CAPTION, SPEECH, FactLog, product_context
from host.script.guard import PriceGuard
from host.script.line import Line
from host.script.rotation import VariantRotation
from host.script.template_check import check_variants
from host.script.templates import Variant, clause, load_variants, make_environment, render

KIND = "answer"
NO_PRODUCT = "no_product"  # a question about a product when none is on screen or named
# One template file per kind of answer, in scripts_templates/<lang>/answers/.
ANSWER_KINDS = (*QUESTIONS, GREETING, THANKS_INTENT, OFF_TOPIC, NO_PRODUCT)
# The name check_variants renders every template with, as if a viewer had written.
_SAMPLE_VIEWER = {"name": "Julie", "asker": "Julie on YouTube", "anonymous": False}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Answer:
    """What the host says back (no lines: nothing), about which product, and why."""

    intent: str
    product_id: str | None
    lines: tuple[Line, ...]
    spoken: bool
    reason: str


class ChatAnswerer(Protocol):
    """Anything that answers viewers: the template `Answerer`, or a model wrapping it."""

    def answer(
        self,
        message: ViewerMessage,
        on_screen: Product | None,
        products: Sequence[Product],
        lang: str,
    ) -> Answer: ...


def _asked_context(
    product: Product, asked: dict[str, tuple[str, ...]], lang: str
) -> dict[str, Any]:
    """What the templates need about the options a viewer named: are any of them orderable,
    and, for a colour, which sizes of it are (so "not in XL in white" does not go on to
    list a size that only another colour has)."""
    matching = [
        v
        for v in product.variants
        if all(v.options.get(option) in values for option, values in asked.items())
    ]
    orderable = [
        v
        for v in matching
        if (v.availability or product.availability) is not Availability.OUT_OF_STOCK
    ]
    options = product.option_values()
    in_color = [
        v.options["size"]
        for v in product.variants
        if "size" in v.options
        and v.options.get("color") in asked.get("color", ())
        and (v.availability or product.availability) is not Availability.OUT_OF_STOCK
    ]
    color_sizes = list(dict.fromkeys(in_color))
    return {
        "color_size_list": spoken.join_words(color_sizes, lang) if color_sizes else "",
        "asked_sizes": list(asked.get("size", ())),
        "asked_colors": [clause(c) for c in asked.get("color", ())],
        "asked_known": bool(matching),
        "asked_ok": bool(orderable),
        "has_sizes": bool(options.get("size")),
        "has_colors": bool(options.get("color")),
        "backorder": product.availability is Availability.BACKORDER,
    }


def _asker(name: str, where: str) -> str:
    """Who asked and where, as said: "Julie on YouTube" (just "Julie" on the page)."""
    return f"{name} {where}" if where else name


def _hostile(folded: str) -> bool:
    return bool(abuse_reason(folded) or injection_reason(folded))


class Answerer:
    """Answers from `scripts_templates/<lang>/answers/<kind>.j2`, each line checked by the guard."""

    def __init__(
        self,
        templates_dir: Path | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        seed: int = 0,
        redirect_off_topic: bool = False,
        guard: PriceGuard | None = None,
    ) -> None:
        self.folder = templates_dir or paths.templates_dir()
        self._clock = clock
        self._rng = random.Random(seed)
        # Off-topic chat ("lol", "first!") is most of a live chat: answering each one
        # would hand the air to whoever types most, so by default it gets no reply.
        self.redirect_off_topic = redirect_off_topic
        # The show passes its own guard, so answers are counted and audited with its lines.
        self._guard = guard or PriceGuard(now=clock)
        self._variants = self._load(self.folder)
        check_variants(self._variants, self._sample_pair)
        self._rotations = {
            key: VariantRotation(variants, self._rng) for key, variants in self._variants.items()
        }
        self._index_key: tuple[tuple[str, str, str, str], ...] = ()
        self._index = ProductIndex.build(())

    @staticmethod
    def _load(folder: Path) -> dict[tuple[str, str], list[Variant]]:
        env = make_environment()
        found: dict[tuple[str, str], list[Variant]] = {}
        for lang in spoken.SUPPORTED_LANGS:
            answers = folder / lang / "answers"
            if not answers.is_dir():
                continue
            for kind in ANSWER_KINDS:
                path = answers / f"{kind}.j2"
                if not path.is_file():
                    raise TemplateError(f"{shown(path)}: missing template for '{kind}' answers")
                found[(lang, kind)] = load_variants(env, path, kind, lang)
        if not found:
            raise TemplateError(
                f"{shown(folder)}: no answer templates (expected <lang>/answers/*.j2)"
            )
        return found

    @property
    def langs(self) -> list[str]:
        return sorted({lang for lang, _ in self._variants})

    def _products(self, products: Sequence[Product]) -> ProductIndex:
        key = tuple((p.id, p.title, p.brand, p.product_type) for p in products)
        if key != self._index_key:
            self._index_key, self._index = key, ProductIndex.build(products)
        return self._index

    def _render_pair(
        self, variant: Variant, product: Product | None, extra: dict[str, Any], now: datetime
    ) -> Line | None:
        forms: list[tuple[str, dict[str, str]]] = []
        for mode in (SPEECH, CAPTION):
            log = FactLog()
            context: dict[str, Any] = {"lang": variant.lang, "title": "", **extra}
            if product is not None:
                context.update(product_context(product, variant.lang, mode, now, log))
            forms.append((render(variant, context), log.stated))
        (text, facts), (caption, _) = forms
        if not text:
            return None
        return Line(
            text=text,
            caption=caption,
            kind=KIND,
            lang=variant.lang,
            product_id=product.id if product is not None else None,
            facts=facts,
            source=variant.where,
        )

    def _sample_pair(
        self, variant: Variant, product: Product | None, extra: dict[str, Any], now: datetime
    ) -> Line | None:
        context = {**_SAMPLE_VIEWER, **extra}
        if product is not None:
            context.update(_asked_context(product, {}, variant.lang))
        return self._render_pair(variant, product, context, now)

    def _line(
        self, kind: str, lang: str, product: Product | None, extra: dict[str, Any]
    ) -> tuple[Line | None, str]:
        """The first variant that renders and passes the guard, or None and the guard's why."""
        rotation = self._rotations[(lang, kind)]
        now = self._clock()
        why = "no variant applies"
        where = extra.get("where", "")
        anonymous = {**extra, "name": ANONYMOUS[lang], "asker": _asker(ANONYMOUS[lang], where),
                     "anonymous": True}
        for variant in rotation.order():
            # A name the guard refuses ("Twenty", "Miracle") falls back to "a viewer".
            for context in (extra, anonymous):
                line = self._render_pair(variant, product, context, now)
                if line is None:
                    break
                verdict = self._guard.check(line, product)
                if verdict.ok:
                    rotation.took(variant)
                    return line, ""
                why = "; ".join(verdict.reasons)
                if context["anonymous"]:
                    break
        return None, why

    def say(
        self,
        understanding: Understanding,
        name: str,
        product: Product | None,
        lang: str,
        source: str = "",
    ) -> Answer:
        """The answer to an understood message from `name` (as typed) about `product`;
        `source` is where it was asked ("youtube"), which the answer says."""
        lang = self._check_lang(lang)
        intent = understanding.intent
        if intent in REFUSED:
            return Answer(intent, None, (), False, understanding.reason)
        if intent == OFF_TOPIC and not self.redirect_off_topic:
            return Answer(intent, None, (), False, "off topic: not answered, the rotation goes on")
        said = spoken_name(name, lang)
        typed = fold(clean_name(name))
        if said == ANONYMOUS[lang] or _hostile(typed) or _hostile(fold(said)):
            said = ANONYMOUS[lang]
        where = spoken_where(source, lang)
        extra: dict[str, Any] = {
            "name": said, "asker": _asker(said, where), "where": where,
            "anonymous": said == ANONYMOUS[lang],
        }
        kind = intent
        about: Product | None = None
        if intent in QUESTIONS:
            if product is None:
                kind = NO_PRODUCT
            else:
                about = product
                extra.update(_asked_context(product, dict(understanding.asked), lang))
        elif intent == OFF_TOPIC:
            about = product
        line, why = self._line(kind, lang, about, extra)
        if line is None:
            return Answer(intent, None, (), False, f"not answered: {why}")
        about_id = about.id if about is not None else None
        return Answer(intent, about_id, (line,), True, understanding.reason)

    def answer(
        self,
        message: ViewerMessage,
        on_screen: Product | None,
        products: Sequence[Product],
        lang: str,
    ) -> Answer:
        """What the host says to `message`; hostile messages get no lines and a reason."""
        lang = self._check_lang(lang)
        text = clean_text(message.text)
        if not text:
            return Answer(OFF_TOPIC, None, (), False, "empty message")
        index = self._products(products)
        understanding = understand(text, on_screen, index)
        if understanding.intent == OFF_TOPIC:
            product = on_screen  # a redirect, when made, leads back to what is on screen
        else:
            product = next(
                (p for p in index.products if p.id == understanding.product_id),
                on_screen
                if on_screen is not None and on_screen.id == understanding.product_id
                else None,
            )
        return self.say(understanding, message.name, product, lang, message.source)

    def _check_lang(self, lang: str) -> str:
        code = spoken.check_lang(lang)
        if (code, GREETING) not in self._variants:
            raise TemplateError(
                f"{shown(self.folder)}: no answer templates for language '{code}' "
                f"(have {', '.join(self.langs)})"
            )
        return code
