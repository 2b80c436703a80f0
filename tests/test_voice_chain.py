"""A show's voices are one chain, tried in order: the first fit one speaks each line."""

from __future__ import annotations

import numpy as np
import pytest

from host.voice.chain import VoiceChain
from host.voice.speech import Speech

RATE = 16_000


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeVoice:
    """One second of tone per line; `cost` seconds of the clock to make it, or a crash."""

    def __init__(self, name: str, clock: Clock, cost: float = 0.1, broken: bool = False) -> None:
        self.name, self.clock, self.cost, self.broken = name, clock, cost, broken
        self.lines: list[str] = []

    def __repr__(self) -> str:
        return self.name

    def speak(self, text: str) -> Speech:
        self.clock.now += self.cost
        if self.broken:
            raise RuntimeError(f"{self.name} is down")
        self.lines.append(text)
        return Speech(np.full(RATE, 1000, np.int16), RATE, ())


def test_each_line_goes_to_the_first_fit_voice_of_three() -> None:
    clock = Clock()
    neural = FakeVoice("neural", clock, broken=True)
    piper = FakeVoice("piper", clock, cost=2.0)  # slower than real time
    espeak = FakeVoice("espeak", clock)
    chain = VoiceChain([neural, piper, espeak], cooldown=2, timer=clock)
    for n in range(4):
        chain.speak(f"line {n}")
    # 0: neural fails, piper speaks it slowly (it airs) and rests; 1, 2: neural rests,
    # piper rests, espeak speaks; 3: neural is tried again and fails, piper is back.
    assert piper.lines == ["line 0", "line 3"]
    assert espeak.lines == ["line 1", "line 2"]
    status = chain.status()
    assert status["chain"] == ["neural", "piper", "espeak"]
    assert status["state"] == "fallback" and status["reason"] == "neural failed: neural is down"
    assert status["fallback_lines"] == 4
    assert repr(chain) == "neural > piper > espeak"


def test_the_last_voice_is_always_tried_and_its_failure_is_the_lines() -> None:
    clock = Clock()
    chain = VoiceChain([FakeVoice("a", clock, broken=True), FakeVoice("b", clock, broken=True)],
                       timer=clock)
    with pytest.raises(RuntimeError, match="b is down"):
        chain.speak("hello")
    with pytest.raises(RuntimeError, match="b is down"):
        chain.speak("again")  # a rests; b, the last, still speaks or fails each line


def test_a_voice_back_in_shape_takes_its_lines_back() -> None:
    clock = Clock()
    main, spare = FakeVoice("main", clock, cost=1.5), FakeVoice("spare", clock)
    chain = VoiceChain([main, spare], cooldown=1, timer=clock)
    chain.speak("slow")
    chain.speak("rested")
    main.cost = 0.25
    chain.speak("fast")
    assert main.lines == ["slow", "fast"] and spare.lines == ["rested"]
    assert chain.status()["state"] == "ok" and chain.status()["speed"] == 4.0


def test_a_chain_needs_a_voice() -> None:
    with pytest.raises(ValueError, match="at least one voice"):
        VoiceChain([])
