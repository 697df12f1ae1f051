"""Measure the grader on the blind set: answers written by people who never saw the cards.

    .venv/bin/python benchmarks/blind_eval.py                 # tune and test, aggregates
    .venv/bin/python benchmarks/blind_eval.py --show          # tune: figures and every miss
    .venv/bin/python benchmarks/blind_eval.py --json          # figures as JSON (for tests)
    .venv/bin/python benchmarks/blind_eval.py --tune2-only    # the second tune batch alone
    .venv/bin/python benchmarks/blind_eval.py --check         # the check part, aggregates
    .venv/bin/python benchmarks/blind_eval.py --only tune3    # one file of the set (NAME.jsonl)

tests/data/grading_blind/ (see its README.md): answers written from the question and the
documentation only, labelled by other readers from the card and docs/grading-rubric.md,
split once before any tuning into `tune` and `test`. The test part is only ever read as
aggregate figures: this script never prints a test answer, and --show refuses to. The
`check` part (check.jsonl: two more new writers on the 11 tune cards the second tune batch
left out) is read the same way, and only twice: with the grader before anything was tuned
on the second batch, and with the grader of the next test read (benchmarks/README.md).

Figures: `accuracy` counts an `unsure` grade as a disagreement; `decided accuracy` and QWK
are over the answers the grader decided (correct / partial / wrong); `unsure` is their
share; `wrong->correct` counts answers labelled wrong that the grader called correct (the
error that costs a learner most: it teaches the mistake).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz.grading import grade  # noqa: E402
from quiz.grading.metrics import quadratic_weighted_kappa  # noqa: E402

DATA = ROOT / "tests" / "data" / "grading_blind"
ORD = {"wrong": 0, "partial": 1, "correct": 2}


# The tune part came in two batches: tune.jsonl (2026-12-01, writers A-C, split from the
# test part) and tune2.jsonl (2026-12-04, writers E-G on 32 of the tune cards, all of it
# tune). ``load("tune")`` is both; the test part is test.jsonl alone, unchanged.
# tune3.jsonl (2026-12-04 evening, writers R and S on the 11 tune cards tune2 left out)
# joined the tune part on 2026-12-04 (session 29), after its figure with the grader that
# never saw it was recorded in benchmarks/README.md (`--only tune3`); tune4.jsonl (writers T
# and W) joined it the same way, after its first figure (`--only tune4`), and tune5.jsonl (writers H
# and J) after its own (`--only tune5`, read once with the grader tuned on tune4); tune6.jsonl
# (writers K and L) after its first read (`--only tune6`, 2026-12-05, read 20's grader).
TUNE_FILES = ("tune.jsonl", "tune2.jsonl", "tune3.jsonl", "tune4.jsonl", "tune5.jsonl",
              "tune6.jsonl")
# What --only reads alone: the tune part, each batch, and the check part; never test.
ONLY = ("tune", "tune2", "tune3", "tune4", "tune5", "tune6", "check")


def load(part: str) -> list[dict]:
    names = [n for n in TUNE_FILES if (DATA / n).exists()] if part == "tune" else [f"{part}.jsonl"]
    rows = []
    for name in names:
        with (DATA / name).open(encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def held_out_cards() -> set[str]:
    return set(json.loads((DATA / "split.json").read_text(encoding="utf-8"))["held_out_cards"])


def grade_rows(rows: list[dict], deck) -> list[str]:
    out = []
    for r in rows:
        out.append(grade(deck.card(r["card"]), r["answer"]).verdict)
    return out


def figures(rows: list[dict], pred: list[str]) -> dict:
    n = len(rows)
    if not n:
        return {"n": 0}
    gold = [r["label"] for r in rows]
    decided = [(g, p) for g, p in zip(gold, pred, strict=True) if p != "unsure"]
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / n
    dacc = sum(g == p for g, p in decided) / len(decided) if decided else 0.0
    qwk = (quadratic_weighted_kappa([ORD[g] for g, _ in decided], [ORD[p] for _, p in decided], 3)
           if decided else 0.0)
    return {
        "n": n,
        "accuracy": round(acc, 3),
        "decided_accuracy": round(dacc, 3),
        "qwk": round(qwk, 3),
        "unsure": round(sum(p == "unsure" for p in pred) / n, 3),
        "wrong_to_correct": sum(1 for g, p in zip(gold, pred, strict=True)
                                if g == "wrong" and p == "correct"),
        "confusion": {f"{g}->{p}": c for (g, p), c in
                      sorted(Counter(zip(gold, pred, strict=True)).items())},
    }


def by(rows: list[dict], pred: list[str], key: str) -> dict[str, dict]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[r[key]].append(i)
    return {k: figures([rows[i] for i in idx], [pred[i] for i in idx])
            for k, idx in sorted(groups.items())}


def evaluate(deck_path: str | None = None, parts: tuple[str, ...] = ("tune", "test")) -> dict:
    from quiz.deck.loader import load_deck

    deck = load_deck(deck_path)
    held = held_out_cards()
    out: dict = {}
    for part in parts:
        rows = load(part)
        pred = grade_rows(rows, deck)
        res = {"all": figures(rows, pred), "by_kind": by(rows, pred, "kind"),
               "by_lang": by(rows, pred, "lang")}
        if part == "test":
            ha = [i for i, r in enumerate(rows) if r["card"] not in held]
            hc = [i for i, r in enumerate(rows) if r["card"] in held]
            res["held_out_answers"] = figures([rows[i] for i in ha], [pred[i] for i in ha])
            res["held_out_cards"] = figures([rows[i] for i in hc], [pred[i] for i in hc])
        out[part] = res
    return out


def _line(name: str, f: dict) -> str:
    if not f.get("n"):
        return f"{name:28} n=0"
    return (f"{name:28} n={f['n']:4}  accuracy {f['accuracy']:.3f}"
            f"  decided {f['decided_accuracy']:.3f}  QWK {f['qwk']:.3f}"
            f"  unsure {f['unsure']:.1%}  wrong->correct {f['wrong_to_correct']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deck", default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true",
                    help="tune figures and every mis-graded TUNE answer (no test figures)")
    ap.add_argument("--tune-only", action="store_true",
                    help="figures of the tune part only (while tuning: the test part unread)")
    ap.add_argument("--tune2-only", action="store_true",
                    help="figures of the second tune batch (tune2.jsonl) only")
    ap.add_argument("--check", action="store_true",
                    help="figures of the check part (check.jsonl) only: aggregates, never "
                         "tuned on")
    ap.add_argument("--only", default=None, metavar="NAME", choices=ONLY,
                    help="figures of tests/data/grading_blind/NAME.jsonl alone (a batch's first "
                         "read, before anything is tuned on it); the test part is read with the "
                         "others, never alone")
    args = ap.parse_args()
    # --check, --tune2-only and --tune-only are names for --only check / tune2 / tune
    # --show is a tuning tool: it reads tune alone, so listing misses never prints (and
    # never lets anyone glance at) a test figure between the planned test reads
    only = args.only or ("check" if args.check else "tune2" if args.tune2_only
                         else "tune" if args.tune_only or args.show else None)
    parts = (only,) if only else ("tune", "test")
    res = evaluate(args.deck, parts)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    for part in res:
        r = res[part]
        print(_line(part, r["all"]))
        if part == "test":
            print(_line("  held-out answers", r["held_out_answers"]))
            print(_line("  held-out cards", r["held_out_cards"]))
        print("   " + "  ".join(f"{k} {v['accuracy']:.2f}" for k, v in r["by_kind"].items()))
        print("   " + "  ".join(f"{k} {v['accuracy']:.2f}" for k, v in r["by_lang"].items()))
        print("   confusion (label->grade):", r["all"]["confusion"])
    if args.show:
        from quiz.deck.loader import load_deck

        deck = load_deck(args.deck)
        for r in load("tune"):  # never the test part
            g = grade(deck.card(r["card"]), r["answer"])
            if g.verdict != r["label"]:
                found = [p.id for p in g.key_points if p.found]
                print(f"\n[{r['id']}] {r['kind']} label={r['label']} grade={g.verdict} "
                      f"{g.score:.2f} found={found} labeller points={r['points']} "
                      f"flags={list(g.flags)} mis={[m.id for m in g.misconceptions]}"
                      f"\n   false claim: {r['false_claim']}\n   {r['answer'][:400]}")


if __name__ == "__main__":
    main()
