"""Every price, sale price and discount any generated line states equals the catalog's."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import NOW, REPO

from host.catalog import load_catalog
from host.catalog.model import Money, Product
from host.catalog.money import parse_money
from host.script import spoken
from host.script.line import Line
from host.script.template_writer import TemplateWriter

# Money as captions show it: "27,90 €", "€27.90", "$19.99", "19,99 $US".
_SHOWN_MONEY = re.compile(
    r"[€$£]\s?\d[\d,.]*\d"
    r"|\d[\d\s.,]*\d\s?(?:€|\$US|\$|£)"
)
_PERCENT = re.compile(r"(\d+)\s?%")

CATALOGS = [
    REPO / "demo" / "catalog.en.json",
    REPO / "demo" / "catalog.fr.json",
    REPO / "tests" / "fixtures" / "catalog" / "gmc_feed.xml",
    REPO / "tests" / "fixtures" / "catalog" / "shopify_products.csv",
    REPO / "tests" / "fixtures" / "catalog" / "woocommerce_products.csv",
]


def allowed_amounts(product: Product) -> set[Money]:
    amounts = {product.price}
    amounts |= {v.price for v in product.variants if v.price is not None}
    if product.sale_active(NOW) and product.sale_price is not None:
        amounts.add(product.sale_price)
        amounts.add(Money(product.price.amount - product.sale_price.amount, product.price.currency))
    return amounts


def check_line(line: Line, product: Product) -> int:
    """Check one line; the number of amounts it shows."""
    allowed = allowed_amounts(product)
    shown_amounts = _SHOWN_MONEY.findall(line.caption)
    for shown in shown_amounts:
        stated = parse_money(shown, product.price.currency)
        assert stated in allowed, f"{line.source}: {shown!r} is not a catalog amount"
    for name, value in line.facts.items():
        if name in ("price", "sale_price", "savings"):
            amount = parse_money(value, None)
            assert amount in allowed
            assert spoken.say_money(amount, line.lang) in line.text
        if name == "price":
            assert value == str(product.price)
        if name == "sale_price":
            assert value == str(product.sale_price)
        if name == "discount":
            assert int(value) == product.discount_percent(NOW)
    if line.kind == "deal":
        percents = {int(p) for p in _PERCENT.findall(line.caption)}
        assert percents <= {product.discount_percent(NOW)}
        assert not re.search(r"\d", line.text), "numbers are spoken in words"
    return len(shown_amounts)


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_stated_amount_is_the_catalogs(catalog: Path, lang: str) -> None:
    loaded = load_catalog(catalog, default_currency="EUR")
    assert loaded.products
    on_sale = [p for p in loaded.products if p.sale_active(NOW)]
    deals = amounts = 0
    for seed in range(6):
        writer = TemplateWriter(seed=seed, clock=lambda: NOW)
        for product in loaded.products:
            for line in writer.pitch(product, lang) + writer.lines(product, "price", lang):
                amounts += check_line(line, product)
                deals += line.kind == "deal"
    assert deals == 6 * len([p for p in on_sale if p.orderable])
    assert amounts >= 6 * len(loaded.products)


def test_demo_catalog_has_a_deal_and_says_it_right() -> None:
    loaded = load_catalog(REPO / "demo" / "catalog.fr.json")
    serum = next(p for p in loaded.products if p.sale_price is not None)
    deal = TemplateWriter(clock=lambda: NOW).lines(serum, "deal", "fr")[0]
    assert deal.facts["sale_price"] == str(serum.sale_price)
    assert serum.sale_price is not None and serum.sale_price.amount == Decimal("27.90")
    assert "vingt-sept euros quatre-vingt-dix" in deal.text
