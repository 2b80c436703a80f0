"""A real HTTP server on 127.0.0.1 for feed and photo tests: routes set per test, requests
counted, ETag and Last-Modified honoured, and the bad servers a feed meets in the wild."""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT"


@dataclass
class Route:
    """What a path answers: a body with its type, a status, a redirect, or a bad behaviour."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    location: str | None = None
    hang: bool = False  # accept, read the request, never answer
    length: bool = True  # send Content-Length
    validators: bool = True  # send ETag and Last-Modified, answer 304 to them


class FeedServer:
    """`routes[path] = Route(...)`; `hits[path]` counts requests, `full[path]` the 200s."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.full: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.hits[path] += 1
                route = server.routes.get(path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.hang:
                    server._stop.wait(60)
                    return
                if route.location is not None:
                    self.send_response(route.status)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.status != 200:
                    self.send_error(route.status)
                    return
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                asked = self.headers.get("If-None-Match")
                if asked or self.headers.get("If-Modified-Since"):
                    server.conditional[path] += 1
                if route.validators and asked == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                server.full[path] += 1
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                if route.validators:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", LAST_MODIFIED)
                if route.length:
                    self.send_header("Content-Length", str(len(route.body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    view = memoryview(route.body)
                    for start in range(0, len(view), 1 << 20):
                        self.wfile.write(view[start : start + (1 << 20)])
                except OSError:
                    pass  # the client stopped reading: as it should past its cap

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def photo(kind: str, colour: tuple[int, int, int], size: tuple[int, int] = (400, 400)) -> bytes:
    """A product photo: `colour` over most of it, a white border, in JPEG, PNG or WEBP."""
    image = Image.new("RGB", size, (255, 255, 255))
    inner = Image.new("RGB", (size[0] - 40, size[1] - 40), colour)
    image.paste(inner, (20, 20))
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 92} if kind in ("JPEG", "WEBP") else {}))
    return out.getvalue()


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A small PNG that claims width x height pixels: a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\0" * (width + 1) * 64, 9)  # the first rows only
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def wait_for(check: Callable[[], object], timeout: float = 10.0, every: float = 0.05) -> bool:
    """Poll `check()` until true or `timeout` seconds pass; whether it came true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return bool(check())


def merchant_feed(items: list[dict[str, str]], title: str = "Test shop") -> bytes:
    """A Google Merchant Center RSS feed of `items` (id, title, price, image_link, ...)."""
    rows = []
    for item in items:
        fields = "".join(
            f"<g:{key}>{value}</g:{key}>" if key != "title" else f"<title>{value}</title>"
            for key, value in item.items()
        )
        rows.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>'
        f"<title>{title}</title><link>https://shop.example</link><language>en</language>"
        + "".join(rows) + "</channel></rss>"
    ).encode()
