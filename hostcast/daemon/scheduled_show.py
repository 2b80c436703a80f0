"""A channel's segments by the clock: each line from the slot on air at the moment it airs."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from host.catalog.model import Product
from host.script.line import Line
from host.script.product_rotation import RotationState
from host.script.running_order import running_order
from host.script.steering import Steering
from host.segment.segment import Segment
from hostcast.cli.show import Show
from hostcast.daemon.programmes import ProgrammeKey, ProgrammeShows, programme_key
from hostcast.schedule.config import HostcastConfig
from hostcast.schedule.plan import Airing, airing

log = logging.getLogger(__name__)

NOTES_KEPT = 4096  # notes of segments built but not aired yet; far more than a lookahead holds
IDLE_RETRY = 1.0  # seconds before looking again when nothing at all can be said


@dataclass(frozen=True)
class AirNote:
    """What the channel knew when it built a segment: the slot, and the rotation to save.

    `rotation` is the rotation as it stood right after the pick of the product on
    screen: saved when the segment airs, a restart then resumes after what really
    aired, not after what was only queued.
    """

    slot: str
    lang: str
    rotation: RotationState


class ProgrammeChange(Exception):
    """The slot on air now speaks another programme: the running order ends at this pick."""


class ScheduledShow:
    """Segments for one channel, following its slots, reloaded config and catalogs.

    `moment` gives the wall-clock instant the next line will air (now plus what is
    queued). At each pick the rotation reads the products of the slot on air at that
    instant (its subset, featured products and deal); at each line, a product that left
    the slot on air, or whose catalog entry changed, is dropped (the rest of its pitch
    is not said), so no line states a price or deal that is not in force when it airs.
    A slot that speaks another programme (language, voice, writer, style) takes over at
    the next pick, with that programme's show; the picture stays the channel's.
    """

    def __init__(
        self,
        config: HostcastConfig,
        channel: str,
        shows: ProgrammeShows,
        moment: Callable[[], datetime],
        *,
        state: RotationState | None = None,
        seed: int = 0,
        opening: bool = True,
        idle_wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = channel
        self.opening = opening  # greet and disclose first; later, in each new language
        self.shows = shows
        self.moment = moment
        self.state = state if state is not None else RotationState()
        self.seed = seed
        self._idle_wait = idle_wait
        self._config = config
        self._channel = config.channel(channel)
        self._lock = threading.Lock()
        self._notes: OrderedDict[int, AirNote] = OrderedDict()
        self._note: AirNote | None = None
        self.current: Show = shows.main

    @property
    def config(self) -> HostcastConfig:
        return self._config

    def apply(self, config: HostcastConfig) -> None:
        """Air `config` from the next line on (its shows must be prepared already)."""
        with self._lock:
            self._config = config
            self._channel = config.channel(self.name)

    def airing(self, at: datetime | None = None) -> Airing:
        """What the channel airs at `at` (default: the moment the next line airs)."""
        with self._lock:
            config, channel = self._config, self._channel
        return airing(channel, lambda path: config.catalogs[path].products, at or self.moment())

    def note(self, segment: Segment) -> AirNote | None:
        """The note of a segment this show built, once; None for one it did not build."""
        with self._lock:
            return self._notes.pop(id(segment), None)

    def segments(
        self, air_clock: Callable[[], float] | None = None, steering: Steering | None = None
    ) -> Iterator[Segment]:
        """The channel's segments, endless; `air_clock` and `steering` as for a running order."""
        steering = steering or Steering()
        lang: str | None = None
        first = True
        while True:
            with self._lock:
                config, channel = self._config, self._channel
            on = self.airing()
            show = self.shows.get(on.programme, channel, config)
            key = programme_key(on.programme)
            order = running_order(
                show.writer.script,
                self._products(key),
                show.lang,
                opening=self.opening if first else show.lang != lang,
                clock=air_clock,
                seed=self.seed,
                now=show.clock,
                state=self.state,
                steering=steering,
            )
            if show is not self.current:
                log.info("channel %s: %s programme on air (%s)", self.name, on.slot, show.lang)
            self.current, lang, first = show, show.lang, False
            ending = _Ending()
            # The picture's head, if any, starts rendering each segment as it is made.
            made = show.picture.prepare(show.builder.segments(self._lines(order, ending)))
            for segment in made:
                with self._lock:
                    if self._note is not None:
                        self._notes[id(segment)] = self._note
                        while len(self._notes) > NOTES_KEPT:
                            self._notes.popitem(last=False)
                yield segment
            if not ending.cut:
                # Nothing orderable and nothing to fill with: the idle programme airs.
                self._idle_wait(IDLE_RETRY)

    def _products(self, key: ProgrammeKey) -> Callable[[], Sequence[Product]]:
        def products() -> Sequence[Product]:
            on = self.airing()
            if programme_key(on.programme) != key:
                raise ProgrammeChange(on.slot)
            return on.products

        return products

    def _lines(
        self, order: Iterator[tuple[Line, Product | None]], ending: _Ending
    ) -> Iterator[tuple[Line, Product | None]]:
        try:
            for line, product in order:
                on = self.airing()
                if product is not None and product not in on.products:
                    # The slot changed under it, or its catalog entry did: drop the rest.
                    log.info("channel %s: %s leaves the air (%s)", self.name, product.id, on.slot)
                    ending.cut = True
                    return
                # The order is lazy: the rotation has picked the product on screen, no more.
                rotation = RotationState.from_dict(self.state.to_dict())
                self._note = AirNote(on.slot, self.current.lang, rotation)
                yield line, product
        except ProgrammeChange as change:
            log.info("channel %s: slot %s changes the programme", self.name, change)
            ending.cut = True
        finally:
            close = getattr(order, "close", None)  # a generator: let it clean up now
            if close is not None:
                close()


@dataclass
class _Ending:
    """Whether the channel ended a running order itself (a switch), not the order."""

    cut: bool = False
