"""Viewers' questions, measured: from receipt to the answer's first sample on air, and say-now.

    .venv/bin/python benchmarks/viewer_questions.py [--questions 50] [--says 20] [--lang en]
        [--barge-in word|sentence|next] [--gap 6 10] [--size 360x640] [--seed 1]
        [--voice en-espeak]

Airs the demo catalog in real time in this process (RealClock, no RTMP, the preview
server on a free loopback port), posts --questions viewer questions to POST /api/chat
(price, stock and size questions about the demo products, in the show's language), each
--gap seconds after the previous answer has finished airing (so it lands at a random point
of a rotation line: the host is free to answer), then --says operator lines to
/api/control/say. With --overlap, questions come --gap seconds apart whatever airs, and a
question asked during an earlier answer waits for it (answers never cut each other).

Per question: the time from the server's receipt to the first audio sample of its answer
on the stream's own timeline (the playout's cut-in record, as the page shows it), split
by whether an earlier answer was still on air (a new answer waits for it: answers never
cut each other). Per say-now line: from the moment the client sent it to its first
sample on air. Prints p50, p95 and max of each. Targets: answers p95 <= 1.0 s (the
template path, --barge-in word); say-now p95 <= 200 ms. About 8 minutes with defaults.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from host.script.steering import Steering
from host.segment.segment import Segment
from hostcast.cli.live import BARGE_IN_MODES, LiveShow
from hostcast.cli.on_air import OnAir
from hostcast.cli.show import Show, ShowOptions
from hostcast.schedule.config import Outputs

REPO = Path(__file__).resolve().parent.parent
TOKEN = "benchmark-token"

QUESTIONS = {
    "en": [
        "How much is the serum?",
        "What's the price of the hoodie?",
        "How much are the earbuds?",
        "Is the honey in stock?",
        "Do you still have the chocolates?",
        "Is the coffee available?",
        "What sizes does the t-shirt come in?",
        "Do you have the hoodie in XL?",
        "Is the white t-shirt available in size M?",
        "What sizes for the hoodie?",
        "How much is the candle?",
        "Is the mug in stock?",
    ],
    "fr": [
        "Combien coûte le sérum ?",
        "C'est combien le sweat à capuche ?",
        "Quel est le prix des écouteurs ?",
        "Le miel est en stock ?",
        "Il reste des chocolats ?",
        "Le café est disponible ?",
        "Quelles tailles pour le t-shirt ?",
        "Vous avez le sweat en XL ?",
        "Le t-shirt blanc existe en M ?",
        "Quelles tailles pour le sweat ?",
        "Combien coûte la bougie ?",
        "Le mug est en stock ?",
    ],
}
SAYS = {
    "en": ["Thanks for watching, everyone!", "Welcome to all our new viewers!",
           "Don't forget to scan the code on screen.", "Great questions today, keep them coming!"],
    "fr": ["Merci à tous d'être avec nous !", "Bienvenue à tous les nouveaux !",
           "N'oubliez pas de scanner le code à l'écran.",
           "Super questions aujourd'hui, continuez !"],
}
NAMES = ["Julie", "Marc", "Amina", "Tom", "Léa", "Noah", "Chloé", "Sam"]


@dataclass
class Asked:
    id: str
    sent: float  # time.monotonic() just before the request
    stream_at_send: float  # the stream's clock at that moment


def post(url: str, body: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read() or b"{}")


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return (f"n={len(values)} p50 {statistics.median(ordered) * 1000:.0f} ms  "
            f"p95 {p95 * 1000:.0f} ms  max {ordered[-1] * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--says", type=int, default=20)
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--barge-in", choices=BARGE_IN_MODES, default="word")
    parser.add_argument("--gap", type=float, nargs=2, default=(0.5, 4.0), metavar=("MIN", "MAX"),
                        help="seconds from the previous answer's end (or, with --overlap, the "
                        "previous question) to the next question, drawn uniformly (0.5 4)")
    parser.add_argument("--overlap", action="store_true",
                        help="do not wait for answers to end: questions may queue")
    parser.add_argument("--size", default="360x640")
    parser.add_argument("--voice", default=None,
                        help="a voice profile (en-espeak, ...); default: the language's own")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    rng = random.Random(args.seed)
    show = Show.open(ShowOptions(
        catalog=REPO / "demo" / f"catalog.{args.lang}.json", lang=args.lang,
        size=(width, height), preset="ultrafast", seed=args.seed, voice=args.voice,
    ))
    live = LiveShow(show, Steering(), barge_in=args.barge_in)
    aired: list[tuple[Segment, float]] = []
    on_air = OnAir(show, Outputs(preview=("127.0.0.1", 0)), live=live, token=TOKEN,
                   on_segment=lambda segment, at: aired.append((segment, at)))
    asked: list[Asked] = []
    says: list[tuple[float, float]] = []  # (sent monotonic, stream clock at send)
    try:
        on_air.start()
        assert on_air.server is not None and on_air.playout is not None
        playout, base = on_air.playout, on_air.server.url
        time.sleep(3.0)  # the greeting is on air; the producer is ahead

        def stream_now() -> float:
            return playout.air_time

        print(f"airing {args.lang} at {args.size}, barge-in {args.barge_in}; "
              f"{args.questions} questions, then {args.says} say-now lines", file=sys.stderr)
        def answer_done(question_id: str) -> bool:
            entries = {entry["id"]: entry for entry in live.chat_log()}
            entry = entries.get(question_id)
            if entry is None or entry["state"] not in ("answered", "not answered"):
                return False
            ends = [at + seg.duration for seg, at in list(aired) if seg.kind == "answer"]
            return not ends or stream_now() >= max(ends)

        for n in range(args.questions):
            if asked and not args.overlap:
                deadline = time.monotonic() + 30
                while not answer_done(asked[-1].id) and time.monotonic() < deadline:
                    time.sleep(0.05)
            time.sleep(rng.uniform(*args.gap))
            question = rng.choice(QUESTIONS[args.lang])
            sent, at = time.monotonic(), stream_now()
            status, reply = post(base + "api/chat", {"name": rng.choice(NAMES), "text": question})
            if status != 202:
                print(f"question {n}: HTTP {status} {reply}", file=sys.stderr)
                continue
            asked.append(Asked(str(reply["id"]), sent, at))
        for _ in range(args.says):
            time.sleep(rng.uniform(1.5, 3.0))
            sent, at = time.monotonic(), stream_now()
            status, reply = post(base + "api/control/say", {"text": rng.choice(SAYS[args.lang])})
            if status == 200:
                says.append((sent, at))
        time.sleep(1.5)  # the last line reaches the air
        log = {entry["id"]: entry for entry in live.chat_log()}
        said = list(live.said)
    finally:
        on_air.close()
        show.close()

    answer_spans = [(at, at + seg.duration) for seg, at in aired if seg.kind == "answer"]
    free: list[float] = []  # asked while no earlier answer was on air
    behind: list[float] = []  # asked while one was: it waits its turn, never cuts it
    for a in asked:
        latency = log[a.id].get("latency_ms") if a.id in log else None
        if latency is None:
            continue
        busy = any(start <= a.stream_at_send < end for start, end in answer_spans)
        (behind if busy else free).append(latency / 1000)
    answers = free + behind
    unanswered = [log[a.id] for a in asked if a.id in log and log[a.id]["state"] != "answered"]
    say_latency = []
    for (_, at), (_, cut) in zip(says, said[-len(says):] if says else [], strict=False):
        if cut.aired.is_set() and cut.first_sample is not None:
            say_latency.append(cut.first_sample - at)
    intents: dict[str, int] = {}
    for a in asked:
        intent = str(log.get(a.id, {}).get("intent", "?"))
        intents[intent] = intents.get(intent, 0) + 1
    print(f"questions posted: {len(asked)}  intents: {intents}")
    print(f"answers, receipt -> first sample on air ({args.barge_in}): {percentiles(answers)}")
    print(f"  asked while no answer aired: {percentiles(free)}")
    print(f"  asked while an answer aired (waits for it): {percentiles(behind)}")
    print(f"say-now, client send -> first sample on air: {percentiles(say_latency)}")
    for entry in unanswered[:5]:
        print(f"  not answered: {entry['text']!r}: {entry['state']} {entry.get('reason')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
