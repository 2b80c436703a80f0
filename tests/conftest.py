"""Shared fixtures: sample products and a copy of the bundled templates to break."""

from __future__ import annotations

import importlib
import os
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from host import paths
from host.catalog.model import Availability, Money, Product, SaleWindow, Variant

# A Wednesday: a sale ending Sunday night reads "until Sunday".
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def serum() -> Product:
    return Product(
        id="serum-vitc",
        title="Vitamin C Glow Serum",
        brand="Aurore",
        price=eur("39.90"),
        sale_price=eur("27.90"),
        sale_price_effective_date=SaleWindow(
            NOW - timedelta(days=5), datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
        ),
        description="A light serum for every day. It absorbs in seconds.",
        product_highlights=("15 % stabilised vitamin C", "30 ml glass bottle", "Fragrance free"),
        product_type="Beauty > Skincare",
        link="https://shop.example.com/products/serum",
    )


@pytest.fixture
def tee() -> Product:
    return Product(
        id="tee",
        title="Organic Cotton Tee",
        price=eur("19.90"),
        product_highlights=("100 % organic cotton",),
        variants=(
            Variant("tee-navy-m", {"color": "Navy", "size": "M"}),
            Variant("tee-white-l", {"color": "White", "size": "L"}),
            Variant(
                "tee-red-xl", {"color": "Red", "size": "XL"}, availability=Availability.OUT_OF_STOCK
            ),
        ),
    )


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A writable copy of the bundled templates."""
    folder = tmp_path / "scripts_templates"
    shutil.copytree(paths.templates_dir(), folder)
    return folder


def import_or_skip(name: str, hint: str) -> ModuleType:
    """The module, for tests of an optional extra: skip when it is missing, except in CI,
    where bin/setup dev installs every extra and a missing one is a failure."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {name} ({hint}): bin/setup dev installs it ({err})",
                        pytrace=False)
        pytest.skip(f"{name} is not installed ({hint})", allow_module_level=True)


def require_module(name: str, hint: str) -> None:
    """Skip when an optional extra is missing, except in CI, where it must be installed."""
    import_or_skip(name, hint)
