"""Where right answers are lost (tune only): the mis-graded `correct` answers by what the
grade holds.

    .venv/bin/python benchmarks/miss_shapes.py

For each tune answer labelled correct and not graded correct: its grade, whether the grader
found every key point the labeller saw, and whether it flags an unchecked strong claim.
Reads tune*.jsonl only, never the test or check part.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import blind_eval  # noqa: E402

from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import grade  # noqa: E402


def main() -> None:
    deck = load_deck(None)
    rows = [r for r in blind_eval.load("tune") if r["label"] == "correct"]
    shapes: Counter = Counter()
    for r in rows:
        g = grade(deck.card(r["card"]), r["answer"])
        if g.verdict == "correct":
            continue
        found = {p.id for p in g.key_points if p.found}
        shapes[(g.verdict, set(r["points"]) <= found, "unchecked-claim" in g.flags)] += 1
    missed = sum(shapes.values())
    print(f"right answers on tune: {len(rows)}, not graded correct: {missed}, "
          f"of them with an unchecked strong claim: "
          f"{sum(n for (_, _, u), n in shapes.items() if u)}")
    print("grade    every labelled point found  unchecked claim  answers")
    for (verdict, all_found, unchecked), n in sorted(shapes.items()):
        print(f"{verdict:8s} {str(all_found):27s} {str(unchecked):16s} {n}")


if __name__ == "__main__":
    main()
