"""The grader against a naive one, on the same lines in one run (issue 12's speed target).

    .venv/bin/python benchmarks/grade_vs_naive.py [--lines 3000] [--runs 5]

Naive: for each answer, rapidfuzz `token_set_ratio` (with `utils.default_process`) against
every phrasing of the card's key points and misconceptions, best score kept. Ours: `grade()`
with the shipped lexicon and calibration. Both parse the same JSON lines and write one JSON
line per answer to a null stream, cards compiled once beforehand (as a batch does after its
first line). Runs alternate between the two so a noisy neighbour hits both alike; medians of
CPU time; the ratio is naive time / our time (above 1: we are faster).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, utils  # noqa: E402

from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import grade  # noqa: E402


def lines(n: int) -> list[str]:
    data = ROOT / "tests" / "data" / "grading_blind"
    rows = [json.loads(x) for f in ("tune.jsonl", "test.jsonl")
            for x in (data / f).read_text(encoding="utf-8").splitlines()]
    out = [json.dumps({"card": r["card"], "answer": r["answer"]}, ensure_ascii=False)
           for r in rows]
    return (out * (n // len(out) + 1))[:n]


def run_ours(deck, batch: list[str]) -> float:
    t = time.process_time()
    sink = []
    for line in batch:
        r = json.loads(line)
        g = grade(deck.card(r["card"]), r["answer"])
        sink.append(json.dumps({"card": r["card"], "score": g.score, "verdict": g.verdict},
                               ensure_ascii=False))
    return time.process_time() - t


def run_naive(phrasings: dict[str, list[str]], batch: list[str]) -> float:
    t = time.process_time()
    sink = []
    for line in batch:
        r = json.loads(line)
        answer = utils.default_process(r["answer"])
        best = max((fuzz.token_set_ratio(p, answer) for p in phrasings[r["card"]]), default=0.0)
        sink.append(json.dumps({"card": r["card"], "score": best / 100}, ensure_ascii=False))
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    deck = load_deck()
    batch = lines(args.lines)
    phrasings = {
        c.id: [utils.default_process(p) for t in (*c.key_points, *c.misconceptions)
               for texts in t.phrasings.values() for p in texts]
        for c in deck.cards
    }
    # compile every card and warm caches, untimed: the first 200 lines alone left about
    # half the cards to be compiled inside the first timed run
    first = {}
    for line in batch:
        first.setdefault(json.loads(line)["card"], line)
    run_ours(deck, [*first.values(), *batch[:200]])
    ours, naive = [], []
    for _ in range(args.runs):
        ours.append(run_ours(deck, batch))
        naive.append(run_naive(phrasings, batch))
    o, n = statistics.median(ours), statistics.median(naive)
    print(f"{args.lines} lines, {args.runs} runs, medians of CPU time: "
          f"quizlab {o:.3f} s ({args.lines / o:,.0f}/s), naive token_set_ratio {n:.3f} s "
          f"({args.lines / n:,.0f}/s); naive/ours = {n / o:.2f}x")


if __name__ == "__main__":
    main()
