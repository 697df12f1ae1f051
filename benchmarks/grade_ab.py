"""This checkout's `quiz grade --jsonl` against an older commit's, alternated on one host.

Rates differ between hosts more than between commits, so the figure that travels is the
ratio of two versions measured turn about on the same machine. The old commit is checked
out into a temporary git worktree (removed afterwards) and run with this venv. Each turn
is a fresh process that times one in-process `_batch` over the same 5,000 lines (dev-set
answers; --deck10: their 10-key-point twins, as in grade_speed.py), deck cache warm,
cards compiled from scratch. Prints medians and the per-pair ratio.

    .venv/bin/python benchmarks/grade_ab.py REV [--pairs 7] [--deck10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run inside each tree (cwd first on sys.path): one timed _batch, CPU seconds on stdout.
ONE_RUN = """
import argparse, io, os, sys, time
from contextlib import redirect_stdout
sys.path.insert(0, os.getcwd())
from quiz.commands.grade import _batch
from quiz.grading.grade import _CACHE
ns = argparse.Namespace(jsonl=sys.argv[1], deck=sys.argv[2], lang=None, data_dir=None)
with redirect_stdout(io.StringIO()):
    _batch(ns)  # deck cache and imports warm
_CACHE.clear()
c0 = time.process_time()
with redirect_stdout(io.StringIO()):
    _batch(ns)
print(time.process_time() - c0)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="the older commit")
    ap.add_argument("--pairs", type=int, default=7)
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--deck10", action="store_true", help="cards of 10 key points")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    from grade_speed import _repeat, _write_jsonl, ten_point_deck

    from quiz.deck.loader import load_deck

    tmp = Path(tempfile.mkdtemp(prefix="quiz-grade-ab-"))
    rows = [json.loads(x) for x in (ROOT / "tests/data/grading_dev.jsonl").open(encoding="utf-8")]
    batch = [{"card": r["card"], "answer": r["answer"], "lang": r["lang"]} for r in rows]
    deck = str(ROOT / "content")  # this checkout's deck for both, so only the code differs
    if args.deck10:
        deck = str(tmp / "deck10.yaml")
        twin = ten_point_deck(load_deck(), Path(deck))
        batch = [{**r, "card": twin[r["card"]]} for r in batch]
    data = _write_jsonl(tmp / "batch.jsonl", _repeat(batch, args.lines))

    old_tree = tmp / "old"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old_tree),
                    args.rev], check=True)
    try:
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.pairs):
            for name, tree in (("old", old_tree), ("new", ROOT)):
                env = {**os.environ, "QUIZ_HOME": str(tmp / f"home-{name}")}
                out = subprocess.run([sys.executable, "-c", ONE_RUN, str(data), deck],
                                     cwd=tree, env=env, check=True, capture_output=True,
                                     text=True).stdout
                times[name].append(float(out.split()[-1]))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)],
                       check=False)
    ratios = [o / n for o, n in zip(times["old"], times["new"], strict=True)]
    n = args.lines
    print(f"{'10 key points per card' if args.deck10 else 'shipped deck'}, {n} lines, "
          f"{args.pairs} pairs: old ({args.rev[:10]}) {n / statistics.median(times['old']):.0f} "
          f"/CPU-s, new {n / statistics.median(times['new']):.0f} /CPU-s, new/old per pair "
          f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
