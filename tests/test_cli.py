"""The hostcast command as a user runs it: output, exit codes, and errors without tracebacks."""

import subprocess
import sys
from pathlib import Path

from conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "catalog"


def hostcast(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hostcast", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_catalog_check_summarises_a_merchant_center_feed() -> None:
    run = hostcast("catalog", "check", FIXTURES / "gmc_feed.xml")
    assert run.returncode == 1, run.stderr  # the fixture holds broken rows on purpose
    assert "Google Merchant Center RSS feed" in run.stdout
    assert "3 products, 3 variants" in run.stdout
    assert "gmc_feed.xml:75: price: '12,x EUR' is not a price (row skipped)" in run.stdout
    assert run.stderr == ""
    demo = hostcast("catalog", "check", "demo/catalog.fr.json")
    assert demo.returncode == 0, demo.stdout
    assert "10 products, 20 variants" in demo.stdout


def test_catalog_check_reports_refused_rows_and_loads_the_rest(tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "id;title;price;availability\n"
        "a1;Good mug;12,50 EUR;in_stock\n"
        "a2;No price;;in_stock\n"
        "a3;Bad price;12,x EUR;in_stock\n"
        "a4;Good tea;7.95 EUR;in_stock\n",
        encoding="utf-8-sig",
    )
    run = hostcast("catalog", "check", feed)
    assert run.returncode == 1
    assert "feed.csv:3: price" in run.stdout
    assert "feed.csv:4: price" in run.stdout
    assert "2 products" in run.stdout


def test_unreadable_or_unrecognised_files_exit_2_with_one_clear_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    for target in (junk, tmp_path / "missing.csv", tmp_path):
        run = hostcast("catalog", "check", target)
        assert run.returncode == 2, (target, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
        assert run.stderr.startswith("hostcast: error: ")
        assert target.name in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1


def test_script_in_french_and_english_speaks_the_catalog_price() -> None:
    at = "2026-11-18T15:00+01:00"
    fr = hostcast("script", "demo/catalog.fr.json", "--product", "serum-vitamin-c", "--at", at)
    assert fr.returncode == 0, fr.stderr
    assert "vingt-sept euros quatre-vingt-dix" in fr.stdout
    assert "27,90" in fr.stdout
    en = hostcast("script", "demo/catalog.en.json", "--lang", "en", "--count", "3", "--at", at)
    assert en.returncode == 0, en.stderr
    assert "[greeting]" in en.stdout and "[disclosure]" in en.stdout
    assert en.stdout.count("\n== ") == 3


def test_script_skips_sold_out_products_in_rotation() -> None:
    run = hostcast("script", "demo/catalog.en.json", "--count", "30", "--at", "2026-11-18T15:00Z")
    assert run.returncode == 0, run.stderr
    assert "(chocolates-12)" not in run.stdout
    assert "(watch-active)" in run.stdout  # on pre-order: orderable, so pitched


def test_script_option_errors_name_the_option() -> None:
    cases = [
        (["--lang", "de"], "--lang"),
        (["--product", "nope"], "--product: no product 'nope'"),
        (["--count", "0"], "--count"),
        (["--at", "tomorrow"], "--at"),
    ]
    for extra, expected in cases:
        run = hostcast("script", "demo/catalog.en.json", *extra)
        assert run.returncode == 2, extra
        assert expected in run.stderr
        assert "Traceback" not in run.stderr


def test_version_and_help() -> None:
    assert hostcast("--version").stdout.startswith("hostcast ")
    run = hostcast("--help")
    assert run.returncode == 0 and "catalog" in run.stdout and "script" in run.stdout
