"""Comment feeds plugged into the show: the connector contract, and a JSON-lines file follower.

A platform's comments reach the host one of two ways:

- in process, through a `CommentConnector`: `start(on_message)` calls `on_message` with a
  `ViewerMessage` for each comment until `stop()`. `JsonLinesFeed` is one (`hostcast
  stream --chat-feed PATH`): any program that can append a line of JSON to a file or a
  FIFO can feed the chat;
- over HTTP, from a connector running anywhere: `POST /api/chat` on the preview server
  with the operator token, one comment per request::

      POST /api/chat
      Authorization: Bearer <operator token>
      Content-Type: application/json

      {"name": "Julie", "text": "Is the serum OK for dry skin?",
       "source": "tiktok", "client": "<the platform's user id>"}

  It answers 202 with {"id", "intent", "spoken"}, or 4xx with {"error", "field"} naming
  the field at fault (401 without the token, 413 past 4 KiB). The server does not rate
  limit this door: the connector owns its platform's limits, as `JsonLinesFeed` does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from host.chat.message import ViewerMessage

log = logging.getLogger(__name__)

MAX_LINE = 8 * 1024  # bytes of one JSON line; a longer one is skipped whole
MAX_NAMES = 1000  # viewers whose own rate is remembered

OnMessage = Callable[[ViewerMessage], object]


class CommentConnector(Protocol):
    """A platform's comment feed: each comment goes to `on_message` until `stop()`."""

    def start(self, on_message: OnMessage) -> None: ...  # returns at once; OSError if it cannot

    def stop(self) -> None: ...  # no call to `on_message` once it returns; safe twice


class _Rate:
    """Token buckets: `rate` a second up to `burst`, overall and per viewer name."""

    def __init__(self, rate: float, burst: float, per_name: float, name_burst: float) -> None:
        self._limits = ((rate, burst), (per_name, name_burst))
        self._all = (burst, 0.0)
        self._names: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @staticmethod
    def _refill(state: tuple[float, float], rate: float, burst: float,
                now: float) -> float:
        tokens, stamp = state
        return min(burst, tokens + (now - stamp) * rate)

    def allow(self, name: str, now: float) -> bool:
        (rate, burst), (per_name, name_burst) = self._limits
        overall = self._refill(self._all, rate, burst, now)
        mine = self._refill(self._names.get(name, (name_burst, now)), per_name, name_burst, now)
        ok = overall >= 1 and mine >= 1
        self._all = (overall - 1 if ok else overall, now)
        self._names[name] = (mine - 1 if ok else mine, now)
        self._names.move_to_end(name)
        while len(self._names) > MAX_NAMES:
            self._names.popitem(last=False)
        return ok


class JsonLinesFeed:
    """Follows a JSON-lines file (appended to, like `tail -f`) or a FIFO: one comment a line.

    Each line is {"name": ..., "text": ...}; a line that is not is skipped and counted in
    `refused`. At most `rate` comments a second get through (bursts of `burst`), and at
    most one every `1 / per_name` seconds from one name (bursts of `name_burst`); the rest
    are counted in `dropped`. A file is read from its end unless `from_start`; a truncated
    or replaced file is read again from its start.
    """

    def __init__(
        self,
        path: Path,
        *,
        rate: float = 2.0,
        burst: float = 10,
        per_name: float = 1 / 3,
        name_burst: float = 3,
        source: str = "feed",
        from_start: bool = False,
        poll: float = 0.1,
    ) -> None:
        if not rate > 0 or not per_name > 0:
            raise ValueError(f"rate {rate!r}, per_name {per_name!r}: must be positive")
        if burst < 1 or name_burst < 1:
            raise ValueError(f"burst {burst!r}, name_burst {name_burst!r}: must be at least 1")
        self.path = Path(path)
        self.source = source
        self.from_start = from_start
        self.poll = poll
        self.accepted = 0
        self.refused = 0
        self.dropped = 0
        self._rate = _Rate(rate, burst, per_name, name_burst)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_message: OnMessage) -> None:
        """Open the feed and follow it in a thread; OSError if it cannot be opened."""
        if self._thread is not None:
            raise RuntimeError("the feed is already started")
        fd, fifo = self._open(initial=True)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._follow, args=(fd, fifo, on_message), name="hostcast-chat-feed",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _open(self, *, initial: bool) -> tuple[int, bool]:
        fifo = stat.S_ISFIFO(os.stat(self.path).st_mode)
        # A FIFO opened read-write never blocks at open and never reads end-of-file when
        # its writers come and go (Linux); a file is followed from its end.
        fd = os.open(self.path, (os.O_RDWR if fifo else os.O_RDONLY) | os.O_NONBLOCK)
        if not fifo and initial and not self.from_start:
            os.lseek(fd, 0, os.SEEK_END)
        return fd, fifo

    def _follow(self, fd: int, fifo: bool, on_message: OnMessage) -> None:
        pending = b""
        skipping = False  # inside a line longer than MAX_LINE: drop it up to its newline
        try:
            while not self._stop.is_set():
                chunk = self._read(fd, fifo)
                if chunk is None:
                    os.close(fd)
                    fd, fifo = self._open(initial=False)  # truncated or replaced: start over
                    pending, skipping = b"", False
                    continue
                if not chunk:
                    if not fifo:
                        self._stop.wait(self.poll)
                    continue
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if skipping:
                        skipping = False
                    elif len(line) > MAX_LINE:
                        self.refused += 1
                        log.warning("%s: a line over %d bytes skipped", self.path, MAX_LINE)
                    else:
                        self._line(line, on_message)
                if len(pending) > MAX_LINE:
                    self.refused += 1
                    log.warning("%s: a line over %d bytes skipped", self.path, MAX_LINE)
                    pending, skipping = b"", True
        except OSError as exc:
            log.error("%s: the chat feed stopped: %s", self.path, exc)
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read(self, fd: int, fifo: bool) -> bytes | None:
        """What is there to read now (b"" for nothing); None when the file was cut or replaced."""
        if fifo:
            ready, _, _ = select.select([fd], [], [], self.poll)
            if not ready:
                return b""
            with contextlib.suppress(BlockingIOError):
                return os.read(fd, 65536)
            return b""
        chunk = os.read(fd, 65536)
        if chunk:
            return chunk
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return b""  # moved away: wait for the new file
        here = os.fstat(fd)
        if (now.st_ino, now.st_dev) != (here.st_ino, here.st_dev):
            return None
        if now.st_size < os.lseek(fd, 0, os.SEEK_CUR):
            return None
        return b""

    def _line(self, raw: bytes, on_message: OnMessage) -> None:
        if not raw.strip():
            return
        try:
            item = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            item = None
        name = item.get("name") if isinstance(item, dict) else None
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(text, str) or not text.strip():
            self.refused += 1
            log.warning('%s: skipped a line that is not {"name": ..., "text": ...}', self.path)
            return
        received = time.monotonic()
        if not self._rate.allow(name, received):
            self.dropped += 1
            if self.dropped in (1, 10, 100) or self.dropped % 1000 == 0:
                log.warning("%s: over the feed's rate: %d comments dropped", self.path,
                            self.dropped)
            return
        self.accepted += 1
        try:
            on_message(ViewerMessage(name, text, received, source=self.source, client=name))
        except ValueError as exc:
            log.info("%s: comment refused: %s", self.path, exc)
        except Exception:  # the show's side failed: the next comment still comes in
            log.exception("%s: a comment could not be taken", self.path)
