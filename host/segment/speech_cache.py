"""Lines said before, kept: a shop's stream repeats its lines, and a voice need not redo them."""

from __future__ import annotations

from collections import OrderedDict

from host.voice.speech import Speech

BUDGET_BYTES = 64 * 2**20  # about 25 minutes of speech at 22 kHz


class SpeechCache:
    """The levelled speech of recent lines, by text, least recently used out first."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self.budget = budget
        self.bytes = 0
        self.hits = 0
        self._kept: OrderedDict[str, Speech] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, text: str) -> Speech | None:
        speech = self._kept.get(text)
        if speech is not None:
            self._kept.move_to_end(text)
            self.hits += 1
        return speech

    def put(self, text: str, speech: Speech) -> None:
        if text in self._kept or speech.pcm.nbytes > self.budget:
            return
        self._kept[text] = speech
        self.bytes += speech.pcm.nbytes
        while self.bytes > self.budget:
            _, dropped = self._kept.popitem(last=False)
            self.bytes -= dropped.pcm.nbytes
