"""Which catalog product a message names, by title, brand and id words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from host.catalog.model import Product
from host.chat.lexicon import STOPWORDS
from host.chat.words import fold, stem, words


def _keys(text: str) -> set[str]:
    return {stem(w) for w in words(fold(text)) if len(w) > 1 and w not in STOPWORDS}


@dataclass(frozen=True)
class ProductIndex:
    """Each product's naming words (title, brand, id, category) and how rare each word is."""

    products: tuple[Product, ...]
    names: tuple[frozenset[str], ...]
    details: tuple[frozenset[str], ...]  # description and highlights: counted for on screen
    weights: dict[str, float]

    @classmethod
    def build(cls, products: Sequence[Product]) -> ProductIndex:
        names = []
        details = []
        for product in products:
            category = product.product_type.split(">")[-1]
            names.append(
                frozenset(
                    _keys(f"{product.title} {product.brand} {category}")
                    | _keys(product.id.replace("_", " ").replace("-", " "))
                )
            )
            details.append(
                frozenset(_keys(" ".join([product.description, *product.product_highlights])))
            )
        counts: dict[str, int] = {}
        for name in names:
            for key in name:
                counts[key] = counts.get(key, 0) + 1
        total = max(len(names), 1)
        weights = {key: math.log(1 + total / n) for key, n in counts.items()}
        return cls(tuple(products), tuple(names), tuple(details), weights)

    def match(self, folded: str, on_screen: Product | None) -> Product | None:
        """The product `folded` names best; the one on screen when it names none or ties."""
        typed = words(folded)
        whole = set(typed)
        said = {stem(w) for w in typed}
        best: Product | None = None
        best_score = 0.0
        tie = False
        for product, name, detail in zip(self.products, self.names, self.details, strict=True):
            if fold(product.id) in whole:  # a whole word: id "tee" is not in "teeth"
                return product
            score = sum(self.weights[key] for key in said & name)
            if on_screen is not None and product.id == on_screen.id:
                score += sum(self.weights.get(key, 1.0) for key in (said & detail) - name)
            if score <= 0:
                continue
            if score > best_score + 1e-9:
                best, best_score, tie = product, score, False
            elif abs(score - best_score) <= 1e-9:
                tie = True
                if on_screen is not None and product.id == on_screen.id:
                    best = product
        if best is None:
            return on_screen
        if tie and (on_screen is None or best.id != on_screen.id):
            return on_screen
        return best

    def mentions(self, folded: str, on_screen: Product | None) -> bool:
        """Whether `folded` holds a word naming any product, or describing the one on screen."""
        said = {stem(w) for w in words(folded)}
        if any(said & name for name in self.names):
            return True
        for product, detail in zip(self.products, self.details, strict=True):
            if on_screen is not None and product.id == on_screen.id:
                return bool(said & detail)
        return False
