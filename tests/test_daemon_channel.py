"""One daemon channel: slots by the clock across DST, reloads, the as-run log, resume, status."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from rtmp_fixtures import decode

from host.catalog.model import Money
from host.errors import ConfigError
from host.script import spoken
from host.segment.segment import Segment
from hostcast.daemon.channel import RESTART_EXIT, run_channel
from hostcast.daemon.programmes import ProgrammeShows
from hostcast.daemon.reload import ConfigWatch
from hostcast.daemon.scheduled_show import ScheduledShow
from hostcast.daemon.state_store import AsRunEntry, StateStore
from hostcast.daemon.supervisor import STATE_ENV
from hostcast.schedule import DEFAULT_SLOT, HostcastConfig, InvalidConfigError, load_config
from hostcast.schedule.plan import Airing, airing

HOME = ("honey-acacia", "coffee-house-blend", "mug-stoneware")
EARLY = ("serum-vitamin-c", "earbuds-pro", "tee-organic")
# Sunday 29 March 2026 in Paris: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
DST_DAY = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def catalog(path: Path, source: str, ids: tuple[str, ...], prices: dict[str, str] | None = None,
            ) -> Path:
    """A copy of a demo catalog with only `ids`, images made absolute, some prices changed."""
    data = json.loads((REPO / "demo" / source).read_text())
    kept = [p for p in data["products"] if p["id"] in ids]
    for product in kept:
        product["image_link"] = str(REPO / "demo" / product["image_link"])
        product.pop("additional_image_link", None)
        if prices and product["id"] in prices:
            product["price"] = prices[product["id"]]
    data["products"] = kept
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)  # replaced whole, as a feed export does
    return path


def dst_config(folder: Path) -> Path:
    catalog(folder / "home.json", "catalog.en.json", HOME)
    catalog(folder / "shop.en.json", "catalog.en.json", (*EARLY, "hoodie-heavy"))
    catalog(folder / "shop.fr.json", "catalog.fr.json", ("candle-lavender", "mug-stoneware"))
    path = folder / "hostcast.toml"
    path.write_text(
        """
[daemon]
state = "state/hostcast.sqlite"
timezone = "Europe/Paris"

[[channel]]
name = "paris"
catalog = "home.json"
lang = "en"
size = "180x320"

[[channel.slot]]
name = "early"
days = ["sun"]
start = "01:40"
end = "01:50"
catalog = "shop.en.json"
ids = ["serum-vitamin-c", "earbuds-pro", "tee-organic"]

[[channel.slot]]
name = "ghost"  # wholly inside the hour the clock skips: it does not air that night
days = ["sun"]
start = "02:10"
end = "02:40"
catalog = "shop.en.json"
ids = ["hoodie-heavy"]

[[channel.slot]]
name = "late"  # 03:00 CEST, ten minutes after the early slot's end in real time
days = ["sun"]
start = "03:00"
end = "03:10"
catalog = "shop.fr.json"
lang = "fr"
deal = { percent = 20 }
"""
    )
    return path


@dataclass
class SimulatedAir:
    """A channel's segments pulled one after another, the wall clock moving with the air."""

    config: HostcastConfig
    start: datetime
    aired: float = 0.0
    log: list[tuple[datetime, Segment, str]] = field(default_factory=list)

    def moment(self) -> datetime:
        return self.start + timedelta(seconds=self.aired)

    def open(self, channel: str = "paris") -> ScheduledShow:
        chan = self.config.channel(channel)
        shows = ProgrammeShows(chan, self.config, self.moment)
        shows.prepare(chan, self.config)
        return ScheduledShow(self.config, channel, shows, self.moment, idle_wait=lambda _: None)

    def air(self, segments: Iterator[Segment], feed: ScheduledShow, until: datetime) -> None:
        for _ in range(20000):  # bounded: far more lines than the stretch holds
            if self.moment() >= until:
                return
            at = self.moment()
            segment = next(segments)
            note = feed.note(segment)
            self.log.append((at, segment, note.slot if note else ""))
            self.aired += segment.duration
        raise AssertionError("the stretch never ended")


def test_each_slot_airs_its_products_inside_it_and_only_there_across_dst(tmp_path: Path) -> None:
    config = load_config(dst_config(tmp_path), now=DST_DAY)
    sim = SimulatedAir(config, DST_DAY)
    feed = sim.open()
    sim.air(feed.segments(), feed, DST_DAY + timedelta(minutes=45))
    channel = config.channel("paris")

    def on_air(at: datetime) -> Airing:
        return airing(channel, lambda path: config.catalogs[path].products, at)

    slots_seen: list[str] = []
    for at, segment, slot in sim.log:
        on = on_air(at)
        assert slot == on.slot, (at, segment.text)
        if not slots_seen or slots_seen[-1] != slot:
            slots_seen.append(slot)
        if segment.product_id is not None:
            assert segment.product_id in {p.id for p in on.products}, (at, on.slot, segment.text)
        if segment.product_id in EARLY:
            assert on.slot == "early"
        if segment.product_id == "candle-lavender":
            assert on.slot == "late"
        assert segment.product_id != "hoodie-heavy"  # the ghost slot never airs
    assert slots_seen == [DEFAULT_SLOT, "early", DEFAULT_SLOT, "late", DEFAULT_SLOT]
    aired = {s.product_id for _, s, _ in sim.log}
    assert set(EARLY) <= aired and "candle-lavender" in aired and set(HOME) <= aired
    # The switch comes at the first line boundary: no line airs later than one line into a slot.
    for name, begins in (("early", "00:40"), ("late", "01:00")):
        first = next(at for at, _, slot in sim.log if slot == name)
        edge = datetime.fromisoformat(f"2026-03-29T{begins}+00:00")
        assert edge <= first < edge + timedelta(seconds=20), (name, first)
    # The late slot speaks French, with its deal on the card, and greets in French first.
    late = [s for _, s, slot in sim.log if slot == "late"]
    assert late[0].kind == "greeting"
    assert all("/fr/" in s.source for s in late)
    assert not any("/fr/" in s.source for s in sim_en(sim))
    cards = [s.overlay.card for s in late if s.product_id and s.overlay.card]
    assert cards and all(c.sale_price is not None and c.discount for c in cards)
    feed.shows.close()


def sim_en(sim: SimulatedAir) -> list[Segment]:
    return [s for _, s, slot in sim.log if slot != "late"]


def test_a_replaced_catalog_price_airs_from_the_next_pitch_on(tmp_path: Path) -> None:
    home = catalog(tmp_path / "home.json", "catalog.en.json", ("tee-organic", "honey-acacia"))
    path = tmp_path / "hostcast.toml"
    path.write_text('[[channel]]\nname = "shop"\ncatalog = "home.json"\nsize = "180x320"\n')
    now = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
    config = load_config(path, now=now)
    sim = SimulatedAir(config, now)
    feed = sim.open("shop")
    watch = ConfigWatch(config)
    segments = feed.segments()
    old, new = (spoken.say_money(Money(Decimal(a), "EUR"), "en") for a in ("24.90", "19.90"))
    for _ in range(400):
        sim.air(segments, feed, sim.moment() + timedelta(seconds=1))
        if any(old in s.text for _, s, _ in sim.log):
            break
    assert any(old in s.text for _, s, _ in sim.log), "the tee's price was never said"
    time.sleep(0.01)  # a new mtime, even on coarse clocks: the size changes too
    catalog(home, "catalog.en.json", ("tee-organic", "honey-acacia"), {"tee-organic": "19.90 EUR"})
    assert watch.changed() == [home] and watch.due()
    reloaded = load_config(path, now=now)
    watch.watch(reloaded)
    assert not watch.due()
    feed.apply(reloaded)
    before = len(sim.log)
    sim.air(segments, feed, sim.moment() + timedelta(minutes=3))
    after = [s for _, s, _ in sim.log[before:]]
    tee = [s for s in after if s.product_id == "tee-organic"]
    assert tee and not any(old in s.text for s in after)
    first_price = next(s for s in tee if "euros" in s.text)
    assert new in first_price.text
    assert all(c.price == "€19.90" for s in tee if (c := s.overlay.card) is not None)
    feed.shows.close()


def test_a_slot_asking_another_avatar_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = dst_config(tmp_path)
    pack = tmp_path / "other-pack"
    shutil.copytree(REPO / "avatars" / "default", pack)
    path.write_text(path.read_text() + 'avatar = "other-pack"\n')  # on the late slot
    with pytest.raises(ConfigError, match=r"channel\[paris\]\.slot\[late\]\.avatar"):
        load_config(path, now=DST_DAY)


# -- real time -------------------------------------------------------------------------------


def live_config(folder: Path, *, broken: bool = False, chat: bool = False) -> Path:
    catalog(folder / "home.json", "catalog.en.json", HOME)
    path = folder / "hostcast.toml"
    path.write_text(
        '[daemon]\nstate = "state.sqlite"\n\n'
        '[[channel]]\nname = "live"\ncatalog = "home.json"\nsize = "180x320"\n'
        + ('chat_feed = "comments.jsonl"\n' if chat else "")
        + ("unknown_key = 1\n" if broken else "")
        + '\n[channel.outputs]\nrecord = "rec"\nroll_minutes = 10\n'
    )
    return path


@dataclass
class Run:
    code: int
    status: list[dict[str, Any]]
    aired: list[Segment]


def run_for(path: Path, seconds: float, during: Any = None, *, to_a_product: bool = False) -> Run:
    """run_channel in a thread for `seconds` (or until a product line airs, `to_a_product`).

    `during(elapsed)` is called every 0.5 s.
    """
    stop = threading.Event()
    aired: list[Segment] = []
    read, write = os.pipe()
    result: dict[str, int] = {}
    out = os.fdopen(write, "w")

    def target() -> None:
        try:
            result["code"] = run_channel(path, "live", stop=stop, out=out,
                                         on_aired=lambda s, _at: aired.append(s))
        finally:
            out.close()

    thread = threading.Thread(target=target)
    thread.start()
    began = time.monotonic()
    while time.monotonic() - began < seconds and thread.is_alive():
        time.sleep(0.5)
        if to_a_product and any(s.product_id for s in aired):
            break
        if during is not None:
            during(time.monotonic() - began)
    stop.set()
    with os.fdopen(read) as lines:
        text = lines.read()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return Run(result["code"], [json.loads(line) for line in text.splitlines()], aired)


def test_a_real_time_run_logs_what_aired_and_refuses_a_broken_reload(tmp_path: Path) -> None:
    path = live_config(tmp_path, chat=True)
    (tmp_path / "comments.jsonl").write_text("")
    good = path.read_text()
    broken_at: list[float] = []

    def break_config(elapsed: float) -> None:
        if elapsed > 1.5 and not (tmp_path / "comments.jsonl").stat().st_size:
            with (tmp_path / "comments.jsonl").open("a") as comments:  # the channel's chat_feed
                comments.write('{"name": "Ana", "text": "How much is the honey?"}\n')
        if elapsed > 4 and not broken_at:
            live_config(tmp_path, broken=True, chat=True)
            broken_at.append(elapsed)

    run = run_for(path, 13, break_config)
    assert run.code == 0
    status = run.status
    assert len(status) >= 10 and all(s["type"] == "status" for s in status)
    last = status[-1]
    assert last["channel"] == "live" and last["segments"] == len(run.aired) >= 3
    assert last["frames"] >= 11 * 30 and last["slot"] == DEFAULT_SLOT
    assert last["sinks"][0]["state"] in ("connected", "stopped")
    assert "guard_refused" in last["writer"] and last["writer"]["writer"] == "template"
    datetime.fromisoformat(last["time"])
    # The broken config was refused by name and the air went on with the old one.
    assert "channel[live].unknown_key" in (last["config_error"] or "")
    refused = next(n for n, s in enumerate(status) if s["config_error"])
    assert status[-1]["segments"] > status[refused]["segments"]
    assert path.read_text() != good
    # The viewer's question from the channel's chat_feed was answered on air, with the price.
    answers = [s for s in run.aired if s.kind == "answer"]
    assert answers and "twelve euros fifty" in answers[0].text, [s.text for s in run.aired]

    with StateStore.open(tmp_path / "state.sqlite") as store:
        entries = store.as_run("live")
        saved = store.load_rotation("live")
    assert [(e.kind, e.product_id, e.text) for e in entries] == [
        (s.kind, s.product_id, s.text) for s in run.aired
    ]
    assert all(e.slot == DEFAULT_SLOT and e.lang == "en" for e in entries)
    pitched = [e for e in entries if e.product_id]
    prices = {"honey-acacia": "€12.50", "coffee-house-blend": "€7.95", "mug-stoneware": "€16.90"}
    assert pitched and all(e.price == prices[e.product_id or ""] for e in pitched)
    times = [e.aired_at for e in entries]
    assert times == sorted(times)
    assert saved is not None and saved.last_id == next(
        e.product_id for e in reversed(entries) if e.product_id
    )
    files = list((tmp_path / "rec").glob("*.mp4"))
    assert len(files) == 1 and len(decode(files[0]).video_times) >= 11 * 30


KILLED_CHILD = """
import sys
from pathlib import Path
from hostcast.daemon.channel import run_channel
sys.exit(run_channel(Path(sys.argv[1]), "live"))
"""


def last_product(entries: list[AsRunEntry]) -> str | None:
    return next((e.product_id for e in reversed(entries) if e.product_id), None)


def run_until_killed(path: Path, store_path: Path) -> list[dict[str, Any]]:
    """The channel in a child process, killed with SIGKILL once a product line has aired."""
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(path)], cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert child.stdout is not None
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            seen.append(json.loads(line))
            with StateStore.open(store_path) as store:
                if last_product(store.as_run("live", limit=1)) is not None:
                    break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    return seen


def test_restarts_after_a_stop_and_a_kill_9_lose_nothing_and_the_rotation_goes_on(
    tmp_path: Path,
) -> None:
    path = live_config(tmp_path)
    store_path = tmp_path / "state.sqlite"
    first = run_for(path, 30, to_a_product=True)
    with StateStore.open(store_path) as store:
        stopped = store.as_run("live")
        saved = store.load_rotation("live")
    assert len(stopped) == len(first.aired) and last_product(stopped) is not None
    # The saved rotation is where the air stood, not where the queue ahead of it stood.
    assert saved is not None and saved.last_id == last_product(stopped)

    seen = run_until_killed(path, store_path)
    with StateStore.open(store_path) as store:
        killed = store.as_run("live")
        saved = store.load_rotation("live")
    assert killed[: len(stopped)] == stopped  # as-run entries continue the log
    after_stop = killed[len(stopped) :]
    assert after_stop and seen
    assert len(after_stop) >= seen[-1]["segments"]  # every segment that went on air is logged
    assert after_stop[0].kind not in ("greeting", "disclosure")  # back at once: no new welcome
    first_after_stop = next(e.product_id for e in after_stop if e.product_id)
    assert first_after_stop != last_product(stopped)  # no product back to back across a stop
    assert saved is not None and saved.last_id == last_product(killed)

    third = run_for(path, 30, to_a_product=True)
    with StateStore.open(store_path) as store:
        entries = store.as_run("live")
    assert entries[: len(killed)] == killed and len(entries) == len(killed) + len(third.aired)
    first_after_kill = next(s.product_id for s in third.aired if s.product_id)
    assert first_after_kill != last_product(killed)  # nor across a kill -9
    times = [e.aired_at for e in entries]
    assert times == sorted(times)


def test_an_outputs_change_asks_for_a_restart(tmp_path: Path) -> None:
    path = live_config(tmp_path)

    def move_recording(elapsed: float) -> None:
        if elapsed > 1:
            path.write_text(path.read_text().replace('"rec"', '"elsewhere"'))

    run = run_for(path, 15, move_recording)
    assert run.code == RESTART_EXIT
    assert run.status[-1]["config_error"] is None


def test_a_start_on_a_broken_file_airs_the_last_good_config_until_it_is_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = live_config(tmp_path)
    good = path.read_text()
    assert run_for(path, 30, to_a_product=True).code == 0  # a good start keeps its text
    # Broken twice over, and naming a catalog the good config never did.
    catalog(tmp_path / "shop.json", "catalog.en.json", EARLY)
    path.write_text(
        good.replace('"home.json"', '"shop.json"')
        .replace('size = "180x320"\n', 'size = "180x320"\nfps = 500\nwhat = 1\n')
    )
    with pytest.raises(InvalidConfigError):  # nowhere to find the last good one: as before
        run_channel(path, "live", stop=threading.Event())

    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state.sqlite"))  # as the supervisor does
    caplog.set_level(logging.INFO)
    fixed_at: list[int] = []

    def fix(elapsed: float) -> None:
        if elapsed > 3 and not fixed_at:
            path.write_text(good)
            fixed_at.append(len(caplog.records))

    run = run_for(path, 10, fix)
    assert run.code == 0 and run.status[-1]["segments"] >= 1
    broken = run.status[0]["config_error"] or ""
    assert "channel[live].fps: must be between 1 and 60" in broken
    assert "channel[live].what: unknown key" in broken
    pitched = {s.product_id for s in run.aired if s.product_id}
    assert pitched and pitched <= set(HOME)  # the good config's catalog, never the shop's
    errors = [r.getMessage() for r in caplog.records[: fixed_at[0]] if r.levelno >= logging.ERROR]
    assert any("channel[live].fps" in e for e in errors)
    assert any("channel[live].what" in e for e in errors)
    assert any("airing the last configuration that did" in e for e in errors)
    # Fixed on disk: applied at the next look, and the problem is no longer reported.
    assert run.status[-1]["config_error"] is None
