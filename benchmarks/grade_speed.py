"""Answers per second of the real `quiz grade --jsonl` pipeline on one core.

Builds a batch from the labelled dev set (repeated to N lines), then times
``quiz.commands.grade`` end to end (JSON parsing, grading, JSON output to a null
stream), and grade() alone. Prints the median of repeated runs.

    .venv/bin/python benchmarks/grade_speed.py [--lines 5000] [--runs 5] [--deck PATH]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz.commands.grade import _batch  # noqa: E402
from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import grade  # noqa: E402
from quiz.grading.grade import _CACHE  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--deck", default=None)
    args = ap.parse_args()

    rows = [json.loads(x) for x in (ROOT / "tests/data/grading_dev.jsonl").open(encoding="utf-8")]
    batch = [{"card": r["card"], "answer": r["answer"], "lang": r["lang"]} for r in rows]
    batch = (batch * (args.lines // len(batch) + 1))[: args.lines]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch)
    path = Path("/tmp/quiz_grade_speed.jsonl")
    path.write_text(text, encoding="utf-8")
    deck = load_deck(args.deck)
    print(f"{len(batch)} answers over {len({r['card'] for r in batch})} cards, "
          f"mean {statistics.mean(len(r['answer']) for r in batch):.0f} chars; "
          f"max key points per card {max(len(c.key_points) for c in deck.cards)}")

    ns = argparse.Namespace(jsonl=str(path), deck=args.deck, lang=None)
    # Wall time, and CPU time of this process: on a shared machine the second is the
    # fairer "one core" figure, since other processes take turns on the core.
    cli, cli_cpu = [], []
    for _ in range(args.runs):
        _CACHE.clear()  # each run compiles the cards again, as a fresh process would
        t0, c0 = time.perf_counter(), time.process_time()
        with redirect_stdout(io.StringIO()):
            rc = _batch(ns)
        cli.append(time.perf_counter() - t0)
        cli_cpu.append(time.process_time() - c0)
        assert rc == 0, "a line failed"
    cards = {c.id: c for c in deck.cards}
    core, core_cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for r in batch:
            grade(cards[r["card"]], r["answer"], r["lang"])
        core.append(time.perf_counter() - t0)
        core_cpu.append(time.process_time() - c0)
    for name, times, cpu in (("quiz grade --jsonl (in process)", cli, cli_cpu),
                             ("grade() alone", core, core_cpu)):
        print(f"{name:32} median {len(batch) / statistics.median(times):6.0f} answers/s wall, "
              f"{len(batch) / statistics.median(cpu):6.0f} per CPU-second  "
              f"(wall runs: {', '.join(f'{len(batch) / t:.0f}' for t in times)})")


if __name__ == "__main__":
    main()
