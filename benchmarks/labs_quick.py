"""Time the quick lab suite as CI runs it: every lab in its own child process.

    .venv/bin/python benchmarks/labs_quick.py            # all labs, quick mode, 1 round
    .venv/bin/python benchmarks/labs_quick.py --rounds 3 # medians over 3 rounds
    .venv/bin/python benchmarks/labs_quick.py --full     # full mode (minutes)

Prints each lab's wall time (median over rounds), its status and how many findings held,
and the suite total; the CI budget for the quick suite is 90 s on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quiz.labs_service import registry, run_lab  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("labs", nargs="*")
    args = ap.parse_args()
    ids = args.labs or list(registry())
    times: dict[str, list[float]] = {i: [] for i in ids}
    last: dict[str, dict] = {}
    totals = []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(args.rounds):
            t_round = time.perf_counter()
            for lab_id in ids:
                t0 = time.perf_counter()
                last[lab_id] = run_lab(lab_id, quick=not args.full, data_dir=home)
                times[lab_id].append(time.perf_counter() - t0)
            totals.append(time.perf_counter() - t_round)
    for lab_id in ids:
        r = last[lab_id]
        held = sum(1 for f in r["findings"] if f.get("held"))
        print(
            f"{lab_id:14} {statistics.median(times[lab_id]):6.1f} s  {r['status']:11} "
            f"{held}/{len(r['findings'])} findings held"
        )
    mode = "full" if args.full else "quick"
    print(f"{mode} suite: median {statistics.median(totals):.1f} s over {len(totals)} round(s)")


if __name__ == "__main__":
    main()
