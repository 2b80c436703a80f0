"""The product rotation: who comes up on air, how often, and never a sold-out product."""

import itertools
import json
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from conftest import NOW, eur
from hypothesis import given, settings
from hypothesis import strategies as st

from host.catalog.model import Availability, Product, SaleWindow
from host.script.product_rotation import ProductRotation, RotationState, is_featured, weight

PICKS = 2000


def product(
    pid: str, *, featured: bool = False, sale: bool = False, stock: bool = True
) -> Product:
    return Product(
        id=pid,
        title=f"Product {pid}",
        price=eur("20.00"),
        sale_price=eur("15.00") if sale else None,
        custom_labels=("Featured",) if featured else ("summer",),
        availability=Availability.IN_STOCK if stock else Availability.OUT_OF_STOCK,
    )


def mixed_catalog() -> list[Product]:
    return [
        product("both-1", featured=True, sale=True),
        product("both-2", featured=True, sale=True),
        product("feat-1", featured=True),
        product("feat-2", featured=True),
        product("sale-1", sale=True),
        product("sale-2", sale=True),
        product("plain-1"),
        product("plain-2"),
        product("plain-3"),
        product("plain-4"),
        product("gone-1", featured=True, sale=True, stock=False),
        product("gone-2", stock=False),
    ]


def picks(rotation: ProductRotation, catalog: list[Product], n: int = PICKS) -> list[str]:
    chosen = [rotation.pick(catalog, NOW) for _ in range(n)]
    return [p.id for p in chosen if p is not None]


def longest_wait(order: list[str], pid: str) -> int:
    """The most picks in a row, counted from the start, until `pid` comes up again."""
    seen = [-1] + [i for i, x in enumerate(order) if x == pid] + [len(order)]
    return max(b - a for a, b in itertools.pairwise(seen))


def test_weights_featured_and_on_sale_add_a_turn_each() -> None:
    assert weight(product("a"), NOW) == 1
    assert weight(product("a", featured=True), NOW) == 2
    assert weight(product("a", sale=True), NOW) == 2
    assert weight(product("a", featured=True, sale=True), NOW) == 3
    ended = replace(
        product("a", sale=True),
        sale_price_effective_date=SaleWindow(None, NOW - timedelta(hours=1)),
    )
    assert weight(ended, NOW) == 1


def test_featured_label_ignores_case_and_spaces() -> None:
    for label in ("featured", "FEATURED", " Featured "):
        assert is_featured(replace(product("a"), custom_labels=("x", label)))
    assert not is_featured(replace(product("a"), custom_labels=("featured-soon",)))


def test_mixed_catalog_airs_by_weight_never_sold_out_never_twice_in_a_row() -> None:
    catalog = mixed_catalog()
    on_air = [p for p in catalog if p.orderable]
    weights = {p.id: weight(p, NOW) for p in on_air}
    total = sum(weights.values())  # 18: K, the most picks any product waits
    order = picks(ProductRotation(seed=7), catalog)
    assert len(order) == PICKS
    counts = Counter(order)
    assert set(counts) == set(weights)  # gone-1 and gone-2 never air
    for pid, w in weights.items():
        assert abs(counts[pid] - PICKS * w / total) <= 3, (pid, counts[pid])
    assert all(a != b for a, b in itertools.pairwise(order))
    for pid in weights:
        assert longest_wait(order, pid) <= total, pid


def test_same_seed_same_order_another_seed_another_order() -> None:
    catalog = mixed_catalog()
    first = picks(ProductRotation(seed=3), catalog, 200)
    assert picks(ProductRotation(seed=3), catalog, 200) == first
    others = [picks(ProductRotation(seed=s), catalog, 200) for s in range(4, 8)]
    assert any(order != first for order in others)


def test_a_product_that_sells_out_mid_rotation_is_skipped_from_then_on() -> None:
    catalog = mixed_catalog()
    rotation = ProductRotation(seed=1)
    before = picks(rotation, catalog, 100)
    assert "both-1" in before
    sold_out = replace(catalog[0], availability=Availability.OUT_OF_STOCK)
    after = picks(rotation, [sold_out, *catalog[1:]], 500)
    assert "both-1" not in after
    assert after[0] != before[-1]
    assert set(after) == {p.id for p in catalog[1:] if p.orderable}
    back = picks(rotation, catalog, 100)
    assert "both-1" in back


def test_only_one_orderable_product_airs_again_and_again() -> None:
    catalog = [product("only"), product("gone", stock=False)]
    assert picks(ProductRotation(), catalog, 5) == ["only"] * 5
    assert ProductRotation().pick([product("gone", stock=False)], NOW) is None
    assert ProductRotation().pick([], NOW) is None


def test_state_round_trips_through_json_and_resumes_the_same_order() -> None:
    catalog = mixed_catalog()
    straight = picks(ProductRotation(seed=5), catalog, 300)
    first = ProductRotation(seed=5)
    head = picks(first, catalog, 137)
    saved = json.dumps(first.state.to_dict())
    restored = RotationState.from_dict(json.loads(saved))
    assert restored == first.state
    assert restored.picks == 137 and restored.last_id == head[-1]
    assert sum(restored.counts.values()) == 137
    tail = picks(ProductRotation(seed=5, state=restored), catalog, 163)
    assert head + tail == straight


def test_state_forgets_products_gone_from_the_catalog() -> None:
    rotation = ProductRotation()
    picks(rotation, mixed_catalog(), 50)
    picks(rotation, [product("new-1"), product("new-2")], 4)
    assert set(rotation.state.credit) == {"new-1", "new-2"}
    assert set(rotation.state.counts) == {"new-1", "new-2"}


def test_a_broken_state_names_the_field() -> None:
    cases = [
        ({"picks": -1}, "picks"),
        ({"last_id": 3}, "last_id"),
        ({"credit": {"a": "x"}}, "credit['a']"),
        ({"counts": []}, "counts"),
    ]
    for data, field in cases:
        with pytest.raises(ValueError, match=field.replace("[", r"\[")):
            RotationState.from_dict(data)


@settings(max_examples=150, deadline=None)
@given(
    kinds=st.lists(
        st.tuples(st.booleans(), st.booleans(), st.sampled_from([True, True, True, False])),
        min_size=1,
        max_size=20,
    ),
    seed=st.integers(0, 10_000),
)
def test_any_catalog_every_orderable_product_within_k_picks(
    kinds: list[tuple[bool, bool, bool]], seed: int
) -> None:
    catalog = [
        product(f"p{i}", featured=f, sale=s, stock=stock) for i, (f, s, stock) in enumerate(kinds)
    ]
    on_air = {p.id: weight(p, NOW) for p in catalog if p.orderable}
    order = picks(ProductRotation(seed=seed), catalog, 10 * max(1, sum(on_air.values())))
    assert set(order) == set(on_air)
    if len(on_air) > 1:
        assert all(a != b for a, b in itertools.pairwise(order))
    for pid in on_air:
        assert longest_wait(order, pid) <= sum(on_air.values())
