import itertools
import random
from collections import Counter

import pytest

from host.script.rotation import VariantRotation


def draw(rotation: VariantRotation[str], n: int) -> list[str]:
    said = []
    for _ in range(n):
        item = rotation.order()[0]
        rotation.took(item)
        said.append(item)
    return said


def test_never_the_same_item_twice_in_a_row_across_cycles() -> None:
    said = draw(VariantRotation(["a", "b", "c", "d"], random.Random(3)), 2000)
    assert all(x != y for x, y in itertools.pairwise(said))


def test_every_item_gets_its_turn_evenly() -> None:
    counts = Counter(draw(VariantRotation(["a", "b", "c", "d", "e"], random.Random(1)), 1000))
    assert set(counts) == {"a", "b", "c", "d", "e"}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_same_seed_same_order_other_seed_other_order() -> None:
    items = [str(i) for i in range(6)]
    first = draw(VariantRotation(items, random.Random(7)), 30)
    again = draw(VariantRotation(items, random.Random(7)), 30)
    other = draw(VariantRotation(items, random.Random(8)), 30)
    assert first == again
    assert first != other


def test_last_item_said_is_tried_last_when_others_do_not_apply() -> None:
    rotation = VariantRotation(["a", "b", "c"], random.Random(0))
    first = rotation.order()[0]
    rotation.took(first)
    assert rotation.order()[-1] == first


def test_single_item_repeats_and_empty_is_refused() -> None:
    assert draw(VariantRotation(["only"], random.Random(0)), 3) == ["only"] * 3
    with pytest.raises(ValueError):
        VariantRotation([], random.Random(0))
