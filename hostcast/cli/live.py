"""The show on air, steered: the operator's controls, viewers' questions, the state for the page."""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from host.catalog.model import Product
from host.chat.answer import Answer, Answerer, ChatAnswerer
from host.chat.message import ViewerMessage
from host.chat.sanitize import clean_name, clean_text
from host.compose.picture import FrameState
from host.script.steering import Steering
from host.script.typed_line import typed_line
from host.segment.segment import Segment
from hostcast.chat.gate import ChatGate
from hostcast.chat.platform_chats import PlatformChats
from hostcast.cli.answer_queue import FairQueue
from hostcast.cli.card_views import CardViews, card_view
from hostcast.cli.chat_record import ChatRecord
from hostcast.cli.show import Show
from hostcast.show_settings import BARGE_IN_MODES
from stream.broadcast import Broadcast
from stream.playout import CutIn, Playout
from stream.source import ProducerThread
from stream.web.protocols import ChatEntry, TooManyMessages
from stream.web.status import FrameRate, health_view

log = logging.getLogger(__name__)

BargeIn = Literal["word", "sentence", "next"]  # "next": after the line airing, no cut
assert get_args(BargeIn) == BARGE_IN_MODES
CHAT_KEPT = 50  # messages remembered for the page
ANSWER_BACKLOG = 4  # answers waiting for the voice, per source; past this one is not answered
STALE_SECONDS = 30.0  # a question whose turn comes later than this is not answered any more
ANSWER_ON_AIR_WAIT = 90.0  # seconds the answer thread waits for an answer to be nearly over
NEXT_ANSWER_LEAD = 1.5  # seconds before an answer's end the next one is chosen and voiced
NO_PHOTO_SHOWN = 20  # products without a photo the page lists


@dataclass(frozen=True)
class _Job:
    record: ChatRecord
    answer: Answer
    product: Product | None


class LiveShow:
    """Implements the preview page's controls, chat and status on top of a running show."""

    def __init__(
        self,
        show: Show,
        steering: Steering,
        *,
        products: Callable[[], Sequence[Product]] | None = None,
        slot: Callable[[], str | None] | None = None,
        barge_in: str = "word",
        answerer: ChatAnswerer | None = None,
        gate: ChatGate | None = None,
        chats: PlatformChats | None = None,
    ) -> None:
        # `products`: what may be pinned now (default: the show's catalog); `slot`: the
        # schedule slot on air, for the page (default: none); `barge_in`: how an answer
        # cuts into the line airing; `gate`: the platforms' rate limits and tallies;
        # `chats`: the platform chats read into this show, for their state on the page.
        if barge_in not in BARGE_IN_MODES:
            raise ValueError(f"barge_in {barge_in!r}: must be one of {', '.join(BARGE_IN_MODES)}")
        self.show = show
        self.steering = steering
        self.barge_in = barge_in
        self._products = products or (lambda: show.loaded.products)
        self._cards = CardViews(show.lang)  # made when the catalog or the time changes them
        self._slot = slot
        self.producer: ProducerThread | None = None
        self.playout: Playout | None = None
        self.broadcast: Broadcast | None = None
        self._last: FrameState | None = None
        self._rate = FrameRate()
        self._lock = threading.Lock()  # one voice call at a time from the page and the chat
        self._answerer = answerer  # made at the first message: a show may never get one
        self._answer_lock = threading.Lock()
        self._chat_lock = threading.Lock()
        self._chat: deque[ChatRecord] = deque(maxlen=CHAT_KEPT)
        self._watched: dict[int, ChatRecord] = {}  # id(segment) -> its question, until it airs
        self._ids = itertools.count(1)
        self.gate = gate or ChatGate()
        self.chats = chats
        self._jobs: FairQueue[_Job] = FairQueue(ANSWER_BACKLOG)
        # The operator's last lines: (stream seconds when asked, the cut-in that aired it).
        self.said: deque[tuple[float, CutIn]] = deque(maxlen=CHAT_KEPT)
        self._worker: threading.Thread | None = None
        self._closing = threading.Event()

    def attach(self, producer: ProducerThread, playout: Playout, broadcast: Broadcast) -> None:
        self.producer, self.playout, self.broadcast = producer, playout, broadcast
        try:
            self._answering()  # load the answer templates before the first question
        except Exception:  # the show airs without answers rather than not at all
            log.exception("viewers' questions will not be answered")

    def _answering(self) -> ChatAnswerer:
        with self._answer_lock:
            if self._answerer is None:
                self._answerer = Answerer(
                    clock=self.show.clock, seed=self.show.seed, guard=self.show.guard
                )
            return self._answerer

    def on_frame(self, state: FrameState) -> None:
        self._last = state  # one reference swap per frame: cheap on the playout's thread

    def on_segment(self, segment: Segment, at: float) -> None:
        """Hears each segment as it goes on air (the playout's thread): answers that aired."""
        if not self._watched:
            return
        with self._chat_lock:
            record = self._watched.pop(id(segment), None)
            if record is not None and record.segment is segment:
                self._aired(record, at)
                record.segment = None

    def _aired(self, record: ChatRecord, at: float) -> None:
        """The answer to `record` began on air at `at` (under the chat lock)."""
        record.first_sample, record.state = at, "answered"
        self.gate.count(record.source, "answered")

    def _product(self, product_id: str | None) -> Product | None:
        return next((p for p in self._products() if p.id == product_id), None)

    def _on_screen(self) -> Product | None:
        card = self.show.picture.overlay.card
        return self._product(card.product_id) if card else None

    # Controls (called from the web server's worker threads)

    def skip(self) -> None:
        self.steering.skip()
        if self.producer is not None:
            self.producer.flush()

    def pin(self, product_id: str | None) -> None:
        if product_id is not None:
            product = self._product(product_id)
            if product is None or not product.orderable:
                raise ValueError(f"product_id: no orderable product {product_id!r}")
        self.steering.pin(product_id)
        if product_id is not None:
            self.steering.skip()  # go to the pinned product now, not after this pitch
        if self.producer is not None:
            self.producer.flush()

    def say(self, text: str) -> str | None:
        """Air the operator's line at once, cutting what airs; an error message if refused."""
        started = time.monotonic()
        product = self._on_screen()
        try:
            line = typed_line(text, product, self.show.lang, self.show.guard)
        except ValueError as exc:
            return str(exc)
        with self._lock:  # one voice call at a time from the page
            segment = self.show.builder.build(line, product)
        if self.playout is not None:
            called = time.monotonic()
            cut = self.playout.cut_in(segment, "now")
            # Stream seconds at the request, for the say-now figures (benchmarks, logs).
            self.said.append((cut.requested - (called - started), cut))
        elif self.producer is not None:
            self.producer.inject(segment)
        return None

    def pause(self) -> None:
        self.steering.pause()
        if self.producer is not None:
            self.producer.flush()

    def resume(self) -> None:
        self.steering.resume()

    # Viewers' messages (the Chat protocol: the web server's worker threads, connectors)

    def receive(
        self, name: str, text: str, *, source: str, client: str, received: float,
        kind: str = "message",
    ) -> Mapping[str, Any]:
        return self.ask(ViewerMessage(name, text, received, source=source, client=client,
                                      kind=kind))

    def ask(self, message: ViewerMessage) -> dict[str, Any]:
        """Sort `message`, answer it from the catalog and air the answer; {id, intent, spoken}.

        ValueError when nothing is left of the name or text once cleaned. A message that
        must not be answered (abuse, an injection attempt, off-topic) is kept, with the
        reason, and never spoken. TooManyMessages when a platform's message is over its
        viewer's, its platform's or the overall rate (the page and the API are limited at
        their own door).
        """
        wait = self.gate.admit(message.source, message.client or message.name)
        if wait > 0:
            raise TooManyMessages(f"{message.source}: over the chat's rate limit", wait)
        text = clean_text(message.text)
        if not text:
            raise ValueError("text: nothing left once control and invisible characters go")
        name = clean_name(message.name) or "viewer"
        record = ChatRecord(
            id=f"m{next(self._ids)}", name=name, text=text, source=message.source,
            at=datetime.now().strftime("%H:%M:%S"), received=message.received,
            kind=message.kind,
        )
        on_screen = self._on_screen()
        cleaned = ViewerMessage(message.name, text, message.received, message.source,
                                message.client, message.kind)
        try:
            answerer = self._answering()
            with self._answer_lock:  # the answerer picks variants with its own random state
                answer = answerer.answer(cleaned, on_screen, list(self._products()), self.show.lang)
        except Exception as exc:  # a broken answer must not break the chat or the air
            log.exception("could not answer message %s", record.id)
            answer = None
            record.intent, record.state, record.reason = "error", "not answered", str(exc)
        with self._chat_lock:
            self._chat.append(record)
        if answer is None:
            return {"id": record.id, "intent": record.intent, "spoken": False}
        record.intent = answer.intent
        if not answer.spoken or not answer.lines:
            self._not_answered(record, answer.reason or "nothing to say")
            return {"id": record.id, "intent": answer.intent, "spoken": False}
        product = self._product(answer.product_id) if answer.product_id else on_screen
        record.answer = " ".join(line.caption for line in answer.lines)
        self._start_worker()
        if not self._jobs.put(record.source, _Job(record, answer, product)):
            self._not_answered(
                record, f"busy: {ANSWER_BACKLOG} answers from {record.source} are waiting to air"
            )
            return {"id": record.id, "intent": answer.intent, "spoken": False}
        return {"id": record.id, "intent": answer.intent, "spoken": True}

    def take(self, message: ViewerMessage) -> None:
        """`ask`, for a feed that only hands messages over: one over a rate limit is
        counted by the gate and dropped, not raised."""
        with contextlib.suppress(TooManyMessages):
            self.ask(message)

    def _not_answered(self, record: ChatRecord, reason: str) -> None:
        with self._chat_lock:
            record.state, record.reason = "not answered", reason
        self.gate.count(record.source, "not_answered")
        log.info("message %s (%s) not answered: %s", record.id, record.intent, reason)

    def _start_worker(self) -> None:
        with self._chat_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._answer_loop, name="hostcast-answers", daemon=True
                )
                self._worker.start()

    def _answer_loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                self._air_answer(job)
            except Exception as exc:  # the next question still gets its answer
                log.exception("could not air the answer to %s", job.record.id)
                self._not_answered(job.record, f"could not air: {exc}")

    def _air_answer(self, job: _Job) -> None:
        """Voice each line of the answer and cut it into the air (the answer thread)."""
        record, product = job.record, job.product
        if time.monotonic() - record.received > STALE_SECONDS:
            self._not_answered(record, f"stale: its turn came after {STALE_SECONDS:.0f} s")
            return
        aired: list[str] = []
        cut: CutIn | None = None
        for line in job.answer.lines:
            about = self._product(line.product_id) if line.product_id else product
            # The show's guard, as for every line on air: audited, counted in the figures.
            refused = self.show.builder.refusal(line, about)
            if refused is not None:
                if not aired:
                    self._not_answered(record, "kept off air: " + refused)
                    return
                break
            with self._lock:
                segment = self.show.builder.build(line, about)
            cut = self._air(None if aired else record, segment)
            aired.append(line.caption)
        with self._chat_lock:
            record.answer = " ".join(aired)
        if cut is not None:
            self._wait_for_end(cut)

    def _wait_for_end(self, cut: CutIn) -> None:
        """Return once `cut` is on air and NEXT_ANSWER_LEAD s from its end: the next answer
        is chosen then (in turn among the platforms), not queued behind this one now, so a
        flood on one platform cannot line up ahead of a viewer elsewhere."""
        deadline = time.monotonic() + ANSWER_ON_AIR_WAIT
        while time.monotonic() < deadline:
            playout = self.playout
            if cut.aired.is_set() and (playout is None or cut.first_sample is None or
                                       playout.air_time >= cut.first_sample
                                       + cut.segment.duration - NEXT_ANSWER_LEAD):
                return
            if self._closing.wait(0.05):  # a poll, not a spin: the air needs the CPU
                return

    def _air(self, record: ChatRecord | None, segment: Segment) -> CutIn | None:
        """Air one answer segment by the barge-in mode; `record`: the first, to time.
        The cut-in, when the segment cuts into the playout."""
        playout, producer = self.playout, self.producer
        called = time.monotonic()
        if playout is not None and self.barge_in != "next":
            cut = playout.cut_in(segment, "sentence" if self.barge_in == "sentence" else "word")
            if record is not None:
                with self._chat_lock:
                    record.cut = cut
                    record.air_received = cut.requested - (called - record.received)
            return cut
        if producer is None:
            raise RuntimeError("the show is not on air")
        if record is not None:
            with self._chat_lock:
                if playout is not None:
                    record.air_received = playout.air_time - (called - record.received)
                record.segment = segment
                self._watched[id(segment)] = record
        producer.inject(segment)
        return None

    def chat_log(self) -> list[ChatEntry]:
        """The recent messages, oldest first, with what became of each (cheap: any thread)."""
        with self._chat_lock:
            for record in self._chat:
                cut = record.cut
                if (cut is not None and record.first_sample is None and cut.aired.is_set()
                        and cut.first_sample is not None):
                    self._aired(record, cut.first_sample)
            return [record.entry() for record in self._chat]

    def close(self) -> None:
        """Stop the answer thread; answers not yet voiced are dropped. Safe twice."""
        worker = self._worker
        if worker is None:
            return
        self._closing.set()
        self._jobs.clear()
        self._jobs.close()
        worker.join(timeout=5)
        self._worker = None

    # Status (called by the web server about five times a second)

    def status(self) -> dict[str, Any]:
        card = self.show.picture.overlay.card
        last = self._last
        upcoming: list[dict[str, Any]] = []
        now = self.show.clock()
        products = self._products()
        if self.producer is not None:
            seen: set[str] = {card.product_id} if card else set()
            for segment in self.producer.upcoming():
                view = self._cards.view(products, segment.product_id, now)
                if view is not None and view["id"] not in seen:
                    seen.add(view["id"])
                    upcoming.append(view)
        health: dict[str, Any] = {}
        if self.playout is not None:
            stats = self.playout.stats
            health = dict(
                health_view(
                    fps=self._rate.update(stats.frames),
                    lateness=stats.lateness,
                    repeated_frames=stats.repeated_frames,
                    air_seconds=self.playout.air_time,
                    sinks=self.broadcast.health() if self.broadcast is not None else [],
                )
            )
            health.update(self.show.health())  # which voice and presenter air, and fallbacks
        slot = self._slot() if self._slot is not None else None
        return {
            "product": card_view(card) if card else None,
            "caption": last.caption if last else None,
            "next": upcoming[:5],
            "slot": {"name": slot} if slot is not None else None,
            "health": health,
            "products": self._cards.orderable(products, now),
            "pinned": self.steering.pinned,
            "paused": self.steering.paused,
            "writer": self.show.stats(),
            "no_photo": self._no_photo(products),
            "chat_sources": self.chats.status(self.gate) if self.chats else [],
        }

    def _no_photo(self, products: Sequence[Product]) -> list[dict[str, Any]]:
        """The orderable products whose card shows a placeholder: no link, the photo not
        fetched yet, or refused (with why); at most NO_PHOTO_SHOWN of them."""
        photos = self.show.photos
        missing: list[dict[str, Any]] = []
        for product in products:
            if not product.orderable:
                continue
            link = product.image_link
            state = photos.state(link) if photos is not None else ("ok" if link else "none")
            if state == "ok":
                continue
            reason = photos.failure(link) if photos is not None else None
            missing.append({"id": product.id, "title": product.title, "state": state,
                            "reason": reason})
            if len(missing) >= NO_PHOTO_SHOWN:
                break
        return missing

