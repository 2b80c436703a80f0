"""Prometheus metrics as a scraper reads them: values, labels, escaping, types, threads."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterable

import pytest

from stream.metrics import CONTENT_TYPE, Registry, Sample

Series = tuple[str, frozenset[tuple[str, str]]]


class Scrape:
    """The exposition text parsed back, the way Prometheus reads format 0.0.4."""

    def __init__(self, text: str) -> None:
        self.help: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.values: dict[Series, float] = {}
        self.order: list[str] = []
        assert text.endswith("\n")
        for line in text.splitlines():
            if line.startswith("# HELP "):
                name, _, doc = line[len("# HELP ") :].partition(" ")
                assert name not in self.help, f"HELP twice for {name}"
                self.help[name] = unescape(doc, quotes=False)
            elif line.startswith("# TYPE "):
                name, _, kind = line[len("# TYPE ") :].partition(" ")
                assert name not in self.types, f"TYPE twice for {name}"
                assert not any(s[0] == name for s in self.values), "TYPE after samples"
                self.types[name] = kind
                self.order.append(name)
            else:
                name, labels, value = parse_sample(line)
                assert name in self.types, f"sample {name} without TYPE"
                series = (name, frozenset(labels.items()))
                assert series not in self.values, f"series twice: {line}"
                self.values[series] = value

    def value(self, name: str, **labels: str) -> float:
        return self.values[(name, frozenset(labels.items()))]

    def series(self, name: str) -> int:
        return sum(1 for s in self.values if s[0] == name)


def unescape(text: str, *, quotes: bool) -> str:
    out: list[str] = []
    escapes = {"\\": "\\", "n": "\n"} | ({'"': '"'} if quotes else {})
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars)
            assert following in escapes, f"bad escape \\{following}"
            out.append(escapes[following])
        else:
            out.append(char)
    return "".join(out)


def parse_sample(line: str) -> tuple[str, dict[str, str], float]:
    """`name{a="x",b="y"} value`, with label values read character by character."""
    labels: dict[str, str] = {}
    brace = line.find("{")
    if brace < 0:
        name, _, rest = line.partition(" ")
    else:
        name, pos = line[:brace], brace + 1
        while line[pos] != "}":
            eq = line.index("=", pos)
            label = line[pos:eq]
            assert line[eq + 1] == '"'
            pos, raw = eq + 2, []
            while line[pos] != '"':
                raw.append(line[pos : pos + 2] if line[pos] == "\\" else line[pos])
                pos += len(raw[-1])
            labels[label] = unescape("".join(raw), quotes=True)
            pos += 1
            if line[pos] == ",":
                pos += 1
        assert line[pos + 1] == " "
        rest = line[pos + 2 :]
    assert "\n" not in rest and " " not in rest, f"one value per line: {line!r}"
    return name, labels, float(rest)


def test_counters_and_gauges_render_with_help_and_type() -> None:
    registry = Registry()
    aired = registry.counter(
        "hostcast_segments_aired_total", "Segments aired.", labels=("channel",)
    )
    queue = registry.gauge("hostcast_queue_seconds", "Seconds of air queued.", labels=("channel",))
    up = registry.gauge("hostcast_up", "1 while the daemon runs.")
    aired.labels(channel="main").inc()
    aired.labels(channel="main").inc(2)
    aired.labels(channel="outlet").inc()
    queue.labels(channel="main").set(12.5)
    queue.labels(channel="main").dec(0.25)
    up.labels().set(1)
    scrape = Scrape(registry.render())
    assert scrape.types == {
        "hostcast_segments_aired_total": "counter",
        "hostcast_queue_seconds": "gauge",
        "hostcast_up": "gauge",
    }
    assert scrape.order == [
        "hostcast_segments_aired_total",
        "hostcast_queue_seconds",
        "hostcast_up",
    ]
    assert scrape.help["hostcast_queue_seconds"] == "Seconds of air queued."
    assert scrape.value("hostcast_segments_aired_total", channel="main") == 3
    assert scrape.value("hostcast_segments_aired_total", channel="outlet") == 1
    assert scrape.value("hostcast_queue_seconds", channel="main") == 12.25
    assert scrape.value("hostcast_up") == 1
    assert "hostcast_segments_aired_total" + '{channel="main"} 3\n' in registry.render()
    assert CONTENT_TYPE.startswith("text/plain; version=0.0.4")


def test_a_family_without_labels_shows_zero_before_use() -> None:
    registry = Registry()
    registry.counter("hostcast_reloads_total", "Config reloads applied.")
    registry.counter("hostcast_refusals_total", "Lines refused.", labels=("channel",))
    scrape = Scrape(registry.render())
    assert scrape.value("hostcast_reloads_total") == 0
    assert scrape.series("hostcast_refusals_total") == 0
    assert scrape.types["hostcast_refusals_total"] == "counter"


def test_label_values_and_help_are_escaped() -> None:
    registry = Registry()
    tricky = 'shop "Nord"\\outlet\nline two'
    errors = registry.counter(
        "hostcast_errors_total",
        'Errors by channel\nand "reason" \\ all.',
        labels=("channel", "reason"),
    )
    errors.labels(channel=tricky, reason="a,b}c=d").inc(4)
    text = registry.render()
    assert text.count("\n") == 3  # HELP, TYPE, one sample: newlines inside are escaped
    scrape = Scrape(text)
    assert scrape.value("hostcast_errors_total", channel=tricky, reason="a,b}c=d") == 4
    assert scrape.help["hostcast_errors_total"] == 'Errors by channel\nand "reason" \\ all.'
    assert '# HELP hostcast_errors_total Errors by channel\\nand "reason" \\\\ all.' in text


def test_special_numbers_render_as_prometheus_reads_them() -> None:
    registry = Registry()
    g = registry.gauge("g", "Gauge.", labels=("k",))
    values = {"big": 1e20, "tiny": 2.5e-7, "inf": float("inf"), "ninf": float("-inf"), "int": 7.0}
    for key, value in values.items():
        g.labels(k=key).set(value)
    g.labels(k="nan").set(float("nan"))
    text = registry.render()
    assert 'g{k="inf"} +Inf\n' in text and 'g{k="ninf"} -Inf\n' in text
    assert 'g{k="nan"} NaN\n' in text and 'g{k="int"} 7\n' in text
    scrape = Scrape(text)
    for key, value in values.items():
        assert scrape.value("g", k=key) == value


@pytest.mark.parametrize("name", ["", "9lives", "frames-sent", "hostcast frames", "é"])
def test_bad_metric_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="metric name"):
        Registry().counter(name, "Help.")


@pytest.mark.parametrize("label", ["", "__name", "channel-id", "1st"])
def test_bad_label_names_are_refused(label: str) -> None:
    with pytest.raises(ValueError, match="label name"):
        Registry().counter("hostcast_x_total", "Help.", labels=(label,))


def test_wrong_labels_duplicates_and_decrements_are_refused() -> None:
    registry = Registry()
    family = registry.counter("hostcast_x_total", "Help.", labels=("channel",))
    with pytest.raises(ValueError, match="expected"):
        family.labels(chanel="main")
    with pytest.raises(ValueError, match="expected"):
        family.labels()
    with pytest.raises(ValueError, match="only go up"):
        family.labels(channel="main").inc(-1)
    with pytest.raises(ValueError, match="declared twice"):
        registry.gauge("hostcast_x_total", "Again.")
    with pytest.raises(ValueError, match="repeat"):
        registry.gauge("hostcast_y", "Help.", labels=("a", "a"))


def test_removed_children_leave_the_scrape() -> None:
    registry = Registry()
    family = registry.gauge("hostcast_on_air", "On air.", labels=("channel",))
    family.labels(channel="main").set(1)
    family.labels(channel="old").set(1)
    family.remove(channel="old")
    assert Scrape(registry.render()).series("hostcast_on_air") == 1


def test_collectors_are_read_at_each_scrape() -> None:
    registry = Registry()
    registry.counter("hostcast_frames_sent_total", "Video frames sent.", labels=("channel",))
    late = registry.counter("hostcast_late_frames_total", "Frames sent late.", labels=("channel",))
    late.labels(channel="main").inc(100)  # a collected value replaces the kept one
    live = {"main": 10, "outlet": 3}

    def playout_counts() -> Iterable[Sample]:
        for channel, frames in live.items():
            yield Sample("hostcast_frames_sent_total", frames, {"channel": channel})
        yield Sample("hostcast_late_frames_total", 2, {"channel": "main"})

    registry.collector(playout_counts)
    first = Scrape(registry.render())
    assert first.value("hostcast_frames_sent_total", channel="main") == 10
    assert first.value("hostcast_late_frames_total", channel="main") == 2
    live["main"] = 250
    second = Scrape(registry.render())
    assert second.value("hostcast_frames_sent_total", channel="main") == 250
    assert second.value("hostcast_frames_sent_total", channel="outlet") == 3


def test_a_failing_collector_is_logged_and_the_rest_still_render(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = Registry()
    registry.gauge("hostcast_queue_seconds", "Queued.", labels=("channel",))

    def good() -> list[Sample]:
        return [Sample("hostcast_queue_seconds", 4, {"channel": "main"})]

    def broken() -> list[Sample]:
        raise RuntimeError("channel gone")

    def undeclared() -> list[Sample]:
        return [Sample("hostcast_queue_seconds", 9, {"channel": "outlet"}), Sample("nope", 1)]

    for fn in (broken, good, undeclared):
        registry.collector(fn)
    with caplog.at_level(logging.ERROR, logger="stream.metrics"):
        scrape = Scrape(registry.render())
    assert scrape.value("hostcast_queue_seconds", channel="main") == 4
    # A collector is all or nothing: its good sample does not air with its bad one.
    assert scrape.series("hostcast_queue_seconds") == 1
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "broken" in logged and "undeclared" in logged


def test_concurrent_increments_are_all_counted() -> None:
    registry = Registry()
    family = registry.counter("hostcast_frames_sent_total", "Frames.", labels=("channel",))
    threads_n, each = 8, 20_000
    start = threading.Barrier(threads_n)

    def work(index: int) -> None:
        start.wait(timeout=10)
        shared = family.labels(channel="main")
        own = family.labels(channel=f"ch{index % 2}")
        for n in range(each):
            shared.inc()
            own.inc(0.5)
            if n % 5000 == 0:
                registry.render()  # scrapes while writers run

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so a lost update would show
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sys.setswitchinterval(switch)
    assert not any(t.is_alive() for t in threads)
    scrape = Scrape(registry.render())
    assert scrape.value("hostcast_frames_sent_total", channel="main") == threads_n * each
    assert scrape.value("hostcast_frames_sent_total", channel="ch0") == threads_n * each / 4
    assert scrape.value("hostcast_frames_sent_total", channel="ch1") == threads_n * each / 4


def test_an_empty_registry_renders_nothing() -> None:
    assert Registry().render() == ""


def test_stream_metrics_do_not_import_host() -> None:
    check = "import sys, stream.metrics; print(sorted(m for m in sys.modules if m[:5] == 'host'))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
