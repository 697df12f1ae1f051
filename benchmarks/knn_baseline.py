"""The nearest labelled answer as a grader: a baseline the verdict model must beat (tune only).

    .venv/bin/python benchmarks/knn_baseline.py

Each tune answer takes the label of the most similar other tune answer to the same card
(rapidfuzz scorers on default-processed text), leaving out the answer itself, or every
answer of the same writer. Reads tune*.jsonl only, never the test or check part.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import blind_eval  # noqa: E402
from rapidfuzz import fuzz, utils  # noqa: E402


def nearest_label_accuracy(rows: list[dict], scorer, leave_out_writer: bool) -> tuple[float, int]:
    """(accuracy, wrong answers labelled correct) of 1-NN within each card."""
    by_card: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_card[r["card"]].append(i)
    text = [utils.default_process(r["answer"]) for r in rows]
    hits, w2c = 0, 0
    for i, r in enumerate(rows):
        best, label = -1.0, None
        for j in by_card[r["card"]]:
            if j == i or (leave_out_writer and rows[j]["writer"] == r["writer"]):
                continue
            s = scorer(text[i], text[j])
            if s > best:
                best, label = s, rows[j]["label"]
        hits += label == r["label"]
        w2c += r["label"] == "wrong" and label == "correct"
    return hits / len(rows), w2c


def main() -> None:
    rows = blind_eval.load("tune")
    majority = Counter(r["label"] for r in rows).most_common(1)[0]
    print(f"tune n={len(rows)}  majority class {majority[0]}: {majority[1] / len(rows):.3f}")
    for scorer in (fuzz.token_set_ratio, fuzz.token_sort_ratio, fuzz.ratio, fuzz.WRatio):
        for leave_out_writer in (False, True):
            acc, w2c = nearest_label_accuracy(rows, scorer, leave_out_writer)
            out = "the writer" if leave_out_writer else "the answer"
            print(f"{scorer.__name__:16s} leaving out {out:10s}  accuracy {acc:.3f}  "
                  f"wrong->correct {w2c}")


if __name__ == "__main__":
    main()
