"""Fit the grader's thresholds on the TUNE split of the blind set; write calibration.json.

    .venv/bin/python benchmarks/calibrate.py            # search, print, do not write
    .venv/bin/python benchmarks/calibrate.py --write    # also write quiz/grading/calibration.json

Only tests/data/grading_blind/tune.jsonl is read (the test split stays unread until the
figures are reported by blind_eval.py). The search is a seeded coordinate ascent over the
Policy fields below, from the current calibration; its objective rewards agreement with the
labels, counts an `unsure` grade as half right (it sends the learner to the model answer
instead of teaching an error), forbids more than 15 % unsure, and charges each wrong answer
graded correct as much as five disagreements.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz.grading import grade  # noqa: E402
from quiz.grading.policy import CALIBRATION, SHIPPED, Policy  # noqa: E402

GRID = {
    "point_found": [55.0, 60.0, 65.0, 70.0, 75.0],
    "essential_found": [50.0, 55.0, 60.0, 65.0, 70.0, 75.0],
    "essential_margin": [0.0, 5.0, 10.0, 15.0],
    "misconception_hit": [70.0, 75.0, 80.0, 85.0, 90.0],
    "misconception_margin": [0.0, 5.0, 10.0],
    "negated_at": [60.0, 65.0, 70.0, 75.0, 80.0, 90.0, 101.0],
    "strong_claim_unsure": [False, True],
    "partial": [0.05, 0.1, 0.15, 0.2, 0.25],
    "keyword_touched": [0.1, 0.2, 0.3, 0.4],
    "essential_coverage": [0.0, 0.2, 0.3, 0.4],
}
MAX_UNSURE = 0.15


def load_tune() -> list[dict]:
    path = ROOT / "tests" / "data" / "grading_blind" / "tune.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(x) for x in f]


def objective(rows, cards, policy: Policy) -> tuple[float, dict]:
    agree = unsure = w2c = 0
    for r, card in zip(rows, cards, strict=True):
        v = grade(card, r["answer"], policy=policy).verdict
        if v == "unsure":
            unsure += 1
        elif v == r["label"]:
            agree += 1
        elif v == "correct" and r["label"] == "wrong":
            w2c += 1
    n = len(rows)
    stats = {"accuracy": agree / n, "unsure": unsure / n, "wrong_to_correct": w2c}
    value = (agree + 0.5 * unsure - 5 * w2c) / n
    if unsure / n > MAX_UNSURE:
        value -= 1.0
    return value, stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from quiz.deck.loader import load_deck

    deck = load_deck()
    rows = load_tune()
    cards = [deck.card(r["card"]) for r in rows]
    best = SHIPPED
    best_v, best_s = objective(rows, cards, best)
    print(f"start: {best_v:.4f} {best_s}")
    for rnd in range(args.rounds):
        improved = False
        for name, values in GRID.items():
            for val in values:
                if getattr(best, name) == val:
                    continue
                cand = replace(best, **{name: val})
                v, s = objective(rows, cards, cand)
                if v > best_v + 1e-9:
                    best, best_v, best_s, improved = cand, v, s, True
                    print(f"round {rnd}: {name}={val} -> {v:.4f} {s}")
        if not improved:
            break
    print("best:", {k: v for k, v in asdict(best).items() if k in GRID}, best_s)
    if args.write:
        data = {"fitted_on": "tests/data/grading_blind/tune.jsonl",
                "command": "benchmarks/calibrate.py --write",
                "tune_figures": {k: round(v, 4) for k, v in best_s.items()},
                "policy": {k: v for k, v in asdict(best).items() if k in GRID}}
        CALIBRATION.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print("wrote", CALIBRATION)


if __name__ == "__main__":
    main()
