"""One viewer message as the show keeps it: who, what, from where, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass

from host.chat.intent import REFUSED
from host.segment.segment import Segment
from stream.playout import CutIn
from stream.web.protocols import ChatEntry


@dataclass
class ChatRecord:
    """One viewer message and what became of it; changed under LiveShow's chat lock."""

    id: str
    name: str
    text: str
    source: str
    at: str  # HH:MM:SS on the wall clock
    received: float  # time.monotonic() at receipt
    kind: str = "message"  # or a platform event: "superchat", "membership", ...
    intent: str = ""
    state: str = "answering"  # "answering", "answered" or "not answered"
    answer: str | None = None
    reason: str | None = None
    air_received: float | None = None  # stream seconds at receipt
    first_sample: float | None = None  # stream seconds the answer's first sample aired
    cut: CutIn | None = None
    segment: Segment | None = None  # the answer's first segment, watched for on air

    @property
    def latency(self) -> float | None:
        """Seconds from receipt to the answer's first sample, on the stream's own clock."""
        if self.first_sample is None or self.air_received is None:
            return None
        return self.first_sample - self.air_received

    def entry(self) -> ChatEntry:
        latency = self.latency
        return ChatEntry(
            id=self.id, name=self.name, text=self.text, source=self.source, kind=self.kind,
            at=self.at,
            intent=self.intent, state=self.state, answered=self.state == "answered",
            answer=self.answer, reason=self.reason,
            latency_ms=None if latency is None else round(latency * 1000, 1),
            aired_s=None if self.first_sample is None else round(self.first_sample, 3),
            withheld=self.intent in REFUSED,  # abuse is not shown to every viewer
        )
