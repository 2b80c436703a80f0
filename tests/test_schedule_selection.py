"""A slot's products: the subset it selects, the ones it features, its deal for the airing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from conftest import REPO, eur

from host.catalog import load_catalog
from host.catalog.model import Availability, Money, Product, SaleWindow, Variant
from host.script.product_rotation import ProductRotation, is_featured
from hostcast.schedule.selection import Deal, Lineup, Selection, apply_deal, feature, product_tags

START = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
END = START + timedelta(hours=4)
DEMO = load_catalog(REPO / "demo" / "catalog.fr.json").products


def ids(products: tuple[Product, ...]) -> list[str]:
    return [p.id for p in products]


def test_tags_match_labels_and_each_level_of_the_product_type_in_any_case() -> None:
    serum = next(p for p in DEMO if p.id == "serum-vitamin-c")
    assert {"featured", "beauté", "soins du visage", "sérums"} <= product_tags(serum)
    chosen = Selection(tags=("BEAUTÉ", "Maison")).select(DEMO)
    assert ids(chosen) == ["serum-vitamin-c", "candle-lavender", "mug-stoneware"]
    assert ids(Selection(tags=("featured",)).select(DEMO)) == [
        "serum-vitamin-c", "earbuds-pro", "candle-lavender"
    ]


def test_filters_are_anded_and_prices_compare_the_regular_price() -> None:
    by_brand = Selection(brands=("northloom",)).select(DEMO)
    assert ids(by_brand) == ["tee-organic", "hoodie-heavy"]
    cheap = Selection(brands=("northloom",), price_max=Decimal("30")).select(DEMO)
    assert ids(cheap) == ["tee-organic"]
    # The serum is 39.90 on sale at 27.90: its regular price is what counts.
    assert "serum-vitamin-c" not in ids(Selection(price_max=Decimal("30")).select(DEMO))
    band = Selection(price_min=Decimal("16.90"), price_max=Decimal("19.90")).select(DEMO)
    assert ids(band) == ["candle-lavender", "mug-stoneware"]
    assert ids(Selection(ids=("mug-stoneware", "nope")).select(DEMO)) == ["mug-stoneware"]
    assert Selection().select(DEMO) == DEMO


def test_featured_products_get_the_label_and_more_turns() -> None:
    mug = next(p for p in DEMO if p.id == "mug-stoneware")
    featured = feature(mug)
    assert is_featured(featured) and not is_featured(mug)
    assert feature(featured) is featured
    lineup = Lineup(Selection(tags=("maison", "épicerie")), featured=("mug-stoneware",))
    products = lineup.products(DEMO, START, END)
    rotation = ProductRotation(seed=1)
    picks = [rotation.pick(products, START) for _ in range(40)]
    counts = {p.id: sum(1 for q in picks if q is not None and q.id == p.id) for p in products}
    assert counts["mug-stoneware"] > counts["honey-acacia"]
    assert counts["chocolates-12"] == 0  # sold out, never aired


def test_a_deal_puts_products_on_sale_for_the_airing_only() -> None:
    mug = next(p for p in DEMO if p.id == "mug-stoneware")  # 16.90 EUR
    on_deal = apply_deal(mug, Deal(Decimal(15)), START, END)
    assert on_deal.sale_price == eur("14.37")  # 14.365 rounded half up to the cent
    assert on_deal.sale_price_effective_date == SaleWindow(START, END)
    assert on_deal.current_price(START) == eur("14.37")
    assert on_deal.current_price(END - timedelta(seconds=1)) == eur("14.37")
    assert on_deal.current_price(END) == eur("16.90")
    assert on_deal.current_price(START - timedelta(seconds=1)) == eur("16.90")
    assert on_deal.discount_percent(START) == 14  # rounded down: never overstated


def test_a_deal_only_on_its_ids() -> None:
    lineup = Lineup(Selection(tags=("maison",)), deal=Deal(Decimal(20), ("candle-lavender",)))
    products = {p.id: p for p in lineup.products(DEMO, START, END)}
    assert products["candle-lavender"].sale_price == eur("15.92")
    assert products["mug-stoneware"].sale_price is None


def test_a_cheaper_catalog_sale_that_lasts_the_airing_is_kept() -> None:
    serum = Product(
        id="serum", title="Serum", price=eur("39.90"), sale_price=eur("27.90"),
        sale_price_effective_date=SaleWindow(START - timedelta(days=3), END + timedelta(days=1)),
    )
    assert apply_deal(serum, Deal(Decimal(10)), START, END) is serum
    assert apply_deal(serum, Deal(Decimal(30)), START, END) is serum  # 27.93 > 27.90
    better = apply_deal(serum, Deal(Decimal(50)), START, END)
    assert better.sale_price == eur("19.95")
    ending = Product(
        id="p", title="P", price=eur("20.00"), sale_price=eur("10.00"),
        sale_price_effective_date=SaleWindow(None, START + timedelta(hours=1)),
    )
    # The catalog sale ends inside the airing: the deal holds for the whole slot instead.
    replaced = apply_deal(ending, Deal(Decimal(10)), START, END)
    assert replaced.sale_price == eur("18.00")
    assert replaced.current_price(START + timedelta(hours=2)) == eur("18.00")


def test_rounding_follows_the_currency_and_never_gives_nothing_off() -> None:
    yen = Product(id="y", title="Tea", price=Money(Decimal("1999"), "JPY"))
    assert apply_deal(yen, Deal(Decimal(15)), START, END).sale_price == Money(
        Decimal("1699"), "JPY"
    )
    penny = Product(id="c", title="Sticker", price=eur("0.01"))
    assert apply_deal(penny, Deal(Decimal(10)), START, END) is penny


def test_variants_with_their_own_price_get_the_deal_too() -> None:
    shirt = Product(
        id="s", title="Shirt", price=eur("20.00"),
        variants=(
            Variant("s-m", {"size": "M"}),
            Variant("s-xl", {"size": "XL"}, price=eur("24.00"), sale_price=eur("23.00")),
            Variant("s-3xl", {"size": "3XL"}, price=eur("26.00"),
                    availability=Availability.OUT_OF_STOCK),
        ),
    )
    on_deal = apply_deal(shirt, Deal(Decimal(25)), START, END)
    assert [v.sale_price for v in on_deal.variants] == [None, eur("18.00"), eur("19.50")]


@pytest.mark.parametrize("percent", [Decimal(0), Decimal(100), Decimal(-5)])
def test_a_deal_takes_something_off_and_not_everything(percent: Decimal) -> None:
    with pytest.raises(ValueError, match="percent"):
        Deal(percent)
