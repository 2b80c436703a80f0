"""One bounded HTTP(S) GET: timeouts, a redirect limit, a size cap, conditional headers.

Only http and https are followed, at every hop: a feed cannot point us at `file://`.
The size cap holds while reading, whatever Content-Length claims, and a deadline bounds
the whole fetch, so a server that drips one byte a second is cut off too.
"""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from host.errors import FetchError

SCHEMES = ("http", "https")
USER_AGENT = "Hostcast/1 (+https://github.com/hostcast; live-commerce presenter)"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 5.0  # seconds to open the connection
    read_timeout: float = 10.0  # seconds of silence while reading
    deadline: float = 30.0  # seconds for the whole fetch, redirects included
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "deadline"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive seconds, got {getattr(self, name)}")
        if self.max_redirects < 0 or self.max_bytes < 1:
            raise ValueError("max_redirects must be >= 0 and max_bytes >= 1")


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Response:
    """What a GET brought back: 200 with a body, or 304 (`not_modified`) with none."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def redact(url: str) -> str:
    """`url` as logs may show it: no user, password or query (where feed keys hide)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<a malformed URL>"
    query = "?…" if parts.query else ""
    return f"{parts.scheme}://{host}{port}{parts.path}{query}" if parts.scheme else url


def check_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host; FetchError naming what is wrong."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise FetchError(f"{redact(url)!r}: not a URL ({exc})", "url") from None
    if parts.scheme.lower() not in SCHEMES:
        scheme = parts.scheme or "no scheme"
        raise FetchError(
            f"{redact(url)}: {scheme} is not followed; only http:// and https:// are", "scheme"
        )
    if not parts.hostname:
        raise FetchError(f"{redact(url)}: no host", "url")
    return url.strip()


def get(
    url: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Response:
    """GET `url` within `limits`, sending If-None-Match / If-Modified-Since when given.

    FetchError names the URL and the reason: a status other than 200 or 304, a timeout,
    too many redirects, a body over the cap, a refused scheme.
    """
    started = time.monotonic()
    current = check_url(url)
    for _ in range(limits.max_redirects + 1):
        status, headers, connection, response = _request(
            current, limits, started, etag, last_modified
        )
        try:
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise FetchError(f"{redact(current)}: HTTP {status} with no Location", "http")
                try:
                    current = check_url(urljoin(current, location))
                except FetchError as exc:
                    said = f"{redact(current)} redirects to {exc}"
                    raise FetchError(said, exc.kind) from None
                continue
            if status == 304:
                return Response(
                    current,
                    304,
                    etag=headers.get("etag") or etag,
                    last_modified=headers.get("last-modified") or last_modified,
                    headers=headers,
                )
            if status != 200:
                raise FetchError(
                    f"{redact(current)}: HTTP {status} {response.reason}".rstrip(), f"http_{status}"
                )
            body = _read(response, headers, current, limits, started)
            return Response(
                current,
                200,
                body,
                headers.get("content-type", ""),
                headers.get("etag"),
                headers.get("last-modified"),
                headers,
            )
        finally:
            connection.close()
    raise FetchError(f"{redact(url)}: more than {limits.max_redirects} redirects", "redirects")


def _request(
    url: str, limits: Limits, started: float, etag: str | None, last_modified: str | None
) -> tuple[int, dict[str, str], http.client.HTTPConnection, http.client.HTTPResponse]:
    parts = urlsplit(url)
    left = _left(url, limits, started)
    timeout = min(limits.connect_timeout, left)
    connection: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "",
            parts.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.settimeout(min(limits.read_timeout, _left(url, limits, started)))
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
    except FetchError:
        connection.close()
        raise
    except TimeoutError:
        connection.close()
        raise FetchError(
            f"{redact(url)}: no answer within {limits.read_timeout:g} s", "timeout"
        ) from None
    except ssl.SSLError as exc:
        connection.close()
        raise FetchError(f"{redact(url)}: TLS failed ({exc.reason or exc})", "tls") from None
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise FetchError(f"{redact(url)}: cannot connect ({_reason(exc)})", "connect") from None
    return response.status, {k.lower(): v for k, v in response.getheaders()}, connection, response


def _read(
    response: http.client.HTTPResponse,
    headers: dict[str, str],
    url: str,
    limits: Limits,
    started: float,
) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(
            f"{redact(url)}: {_size(int(declared))}, over the {_size(limits.max_bytes)} cap",
            "too_big",
        )
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            _left(url, limits, started)
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limits.max_bytes:
                raise FetchError(
                    f"{redact(url)}: over the {_size(limits.max_bytes)} cap", "too_big"
                )
            chunks.append(chunk)
    except TimeoutError:
        raise FetchError(
            f"{redact(url)}: stopped sending for {limits.read_timeout:g} s", "timeout"
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(
            f"{redact(url)}: broke off while reading ({_reason(exc)})", "connect"
        ) from None
    return b"".join(chunks)


def _left(url: str, limits: Limits, started: float) -> float:
    left = limits.deadline - (time.monotonic() - started)
    if left <= 0:
        raise FetchError(f"{redact(url)}: not done within {limits.deadline:g} s", "timeout")
    return left


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"
