"""The model evaluation's own fact checker (benchmarks/fact_check.py), apart from the guard:
it passes every true line the templates air and catches each kind of false one."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from conftest import REPO

from host.catalog import load_catalog
from host.script.template_writer import TemplateWriter

_spec = importlib.util.spec_from_file_location("fact_check", REPO / "benchmarks" / "fact_check.py")
assert _spec is not None and _spec.loader is not None
fact_check = importlib.util.module_from_spec(_spec)
sys.modules["fact_check"] = fact_check  # its dataclasses look themselves up there
_spec.loader.exec_module(fact_check)

TIMES = (
    datetime(2026, 11, 18, 15, 0, tzinfo=UTC),
    datetime(2026, 11, 22, 20, 0, tzinfo=UTC),  # a sale's last evening
    datetime(2027, 5, 28, 12, 0, tzinfo=UTC),  # a few days before the earbuds' sale ends
    datetime(2027, 7, 1, 12, 0, tzinfo=UTC),  # every sale over
)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_line_the_templates_air_passes(lang: str) -> None:
    products = load_catalog(REPO / "demo" / f"catalog.{lang}.json").products
    checked = 0
    wrong = []
    for at in TIMES:
        for seed in range(4):
            writer = TemplateWriter(seed=seed, clock=lambda at=at: at)
            for product in products:
                for line in writer.pitch(product, lang):
                    checked += 1
                    claims = fact_check.false_claims(line.caption, product, at, lang)
                    if claims:
                        wrong.append((line.caption, claims))
    assert checked > 150
    assert wrong == []


def _serum(lang: str) -> object:
    catalog = load_catalog(REPO / "demo" / f"catalog.{lang}.json")
    return next(p for p in catalog.products if "serum" in p.id)


@pytest.mark.parametrize(
    ("lang", "caption", "kind"),
    [
        ("en", "It's yours for €19.90, today only.", "money"),
        ("en", "It drops from €39.90 to €29.90.", "money"),
        ("fr", "Seulement 27,90 € au lieu de 49,90 €.", "money"),
        ("en", "That's 40 % off!", "percent"),
        ("fr", "Soit 31 % de réduction.", "percent"),
        ("en", "The offer runs until July 30.", "date"),
        ("fr", "Valable jusqu'au 15 juin.", "date"),
        ("en", "A light serum with 20 % vitamin C.", "percent"),
        ("fr", "Un flacon de 50 ml.", "number"),
        ("en", "This price lasts until Friday.", "weekday"),
    ],
)
def test_a_false_figure_is_caught(lang: str, caption: str, kind: str) -> None:
    serum = _serum(lang)
    at = TIMES[0]
    claims = fact_check.false_claims(caption, serum, at, lang)
    assert [c.kind for c in claims] == [kind], claims
    assert claims[0].why


def test_true_figures_of_the_serum_pass_in_any_form() -> None:
    serum = _serum("en")
    at = TIMES[0]
    regular, sale = serum.price.amount, serum.sale_price.amount  # type: ignore[attr-defined]
    assert (regular, sale) == (Decimal("39.90"), Decimal("27.90"))
    for caption in ("Now 27.90 EUR instead of €39.90: you save €12.00.", "Only 27,90 €.",
                    "30 % off, until June 30.", "A 30 ml bottle with 10 % vitamin C."):
        assert fact_check.false_claims(caption, serum, at, "en") == [], caption
    after = datetime(2026, 7, 2, tzinfo=UTC)
    assert [c.kind for c in fact_check.false_claims("Only €27.90.", serum, after, "en")] == [
        "money"]  # the sale is over: its price is false now
