"""The default pitch writer: jinja2 templates per language, no model needed."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from host import paths
from host.catalog.model import Product
from host.errors import TemplateError
from host.paths import shown
from host.script import spoken
from host.script.facts import CAPTION, SPEECH, FactLog, product_context
from host.script.line import Line
from host.script.rotation import VariantRotation
from host.script.template_check import check_variants
from host.script.templates import Variant, load_variants, make_environment, render
from host.script.writer import KINDS, PRODUCT_KINDS, pitch_kinds

MAX_FEATURE_LINES = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


def kind_applies(kind: str, product: Product, now: datetime) -> bool:
    """Whether a product has what a kind of line talks about (a deal, an end date, options)."""
    if kind == "deal":
        return product.sale_active(now)
    if kind == "urgency":
        window = product.sale_price_effective_date
        return product.sale_active(now) and window is not None and window.end is not None
    if kind == "options":
        options = product.option_values()
        return bool(options.get("size") or options.get("color"))
    return True


class TemplateWriter:
    """Writes lines from `scripts_templates/<lang>/<kind>.j2`, rotating variants by seed."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        seed: int = 0,
        clock: Callable[[], datetime] = utc_now,
        langs: Collection[str] | None = None,
    ) -> None:
        """`langs`: the languages to load and check (a show speaks one); None: every one."""
        self.folder = folder or paths.templates_dir()
        self._clock = clock
        self._rng = random.Random(seed)
        self._variants = self._load(self.folder, langs)
        check_variants(self._variants, self._render_pair)
        self._rotations = {
            key: VariantRotation(variants, self._rng) for key, variants in self._variants.items()
        }

    @property
    def langs(self) -> list[str]:
        return sorted({lang for lang, _ in self._variants})

    @staticmethod
    def _load(
        folder: Path, langs: Collection[str] | None
    ) -> dict[tuple[str, str], list[Variant]]:
        if not folder.is_dir():
            raise TemplateError(f"{shown(folder)}: template folder not found")
        env = make_environment()
        found: dict[tuple[str, str], list[Variant]] = {}
        lang_dirs = sorted(p for p in folder.iterdir() if p.is_dir())
        for lang_dir in lang_dirs:
            lang = lang_dir.name
            if lang not in spoken.SUPPORTED_LANGS:
                known = ", ".join(spoken.SUPPORTED_LANGS)
                raise TemplateError(
                    f"{shown(lang_dir)}: no number and money rules for language '{lang}' "
                    f"(supported: {known})"
                )
            if langs is not None and lang not in langs:
                continue
            for kind in KINDS:
                path = lang_dir / f"{kind}.j2"
                if not path.is_file():
                    raise TemplateError(f"{shown(path)}: missing template for the '{kind}' lines")
                found[(lang, kind)] = load_variants(env, path, kind, lang)
        if not lang_dirs:
            raise TemplateError(f"{shown(folder)}: no language folders (expected en/, fr/...)")
        for lang in sorted(set(langs or ()) - {lang for lang, _ in found}):
            have = ", ".join(p.name for p in lang_dirs)
            raise TemplateError(
                f"{shown(folder)}: no templates for language '{lang}' (have {have})"
            )
        return found

    def _check_lang(self, lang: str) -> str:
        code = spoken.check_lang(lang)
        if (code, "intro") not in self._variants:
            have = ", ".join(self.langs)
            raise TemplateError(
                f"{shown(self.folder)}: no templates for language '{code}' (have {have})"
            )
        return code

    def _render_pair(
        self, variant: Variant, product: Product | None, extra: dict[str, Any], now: datetime
    ) -> Line | None:
        """The variant in spoken and caption form, or None when it does not apply."""
        forms: list[tuple[str, dict[str, str]]] = []
        for mode in (SPEECH, CAPTION):
            log = FactLog()
            context: dict[str, Any] = {"lang": variant.lang, **extra}
            if product is not None:
                context.update(product_context(product, variant.lang, mode, now, log))
            forms.append((render(variant, context), log.stated))
        (text, facts), (caption, _) = forms
        if not text:
            return None
        about = product is not None and variant.kind in PRODUCT_KINDS
        return Line(
            text=text,
            caption=caption,
            kind=variant.kind,
            lang=variant.lang,
            product_id=product.id if about and product is not None else None,
            facts=facts,
            source=variant.where,
        )

    def _say(self, product: Product | None, kind: str, lang: str, **extra: Any) -> Line | None:
        rotation = self._rotations[(lang, kind)]
        now = self._clock()
        for variant in rotation.order():
            line = self._render_pair(variant, product, extra, now)
            if line is not None:
                rotation.took(variant)
                return line
        return None

    def lines(self, product: Product | None, kind: str, lang: str) -> list[Line]:
        """The lines of one kind about `product` (none when the kind does not apply)."""
        lang = self._check_lang(lang)
        if kind not in KINDS:
            raise ValueError(f"unknown kind of line {kind!r} (known: {', '.join(KINDS)})")
        if kind in PRODUCT_KINDS and product is None:
            raise ValueError(f"'{kind}' lines are about a product; none was given")
        if product is not None and not kind_applies(kind, product, self._clock()):
            return []
        if kind == "features" and product is not None:
            said = [
                self._say(product, kind, lang, highlight=highlight)
                for highlight in product.product_highlights[:MAX_FEATURE_LINES]
            ]
            return [line for line in said if line is not None]
        line = self._say(product, kind, lang)
        return [line] if line is not None else []

    async def write(self, product: Product | None, kind: str, lang: str) -> list[Line]:
        return self.lines(product, kind, lang)

    def pitch(self, product: Product, lang: str) -> list[Line]:
        """A whole pitch: introduction, features, options, price or deal, call to action."""
        kinds = pitch_kinds(product, self._clock())
        return [line for kind in kinds for line in self.lines(product, kind, lang)]
