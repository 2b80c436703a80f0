"""Counters and gauges with labels, rendered in Prometheus text format 0.0.4 for `/metrics`.

Values are either kept here (`family.labels(channel="main").inc()`) or read when scraped
from a collector (`registry.collector(fn)`), so a live number such as frames sent is
never copied on every frame.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, Literal, TypeVar

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

Kind = Literal["counter", "gauge"]


@dataclass(frozen=True)
class Sample:
    """One value of a declared family, as a collector reports it at scrape time."""

    name: str
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


class CounterChild:
    """One labelled counter: only goes up."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._value = 0.0

    def inc(self, n: float = 1) -> None:
        if n < 0:
            raise ValueError(f"counter increment {n}: counters only go up")
        with self._lock:
            self._value += n

    @property
    def value(self) -> float:
        with self._lock:
            return self._value


class GaugeChild(CounterChild):
    """One labelled gauge: goes up, down, or to a value."""

    def inc(self, n: float = 1) -> None:
        with self._lock:
            self._value += n

    def dec(self, n: float = 1) -> None:
        self.inc(-n)

    def set(self, value: float) -> None:
        with self._lock:
            self._value = float(value)


ChildT = TypeVar("ChildT", bound=CounterChild)


class Family(Generic[ChildT]):
    """A metric name with its help, type and label names; one child per set of label values."""

    def __init__(
        self,
        name: str,
        help: str,
        kind: Kind,
        labels: tuple[str, ...],
        make: Callable[[threading.Lock], ChildT],
    ) -> None:
        self.name = name
        self.help = help
        self.kind = kind
        self.label_names = labels
        self._make = make
        self._lock = threading.Lock()
        self._children: dict[tuple[str, ...], ChildT] = {}
        if not labels:
            # A family without labels shows 0 from the start, as Prometheus clients do.
            self.labels()

    def labels(self, **values: str) -> ChildT:
        """The child for these label values (exactly the family's labels), made on first use."""
        key = self.key(values)
        with self._lock:
            child = self._children.get(key)
            if child is None:
                child = self._children[key] = self._make(self._lock)
            return child

    def remove(self, **values: str) -> None:
        """Forget one child, e.g. for a channel taken off the schedule."""
        key = self.key(values)
        with self._lock:
            self._children.pop(key, None)

    def key(self, values: Mapping[str, str]) -> tuple[str, ...]:
        """The label values in `label_names` order; a ValueError names a wrong or missing label."""
        if set(values) != set(self.label_names):
            raise ValueError(
                f"metric {self.name}: labels {sorted(values)} given, "
                f"expected {sorted(self.label_names)}"
            )
        for label, value in values.items():
            if not isinstance(value, str):
                raise ValueError(f"metric {self.name}: label {label}={value!r} is not a string")
        return tuple(values[name] for name in self.label_names)

    def snapshot(self) -> dict[tuple[str, ...], float]:
        """The value of every child, by label values in `label_names` order."""
        with self._lock:
            return {key: child._value for key, child in self._children.items()}


Collector = Callable[[], Iterable[Sample]]


class Registry:
    """The metrics one `/metrics` endpoint shows; safe to update from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._families: dict[str, Family[Any]] = {}
        self._collectors: list[Collector] = []

    def counter(self, name: str, help: str, labels: Iterable[str] = ()) -> Family[CounterChild]:
        """Declare a counter: a total that only goes up (by convention named `..._total`)."""
        return self._declare(name, help, "counter", tuple(labels), CounterChild)

    def gauge(self, name: str, help: str, labels: Iterable[str] = ()) -> Family[GaugeChild]:
        """Declare a gauge: a value that goes up and down."""
        return self._declare(name, help, "gauge", tuple(labels), GaugeChild)

    def _declare(
        self,
        name: str,
        help: str,
        kind: Kind,
        labels: tuple[str, ...],
        make: Callable[[threading.Lock], ChildT],
    ) -> Family[ChildT]:
        if not _NAME.fullmatch(name):
            raise ValueError(f"metric name {name!r}: must match {_NAME.pattern}")
        for label in labels:
            if not _LABEL.fullmatch(label) or label.startswith("__"):
                raise ValueError(
                    f"metric {name}: label name {label!r} must match {_LABEL.pattern} "
                    "and not start with __"
                )
        if len(set(labels)) != len(labels):
            raise ValueError(f"metric {name}: label names {labels} repeat")
        family = Family(name, help, kind, labels, make)
        with self._lock:
            if name in self._families:
                raise ValueError(f"metric {name}: declared twice")
            self._families[name] = family
        return family

    def collector(self, fn: Collector) -> Collector:
        """Call `fn` at each scrape; its samples (of declared families) replace kept values."""
        with self._lock:
            self._collectors.append(fn)
        return fn

    def render(self) -> str:
        """Every family in text format 0.0.4, in declaration order; ends with a newline."""
        with self._lock:
            families = list(self._families.values())
            collectors = list(self._collectors)
        values = {family.name: family.snapshot() for family in families}
        for fn in collectors:
            self._collect(fn, values)
        lines: list[str] = []
        for family in families:
            lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
            lines.append(f"# TYPE {family.name} {family.kind}")
            for key, value in sorted(values[family.name].items()):
                lines.append(f"{family.name}{_labels(family.label_names, key)} {_number(value)}")
        return "\n".join(lines) + "\n" if lines else ""

    def _collect(self, fn: Collector, values: dict[str, dict[tuple[str, ...], float]]) -> None:
        """Merge one collector's samples; a collector that fails is logged and left out."""
        try:
            merged: list[tuple[str, tuple[str, ...], float]] = []
            for sample in fn():
                family = self._families.get(sample.name)
                if family is None:
                    raise ValueError(f"sample of undeclared metric {sample.name!r}")
                key = family.key(sample.labels)
                merged.append((sample.name, key, float(sample.value)))
        except Exception:
            # A scrape goes on without it: one broken channel must not hide the others.
            log.exception("metrics collector %s failed; its samples are left out", _name(fn))
            return
        for name, key, value in merged:
            values[name][key] = value


def _name(fn: Collector) -> str:
    return getattr(fn, "__qualname__", repr(fn))


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    if not names:
        return ""
    pairs = ",".join(f'{n}="{_escape_value(v)}"' for n, v in zip(names, values, strict=True))
    return "{" + pairs + "}"


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)
