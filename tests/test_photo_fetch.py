"""Product photos from URLs: bounded fetches, decoded checks, a capped cache, no waiting."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from http_feed import FeedServer, Route, photo, png_bomb, wait_for
from PIL import Image

from host.catalog.fetch.http_get import Limits, get, redact
from host.catalog.fetch.photo_cache import PhotoCache
from host.catalog.fetch.photo_check import PhotoRefused, check_photo
from host.catalog.fetch.photo_store import PhotoStore
from host.errors import FetchError

QUICK = Limits(connect_timeout=2.0, read_timeout=0.5, deadline=5.0, max_bytes=10 * 1024 * 1024)
RED, GREEN, BLUE = (214, 32, 40), (20, 170, 70), (30, 60, 210)


@pytest.fixture
def server() -> FeedServer:
    with FeedServer() as running:
        running.routes.update({
            "/red.jpg": Route(photo("JPEG", RED), "image/jpeg"),
            "/green.png": Route(photo("PNG", GREEN), "image/png"),
            "/blue.webp": Route(photo("WEBP", BLUE), "image/webp"),
            "/page.jpg": Route(b"<!DOCTYPE html><html><body>Sorry</body></html>", "image/jpeg"),
            "/hang.jpg": Route(hang=True),
            "/huge.jpg": Route(os.urandom(1024) * 50 * 1024, "image/jpeg"),  # 50 MB
            "/huge-unsized.jpg": Route(b"\xff" * 50 * 1024 * 1024, "image/jpeg", length=False),
            "/loop-a.jpg": Route(status=302, location="/loop-b.jpg"),
            "/loop-b.jpg": Route(status=302, location="/loop-a.jpg"),
            "/to-file.jpg": Route(status=301, location="file:///etc/passwd"),
            "/moved.jpg": Route(status=301, location="/red.jpg"),
            "/bomb.png": Route(png_bomb(), "image/png"),
            "/noise.jpg": Route(os.urandom(5000), "image/jpeg"),
        })
        yield running


def test_a_photo_and_its_validators_come_back(server: FeedServer) -> None:
    got = get(server.url + "/red.jpg", limits=QUICK)
    assert got.status == 200 and check_photo(got.body)[0] == "JPEG"
    again = get(server.url + "/red.jpg", limits=QUICK, etag=got.etag)
    assert again.not_modified and again.body == b""
    assert server.full["/red.jpg"] == 1 and server.conditional["/red.jpg"] == 1
    moved = get(server.url + "/moved.jpg", limits=QUICK)
    assert moved.url.endswith("/red.jpg") and moved.body == got.body


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        ("/missing.jpg", "http_404", "HTTP 404"),
        ("/hang.jpg", "timeout", "no answer within 0.5 s"),
        ("/huge.jpg", "too_big", "50.0 MB, over the 10.0 MB cap"),
        ("/huge-unsized.jpg", "too_big", "over the 10.0 MB cap"),
        ("/loop-a.jpg", "redirects", "more than 5 redirects"),
        ("/to-file.jpg", "scheme", "file is not followed"),
    ],
)
def test_each_bad_server_is_refused_in_bounded_time_with_the_reason(
    server: FeedServer, path: str, kind: str, words: str
) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=words) as refused:
        get(server.url + path, limits=QUICK)
    assert refused.value.kind == kind
    assert str(refused.value).startswith(server.url)  # the URL is named
    assert time.monotonic() - started < QUICK.deadline


def test_a_feed_link_of_another_scheme_is_refused_before_any_request() -> None:
    with pytest.raises(FetchError, match="file is not followed") as refused:
        get("file:///etc/passwd")
    assert refused.value.kind == "scheme"


def test_logs_never_show_a_feeds_key_or_password() -> None:
    assert redact("https://user:secret@shop.example/feed.xml?key=abc123") == (
        "https://shop.example/feed.xml?…"
    )


def test_bytes_are_judged_by_decoding_them_not_by_their_type(server: FeedServer) -> None:
    assert check_photo(photo("PNG", GREEN)) == ("PNG", (400, 400))
    assert check_photo(photo("WEBP", BLUE))[0] == "WEBP"
    with pytest.raises(PhotoRefused, match="web page"):
        check_photo(server.routes["/page.jpg"].body)
    with pytest.raises(PhotoRefused, match="not an image"):
        check_photo(server.routes["/noise.jpg"].body)
    started = time.monotonic()
    with pytest.raises(PhotoRefused, match="over the 40 megapixel cap"):
        check_photo(png_bomb())
    assert time.monotonic() - started < 0.5  # refused from the header, nothing decoded
    with pytest.raises(PhotoRefused, match="broken"):
        check_photo(photo("JPEG", RED)[:3000])


def test_the_store_answers_at_once_and_has_the_photo_after_its_fetch(
    server: FeedServer, tmp_path: Path
) -> None:
    store = PhotoStore(PhotoCache(tmp_path / "photos"), limits=QUICK)
    link = server.url + "/red.jpg"
    started = time.monotonic()
    assert store.path(link) == ""  # not there yet: the placeholder airs
    assert time.monotonic() - started < 0.05
    assert wait_for(lambda: store.path(link) != "")
    with Image.open(store.path(link)) as image:
        assert image.getpixel((200, 200)) == pytest.approx(RED, abs=6)
    stats = store.stats()
    assert stats["fetched"] == 1 and stats["refused"] == 0 and stats["cached"] == 1
    store.close()


def test_every_bad_link_gets_its_reason_and_the_good_ones_their_photo(
    server: FeedServer, tmp_path: Path
) -> None:
    store = PhotoStore(PhotoCache(tmp_path / "photos"), limits=QUICK, workers=4)
    bad = {
        "/missing.jpg": "http_404", "/hang.jpg": "timeout", "/huge.jpg": "too_big",
        "/page.jpg": "not_image", "/loop-a.jpg": "redirects", "/bomb.png": "too_many_pixels",
        "/noise.jpg": "not_image",
    }
    links = [server.url + p for p in ("/red.jpg", "/green.png", "/blue.webp", *bad)]
    links.append("file:///etc/passwd")
    store.want(links)
    assert store.wait(15)
    for path in ("/red.jpg", "/green.png", "/blue.webp"):
        assert store.state(server.url + path) == "ok"
    for path in bad:
        assert store.state(server.url + path) == "refused"
        assert (store.failure(server.url + path) or "").startswith(server.url + path)
    assert "file is not followed" in (store.failure("file:///etc/passwd") or "")
    stats = store.stats()
    expected = {"http_404": 1, "timeout": 1, "too_big": 1, "not_image": 2, "redirects": 1,
                "too_many_pixels": 1, "scheme": 1}
    assert stats["refused_by"] == expected and stats["fetched"] == 3
    # A refused link is not asked again at every card: only after `retry_after`.
    hits = server.hits["/missing.jpg"]
    store.path(server.url + "/missing.jpg")
    store.wait(5)
    assert server.hits["/missing.jpg"] == hits
    store.close()


def test_a_restart_keeps_the_photos_and_an_unchanged_one_costs_a_304(
    server: FeedServer, tmp_path: Path
) -> None:
    link = server.url + "/green.png"
    first = PhotoStore(PhotoCache(tmp_path / "photos"), limits=QUICK)
    first.want([link])
    first.wait(10)
    first.close()
    again = PhotoStore(PhotoCache(tmp_path / "photos"), limits=QUICK, revalidate_after=0.0)
    assert again.path(link) != ""  # from disk at once, and checked in the background
    again.wait(10)
    assert server.full["/green.png"] == 1 and server.conditional["/green.png"] == 1
    assert again.stats()["revalidated"] == 1
    again.close()


def test_the_cache_stays_under_its_cap_least_recently_used_out_first(tmp_path: Path) -> None:
    ticks = iter(range(1000))
    cache = PhotoCache(tmp_path / "photos", cap=25_000, clock=lambda: float(next(ticks)))
    for n in range(5):
        cache.put(f"https://shop.example/{n}.jpg", bytes(10_000), None, None)
        cache.path("https://shop.example/0.jpg")  # the first photo stays in use
    assert cache.total() <= 25_000 and len(cache) == 2
    assert cache.path("https://shop.example/0.jpg") is not None
    assert cache.path("https://shop.example/4.jpg") is not None
    on_disk = sum(f.stat().st_size for f in (tmp_path / "photos").glob("*.img"))
    assert on_disk <= 25_000
    reopened = PhotoCache(tmp_path / "photos", cap=25_000)
    assert len(reopened) == 2 and reopened.total() == 20_000
