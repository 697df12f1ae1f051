"""What each concept of the lexicon changes on the TUNE split of the blind set.

    .venv/bin/python benchmarks/lexicon_ablation.py [--top 15]

For the whole lexicon, no lexicon, and the lexicon less one concept at a time: agreement
with the labels, unsure share and wrong answers graded correct on the tune part
(blind_eval.TUNE_FILES, through blind_eval.load; the test and check parts are never read).
A concept whose removal raises agreement is a candidate to drop.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz.deck.lexicon import load_lexicon, shipped_lexicon_path  # noqa: E402
from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import concepts, grade  # noqa: E402


def figures(rows, cards) -> tuple[int, int, int]:
    agree = unsure = w2c = 0
    for r, c in zip(rows, cards, strict=True):
        v = grade(c, r["answer"]).verdict
        agree += v == r["label"]
        unsure += v == "unsure"
        w2c += v == "correct" and r["label"] == "wrong"
    return agree, unsure, w2c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    deck = load_deck()
    from blind_eval import load  # beside this script: the batches of the tune part

    rows = load("tune")
    cards = [deck.card(r["card"]) for r in rows]
    full = load_lexicon(shipped_lexicon_path())
    try:
        concepts.use(concepts.Lexicon(full))
        base = figures(rows, cards)
        concepts.use(concepts.EMPTY)
        none = figures(rows, cards)
        deltas = []
        for cid in full:
            concepts.use(concepts.Lexicon({k: v for k, v in full.items() if k != cid}))
            a, u, w = figures(rows, cards)
            deltas.append((base[0] - a, w - base[2], u - base[1], cid))
    finally:
        concepts.use(None)
    n = len(rows)
    print(f"tune n={n}: full lexicon agree {base[0]} ({base[0] / n:.3f}), unsure {base[1]}, "
          f"wrong->correct {base[2]}; no lexicon agree {none[0]} ({none[0] / n:.3f}), "
          f"unsure {none[1]}, wrong->correct {none[2]}")
    deltas.sort(reverse=True)
    print("concepts that pay off most (agreement lost without them, wrong->correct added):")
    for d, w, u, cid in deltas[:args.top]:
        print(f"  {cid:22} {d:+d} agree  {w:+d} wrong->correct  {u:+d} unsure")
    hurt = [x for x in deltas if x[0] < 0]
    print(f"concepts whose removal would raise agreement: {len(hurt)}")
    for d, w, _u, cid in sorted(hurt)[:args.top]:
        print(f"  {cid:22} {-d:+d} agree without it  {w:+d} wrong->correct")
    print(f"concepts that change nothing on tune: {sum(1 for x in deltas if x[:3] == (0, 0, 0))}")


if __name__ == "__main__":
    main()
