"""Answers per second of the real `quiz grade --jsonl` pipeline on one core.

Two decks: the shipped one (cards of up to 5 key points), and the same deck plus a
10-key-point twin of every card (its own key points and misconceptions plus those of the
next card), written to a temp file, so the figure holds for the issue's "cards of up to
10 key points". Answers: the labelled dev set (real answers, zh and en), repeated to N
lines; the twins are asked the same answers.

Measured in process, runs interleaved so a noisy neighbour hits every variant alike:
``quiz.commands.grade._batch`` end to end (deck from the JSON cache, card compilation
from scratch, JSON parsing, grading, JSON output to a null stream), and grade() alone.
Then whole processes: `quiz grade --jsonl FILE` as a user runs it (interpreter start-up,
imports, deck cache and card compilation included), on --lines and on --long-lines lines
(where start-up weighs less). Bytecode is cached as on any machine where Python may write
it: this sandbox sets PYTHONDONTWRITEBYTECODE=1, which would recompile the quiz package
at every start (about 25 ms), so the variable is dropped for these runs and one untimed
run writes the cache first. Medians; CPU time of the process is the "one core" figure.

    .venv/bin/python benchmarks/grade_speed.py [--lines 5000] [--long-lines 20000] [--runs 7]
                                              [--process-runs 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz.commands.grade import _batch  # noqa: E402
from quiz.deck.loader import load_deck  # noqa: E402
from quiz.deck.writer import dump_yaml  # noqa: E402
from quiz.grading import grade  # noqa: E402
from quiz.grading.grade import _CACHE  # noqa: E402


def ten_point_deck(deck, out: Path) -> dict[str, str]:
    """Write the deck plus a twin of every card with 10 key points; card id -> twin id."""
    cards = list(deck.cards)
    twins, names = [], {}
    for i, c in enumerate(cards):
        kps, misc = list(c.key_points), list(c.misconceptions)
        j = i
        while len(kps) < 10:
            j = (j + 1) % len(cards)
            other = cards[j]
            kps += [replace(k, id=f"{other.id}--{k.id}") for k in other.key_points]
            misc += [replace(m, id=f"{other.id}--{m.id}") for m in other.misconceptions]
        tid = f"{c.id}--10kp"
        twins.append(replace(c, id=tid, key_points=tuple(kps[:10]), misconceptions=tuple(misc),
                             claims=(), seed=()))
        names[c.id] = tid
    data = deck.to_dict()
    data["cards"] = [x.to_dict() for x in [*cards, *twins]]
    out.write_text(dump_yaml(data), encoding="utf-8")
    return names


def _repeat(rows: list, n: int) -> list:
    return (rows * (n // len(rows) + 1))[:n]


def _write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--long-lines", type=int, default=20000,
                    help="lines of the longer whole-process run (0: skip it)")
    ap.add_argument("--process-runs", type=int, default=3)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="quiz-grade-speed-"))
    os.environ["QUIZ_HOME"] = str(tmp / "home")  # the deck cache goes here, not to ~
    shipped = load_deck()
    deck10 = tmp / "deck10.yaml"
    twin = ten_point_deck(shipped, deck10)

    rows = [json.loads(x) for x in (ROOT / "tests/data/grading_dev.jsonl").open(encoding="utf-8")]
    base = [{"card": r["card"], "answer": r["answer"], "lang": r["lang"]} for r in rows]
    variants = {}
    for name, deck_arg, batch in (
        ("shipped deck (<= 5 key points)", None, base),
        ("10 key points per card", str(deck10), [{**r, "card": twin[r["card"]]} for r in base]),
    ):
        batch = _repeat(batch, args.lines)
        path = _write_jsonl(tmp / f"{len(variants)}.jsonl", batch)
        deck = load_deck(deck_arg)
        cards = {c.id: c for c in deck.cards}
        used = {r["card"] for r in batch}
        print(f"{name}: {len(batch)} answers over {len(used)} cards "
              f"(key points {min(len(cards[c].key_points) for c in used)}-"
              f"{max(len(cards[c].key_points) for c in used)}), "
              f"mean {statistics.mean(len(r['answer']) for r in batch):.0f} chars")
        ns = argparse.Namespace(jsonl=str(path), deck=deck_arg, lang=None, data_dir=None)
        with redirect_stdout(io.StringIO()):
            _batch(ns)  # fills the deck cache, as any earlier run of the command would
        files = [(path, len(batch))]
        if args.long_lines:
            files.append((_write_jsonl(tmp / f"{len(variants)}-long.jsonl",
                                       _repeat(batch, args.long_lines)), args.long_lines))
        variants[name] = (ns, batch, cards, files)

    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.runs):
        for name, (ns, batch, cards, _) in variants.items():
            _CACHE.clear()  # each run compiles the cards again, as a fresh process would
            t0, c0 = time.perf_counter(), time.process_time()
            with redirect_stdout(io.StringIO()):
                rc = _batch(ns)
            times.setdefault((name, "jsonl"), []).append(
                (time.perf_counter() - t0, time.process_time() - c0))
            assert rc == 0, "a line failed"
            t0, c0 = time.perf_counter(), time.process_time()
            for r in batch:
                grade(cards[r["card"]], r["answer"], r["lang"])
            times.setdefault((name, "grade"), []).append(
                (time.perf_counter() - t0, time.process_time() - c0))

    print(f"\nin process, median of {args.runs} interleaved runs:")
    for (name, kind), tv in times.items():
        n = len(variants[name][1])
        wall = statistics.median(t for t, _ in tv)
        cpu = statistics.median(c for _, c in tv)
        label = "quiz grade --jsonl (_batch)" if kind == "jsonl" else "grade() alone"
        print(f"  {name:32} {label:28} {n / cpu:6.0f} answers per CPU-second, "
              f"{n / wall:6.0f}/s wall  (CPU-s runs: "
              f"{', '.join(f'{n / c:.0f}' for _, c in tv)})")

    if args.process_runs:
        print(f"\nwhole process `quiz grade --jsonl FILE` (start-up included), median of "
              f"{args.process_runs}:")
        quiz = Path(sys.executable).with_name("quiz")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        for name, (ns, _, _, files) in variants.items():
            for p, n in files:
                cmd = [str(quiz), "grade", "--jsonl", str(p)]
                if ns.deck:
                    cmd += ["--deck", ns.deck]
                subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)  # warm-up
                cpu, wall = [], []
                for _ in range(args.process_runs):
                    before = os.times()
                    t0 = time.perf_counter()
                    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)
                    wall.append(time.perf_counter() - t0)
                    after = os.times()
                    cpu.append((after.children_user - before.children_user)
                               + (after.children_system - before.children_system))
                print(f"  {name:32} {n:6} lines {n / statistics.median(cpu):6.0f} answers per "
                      f"CPU-second, {n / statistics.median(wall):6.0f}/s wall")


if __name__ == "__main__":
    main()
