"""Catalogs from a URL: fetched with conditional requests, a broken version refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from http_feed import FeedServer, Route, merchant_feed, photo

from host.catalog import load_catalog
from host.catalog.fetch.feed_mirror import FeedMirror
from host.catalog.fetch.http_get import Limits
from host.errors import CatalogError, FetchError
from hostcast.cli import main
from hostcast.daemon.reload import ConfigWatch
from hostcast.fetching import feed_mirrors
from hostcast.schedule import InvalidConfigError, load_config

QUICK = Limits(connect_timeout=2.0, read_timeout=1.0, deadline=5.0)


def items(price: str = "29.90 USD", *, mug: bool = True) -> list[dict[str, str]]:
    rows = [{"id": "tee", "title": "Organic Tee", "price": price,
             "link": "https://shop.example/tee", "availability": "in_stock"}]
    if mug:
        rows.append({"id": "mug", "title": "Stoneware Mug", "price": "14.00 USD",
                     "link": "https://shop.example/mug", "availability": "in_stock"})
    return rows


def test_a_feed_is_fetched_then_asked_again_with_its_validators(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.routes["/feed.xml"] = Route(merchant_feed(items()), "application/xml")
        mirror = FeedMirror(server.url + "/feed.xml", tmp_path, limits=QUICK)
        path = mirror.ensure()
        assert [p.id for p in load_catalog(path).products] == ["tee", "mug"]
        for _ in range(3):
            assert mirror.refresh() is False  # nothing changed
        # One full download; every later request was conditional and got a 304.
        assert server.full["/feed.xml"] == 1 and server.conditional["/feed.xml"] == 3
        assert mirror.status()["not_modified"] == 3


def test_a_new_version_replaces_the_file_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    with FeedServer() as server:
        url = server.url + "/feed.xml"
        server.routes["/feed.xml"] = Route(merchant_feed(items()), "application/xml")
        mirror = FeedMirror(url, tmp_path, limits=QUICK)
        path = mirror.ensure()
        server.routes["/feed.xml"] = Route(merchant_feed(items("24.90 USD", mug=False)))
        assert mirror.refresh() is True
        [tee] = load_catalog(path).products
        assert str(tee.price.amount) == "24.90"
        good = path.read_bytes()
        server.routes["/feed.xml"] = Route(b'<?xml version="1.0"?><rss><channel><item>')
        with pytest.raises(CatalogError, match=r"feed\.xml.*last good catalog stays on air"):
            mirror.refresh()
        assert path.read_bytes() == good  # the last good version stays
        server.routes["/feed.xml"] = Route(merchant_feed([]))
        with pytest.raises(CatalogError, match="lists no products"):
            mirror.refresh()
        server.routes["/feed.xml"] = Route(status=503)
        with pytest.raises(FetchError, match="HTTP 503"):
            mirror.refresh()
        assert path.read_bytes() == good
        assert mirror.status()["refused"] == 3 and "HTTP 503" in mirror.status()["last_error"]


def test_a_server_down_at_start_airs_the_copy_fetched_before(tmp_path: Path) -> None:
    with FeedServer() as server:
        url = server.url + "/feed.xml"
        server.routes["/feed.xml"] = Route(merchant_feed(items()))
        FeedMirror(url, tmp_path, limits=QUICK).ensure()
        server.routes["/feed.xml"] = Route(status=500)
        path = FeedMirror(url, tmp_path, limits=QUICK).ensure()  # a restart
        assert len(load_catalog(path).products) == 2
        with pytest.raises(CatalogError, match=r"HTTP 500 .*; no copy of it was fetched before"):
            FeedMirror(url, tmp_path / "elsewhere", limits=QUICK).ensure()


def test_a_daemon_channel_takes_its_catalog_from_a_url_and_sees_new_versions(
    tmp_path: Path,
) -> None:
    with FeedServer() as server:
        server.routes["/feed.xml"] = Route(merchant_feed(items()), "application/xml")
        config_file = tmp_path / "hostcast.toml"
        config_file.write_text(
            '[daemon]\ncache = "cache"\ncatalog_refresh = 0.5\n\n'
            f'[[channel]]\nname = "shop"\ncatalog = "{server.url}/feed.xml?key=s3cret"\n'
        )
        config = load_config(config_file)
        mirror_file = next(iter(config.catalogs))
        assert mirror_file.is_relative_to(tmp_path / "cache" / "feeds")
        assert config.daemon.catalog_refresh == 0.5
        assert config.feeds == ((f"{server.url}/feed.xml?key=s3cret", None),)
        assert [p.id for p in config.catalogs[mirror_file].products] == ["tee", "mug"]
        watch = ConfigWatch(config)
        mirrors = feed_mirrors(config.daemon.cache)
        for url, currency in config.feeds:
            mirrors.mirror(url, currency)
        assert mirrors.refresh_all() == [] and not watch.due()  # unchanged: a 304
        server.routes["/feed.xml"] = Route(merchant_feed(items("24.90 USD", mug=False)))
        assert mirrors.refresh_all() == [] and watch.changed() == [mirror_file]
        reloaded = load_config(config_file)
        [tee] = reloaded.catalogs[mirror_file].products
        assert str(tee.price.amount) == "24.90"
        watch.watch(reloaded)
        server.routes["/feed.xml"] = Route(b"garbage that is no catalog")
        [why] = mirrors.refresh_all()
        assert "last good catalog stays on air" in why and "s3cret" not in why
        assert not watch.due()  # nothing new to reload: the good version stays


def test_a_catalog_url_that_cannot_be_fetched_is_a_config_error_naming_the_key(
    tmp_path: Path,
) -> None:
    with FeedServer() as server:
        config_file = tmp_path / "hostcast.toml"
        config_file.write_text(
            f'[daemon]\ncache = "cache"\n\n[[channel]]\nname = "shop"\n'
            f'catalog = "{server.url}/gone.xml"\n'
        )
        with pytest.raises(InvalidConfigError, match=r"channel\[shop\]\.catalog: .*HTTP 404"):
            load_config(config_file)
    config_file.write_text('[[channel]]\nname = "shop"\ncatalog = "file:///etc/passwd"\n')
    with pytest.raises(InvalidConfigError, match="file is not followed"):
        load_config(config_file)


def test_catalog_check_on_a_url_reports_each_photo_that_cannot_be_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FeedServer() as server:
        server.routes["/a.jpg"] = Route(photo("JPEG", (200, 20, 20)), "image/jpeg")
        server.routes["/page.jpg"] = Route(b"<html><body>gone</body></html>", "image/jpeg")
        rows = items()
        rows[0]["image_link"] = server.url + "/a.jpg"
        rows[1]["image_link"] = server.url + "/page.jpg"
        rows.append({"id": "cap", "title": "Cap", "price": "9.00 USD", "link": "https://x/c",
                     "image_link": server.url + "/missing.jpg"})
        server.routes["/feed.xml"] = Route(merchant_feed(rows), "application/xml")
        url = server.url + "/feed.xml?key=s3cret"
        assert main(["catalog", "check", url, "--cache", str(tmp_path)]) == 0
        code = main(["catalog", "check", url, "--check-images", "--cache", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 1 and "s3cret" not in printed
    assert "3 products" in printed and "images: 1 of 3 can be drawn" in printed
    assert "[mug]: image_link: " + server.url + "/page.jpg: not an image" in printed
    assert "[cap]: image_link: " + server.url + "/missing.jpg: HTTP 404" in printed


def test_relative_photo_links_in_a_fetched_feed_resolve_against_its_url(
    tmp_path: Path,
) -> None:
    with FeedServer() as server:
        rows = items()
        rows[0]["image_link"] = "img/tee.jpg"
        rows[1]["image_link"] = "//cdn.example/mug.png"
        server.routes["/shop/feed.xml"] = Route(merchant_feed(rows), "application/xml")
        mirror = FeedMirror(server.url + "/shop/feed.xml", tmp_path, limits=QUICK)
        mirror.ensure()
        tee, mug = mirror.load().products
    assert tee.image_link == server.url + "/shop/img/tee.jpg"
    assert mug.image_link == "http://cdn.example/mug.png"
