"""Stats after a heavy year: `quiz stats --json` and the stats screen, empty history vs ~70,000
attempts, in one run on one host.

Builds two data folders: one empty, one with a simulated year of study on the shipped deck
(attempts with grade JSON of the real shape, their review log and FSRS states, interviews
with their answers), written straight into SQLite in one transaction, so building takes
seconds. Then it alternates runs of each measurement on the two folders so machine noise
hits both alike, and prints the medians and the ratio (the issue asks for at most 1.5x).

- CLI: wall time of a fresh ``python -m quiz.cli stats --json`` process (interpreter start,
  imports, deck load, the queries, the JSON), and its peak RSS.
- Screen: a fresh process opens the app headless, presses ``t`` and waits until the stats
  screen is mounted and idle; the time from the key press is measured in the child.

    .venv/bin/python benchmarks/stats_scale.py                 # 70,000 attempts, 5 runs each
    .venv/bin/python benchmarks/stats_scale.py --attempts 20000 --runs 7
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCREEN = """
import asyncio, sys, time
from quiz.tui.app import QuizApp
async def main():
    app = QuizApp(data_dir=sys.argv[1], lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t0 = time.perf_counter()
        await pilot.press("t")
        await pilot.pause()
        while type(app.screen).__name__ != "StatsScreen":
            await pilot.pause()
        await pilot.pause()
        seconds = time.perf_counter() - t0
        # The figures are on screen (not an empty screen measured by mistake).
        summary = str(app.screen.query_one("#stats-summary").render())
        assert "cards" in summary, summary
        print("SECONDS", seconds, flush=True)
asyncio.run(main())
"""


def build_history(data: Path, attempts: int, seed: int = 0) -> dict:
    """A year of study on the shipped deck: ``attempts`` answers, ~1 review per answer."""
    from quiz.deck.loader import load_deck
    from quiz.session.scheduling import fsrs_id
    from quiz.store import Store

    deck = load_deck(None)
    Store.open(data).close()  # create the schema
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=365)
    span = 365 * 86400
    cards = deck.cards
    conn = sqlite3.connect(data / "quiz.db")
    conn.execute("BEGIN")
    attempts_rows, log_rows = [], []
    last: dict[str, datetime] = {}
    for i in range(attempts):
        card = cards[rng.randrange(len(cards))]
        when = start + timedelta(seconds=span * i / attempts + rng.random() * 60)
        score = round(rng.random(), 4)
        verdict = "correct" if score >= 0.6 else "partial" if score >= 0.3 else "wrong"
        grade = {"score": score, "verdict": verdict, "lang": "en", "feedback": "x" * 200,
                 "flags": [], "misconceptions": [],
                 "key_points": [{"id": k.id, "found": rng.random() < 0.5, "score": 80.0,
                                 "span": [3, 20], "matched": "some matched words here",
                                 "phrasing": k.phrasings.get("en", ("",))[0], "negated": False}
                                for k in card.key_points]}
        rating = 1 if verdict == "wrong" else 2 if verdict == "partial" else 3
        ts = when.isoformat(timespec="microseconds")
        attempts_rows.append((card.id, deck.path, "study", "an answer " * 30, json.dumps(grade),
                              score, verdict, verdict, rating, rating, ts, ts, 42.0))
        prev = last.get(card.id)
        last[card.id] = when
        log_rows.append((card.id, rating, ts, 42000, i + 1,
                         json.dumps({"card_id": fsrs_id(card.id), "rating": rating,
                                     "review_datetime": ts, "review_duration": 42000}),
                         None if prev is None else (when - prev).total_seconds() / 86400))
    conn.executemany(
        """INSERT INTO attempts (card_id, deck, mode, answer, grade_json, score, verdict,
           grader_verdict, suggested_rating, rating, started, ended, seconds)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", attempts_rows)
    conn.executemany(
        """INSERT INTO review_log (card_id, rating, reviewed_at, duration_ms, attempt_id,
           log_json, elapsed_days) VALUES (?, ?, ?, ?, ?, ?, ?)""", log_rows)
    from fsrs import Card as FsrsCard

    now = datetime.now(UTC)
    for card in cards:
        due = now + timedelta(days=rng.randrange(-3, 30))
        fc = FsrsCard(card_id=fsrs_id(card.id), due=due)
        conn.execute(
            """INSERT INTO review_state (card_id, fsrs_id, deck, fsrs_json, due, reps, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (card.id, fsrs_id(card.id), deck.path, fc.to_json(),
             due.isoformat(timespec="microseconds"), attempts // len(cards),
             now.isoformat(timespec="microseconds")))
    for n in range(attempts // 140):  # ~500 interviews of 5 questions
        when = (start + timedelta(seconds=span * n / (attempts // 140))).isoformat()
        cur = conn.execute("INSERT INTO interviews (config_json, started, ended, finished, "
                           "totals_json) VALUES (?, ?, ?, 1, ?)",
                           (json.dumps({"questions": 5}), when, when,
                            json.dumps({"questions": 5})))
        for pos in range(5):
            card = cards[rng.randrange(len(cards))]
            score = round(rng.random(), 4)
            conn.execute(
                """INSERT INTO interview_answers (interview_id, position, card_id, answer,
                   answered, timed_out, score, verdict, grade_json, seconds, started, ended,
                   grader_verdict) VALUES (?, ?, ?, ?, 1, 0, ?, 'partial', ?, 30, ?, ?,
                   'partial')""",
                (cur.lastrowid, pos, card.id, "an answer", score,
                 json.dumps({"score": score}), when, when))
    conn.execute("COMMIT")
    conn.close()
    size = (data / "quiz.db").stat().st_size
    return {"attempts": attempts, "db_mb": round(size / 1e6, 1)}


CLI = """
import resource, sys
from quiz.cli import main
rc = main(["stats", "--json", "--data-dir", sys.argv[1]])
print("RSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)
sys.exit(rc)
"""


def run_cli(data: Path) -> tuple[float, float]:
    """Wall seconds of a fresh `quiz stats --json` process, and its peak RSS in MB."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CLI, str(data)], check=True,
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    json.loads(proc.stdout)  # it printed the whole report
    rss = float(next(line for line in proc.stderr.splitlines() if line.startswith("RSS_MB"))
                .split()[1])
    return wall, rss


def run_screen(data: Path) -> float:
    out = subprocess.run([sys.executable, "-c", SCREEN, str(data)], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return float(next(line for line in out.splitlines() if line.startswith("SECONDS"))
                 .split()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attempts", type=int, default=70_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty", Path(tmp) / "full"
        from quiz.store import Store

        Store.open(empty).close()
        t0 = time.perf_counter()
        info = build_history(full, args.attempts)
        print(f"built {info['attempts']:,} attempts ({info['db_mb']} MB) in "
              f"{time.perf_counter() - t0:.1f}s")
        cli = {"empty": [], "full": []}
        rss = {"empty": [], "full": []}
        screen = {"empty": [], "full": []}
        for _ in range(args.runs):
            for name, data in (("empty", empty), ("full", full)):
                wall, mb = run_cli(data)
                cli[name].append(wall)
                rss[name].append(mb)
                screen[name].append(run_screen(data))
        for label, runs in (("quiz stats --json", cli), ("stats screen", screen)):
            e, f = statistics.median(runs["empty"]), statistics.median(runs["full"])
            print(f"{label:18} empty {e:.3f}s  full {f:.3f}s  ratio {f / e:.2f}x  "
                  f"(medians of {args.runs}; full runs {min(runs['full']):.3f}-"
                  f"{max(runs['full']):.3f}s)")
        print(f"{'peak RSS (CLI)':18} empty {statistics.median(rss['empty']):.0f} MB  "
              f"full {statistics.median(rss['full']):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
