"""Which half of the grader's job costs agreement on the TUNE split: points or false claims.

    .venv/bin/python benchmarks/rubric_gap.py

The labels follow the rubric (docs/grading-rubric.md) from the labeller's own `points`,
`false_claim` and `keyword_list`. Composing the rubric's verdict from the labeller's half
and the grader's other half says which half is the gap: the grader's points (found at 60,
not negated) with the labelled false claims, and the labelled points with the false claims
the grader flags (a misconception hit, a contradicted point, a wrong figure). Tune only.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from blind_eval import load  # noqa: E402  (beside this script)
from points_tune import flags_false_claim, found  # noqa: E402

from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import grade  # noqa: E402


def rubric(essential: set[str], made: set[str], false: bool, keyword_list: bool) -> str:
    if false or not made:
        return "wrong"
    if keyword_list:
        return "partial"
    return "correct" if essential <= made else "partial"


def main() -> None:
    deck = load_deck()
    rows = load("tune")
    agree = {"labels' points and false claims": 0, "grader's points, labels' false claims": 0,
             "labels' points, grader's false claims": 0, "grader's both": 0}
    for r in rows:
        card = deck.card(r["card"])
        g = grade(card, r["answer"], model=None)
        ess = {k.id for k in card.key_points if k.essential}
        got, flagged = found(g), flags_false_claim(g)
        made, false, kw = set(r["points"]), bool(r["false_claim"]), r["keyword_list"]
        for key, v in zip(agree, (rubric(ess, made, false, kw), rubric(ess, got, false, kw),
                                  rubric(ess, made, flagged, kw),
                                  rubric(ess, got, flagged, kw)), strict=True):
            agree[key] += v == r["label"]
    for key, v in agree.items():
        print(f"{key:40s} agreement {v / len(rows):.3f}")


if __name__ == "__main__":
    main()
