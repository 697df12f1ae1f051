"""Where one answer's grading time goes, stage by stage, on cards of 10 key points.

Stages of `quiz grade --jsonl` on the dev-set answers against their 10-key-point twins
(as in grade_speed.py): segmentation, occurrences, stage-1 bounds, key-point and
misconception matching, the keyword-list check, feedback, the whole of grade(), and the
JSON line. Inputs of each stage are prepared once; each stage then runs alone over all
answers.

    .venv/bin/python benchmarks/grade_stages.py              # microseconds, best of 15
    .venv/bin/python benchmarks/grade_stages.py --callgrind  # instructions (valgrind, ~7 min)
    .venv/bin/python benchmarks/grade_stages.py --tune [--callgrind]

``--tune``: the blind set's tune answers (tests/data/grading_blind/tune.jsonl, longer, a
third of them Chinese) against their own cards of the shipped deck, language detected
(as `quiz grade --jsonl` does without a "lang"), instead.

Wall time on a shared machine moves by 10 % between runs; `--callgrind` counts
instructions instead, the same from run to run (PYTHONHASHSEED=0 is set so dict order
does not move them either): each stage is run 5 times under callgrind, minus a run that
only prepares the inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("segment", "occurrences", "bounds", "match key points", "match misconceptions",
          "keyword list", "feedback", "grade()", "JSON line")


def prepare(tune: bool = False):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QUIZ_HOME", tempfile.mkdtemp(prefix="quiz-stages-"))
    from grade_speed import ten_point_deck

    from quiz.commands.grade import _encoder
    from quiz.deck.loader import load_deck
    from quiz.grading.feedback import compose
    from quiz.grading.grade import card_matcher, grade
    from quiz.grading.policy import DEFAULT as P
    from quiz.grading.segment import segment
    from quiz.grading.shape import is_keyword_list

    if tune:
        cards = {c.id: c for c in load_deck().cards}
        rows = [json.loads(x) for x in
                (ROOT / "tests/data/grading_blind/tune.jsonl").open(encoding="utf-8")]
        batch = [(cards[r["card"]], r["answer"], None) for r in rows]  # lang detected
    else:
        deck_file = Path(tempfile.mkdtemp(prefix="quiz-stages-")) / "deck10.yaml"
        twin = ten_point_deck(load_deck(), deck_file)
        cards = {c.id: c for c in load_deck(str(deck_file)).cards}
        rows = [json.loads(x)
                for x in (ROOT / "tests/data/grading_dev.jsonl").open(encoding="utf-8")]
        batch = [(cards[twin[r["card"]]], r["answer"], r["lang"]) for r in rows]
    cms = [card_matcher(c) for c, _, _ in batch]
    ms = [cm.matcher for cm in cms]
    segs = [segment(a) for _, a, _ in batch]
    occs = [m.occurrences(s) for m, s in zip(ms, segs, strict=True)]
    bnds = [m.bounds(o) for m, o in zip(ms, occs, strict=True)]
    grades = [grade(c, a, lang) for c, a, lang in batch]
    encode, missed = _encoder(), {}
    ctx = list(zip(ms, segs, occs, bnds, strict=True))
    stages = {
        "segment": lambda: [segment(a) for _, a, _ in batch],
        "occurrences": lambda: [m.occurrences(s) for m, s in zip(ms, segs, strict=True)],
        "bounds": lambda: [m.bounds(o) for m, o in zip(ms, occs, strict=True)],
        "match key points": lambda: [m.point_group.match(s, o, P.point_partial, P.point_found, b)
                                     for m, s, o, b in ctx],
        "match misconceptions": lambda: [
            m.misconception_group.match(s, o, P.misconception_hit, 101.0, b) for m, s, o, b in ctx],
        "keyword list": lambda: [is_keyword_list(s) for s in segs],
        "feedback": lambda: [compose(g.verdict, g.lang, g.key_points, cm.labels[g.lang],
                                     g.misconceptions, g.flags)
                             for g, cm in zip(grades, cms, strict=True)],
        "grade()": lambda: [grade(c, a, lang) for c, a, lang in batch],
        "JSON line": lambda: [g.to_json(encode, {"line": 1, "card": "x"}, missed)
                              for g in grades],
    }
    return stages, len(batch)


def _instructions(stage: str, reps: int, tune: bool) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         __file__, "--inner", stage, str(reps), *(["--tune"] if tune else [])],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--callgrind", action="store_true", help="count instructions (valgrind)")
    ap.add_argument("--tune", action="store_true",
                    help="the blind tune answers on the shipped deck")
    ap.add_argument("--inner", nargs=2, metavar=("STAGE", "REPS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:  # one run under callgrind
        stages, _ = prepare(args.tune)
        for _ in range(int(args.inner[1])):
            stages[args.inner[0]]()
        return 0
    stages, n = prepare(args.tune)
    if args.callgrind:
        base = _instructions("segment", 0, args.tune)
        print(f"instructions per answer ({n} answers x 5, callgrind):")
        for name in STAGES:
            print(f"  {name:22} {(_instructions(name, 5, args.tune) - base) / 5 / n:>12,.0f}")
        return 0
    print(f"microseconds per answer ({n} answers, best of 15):")
    for name in STAGES:
        best = float("inf")
        for _ in range(15):
            t0 = time.process_time()
            stages[name]()
            best = min(best, time.process_time() - t0)
        print(f"  {name:22} {best / n * 1e6:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
