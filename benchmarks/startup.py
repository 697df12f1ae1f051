"""Time from launch to the home screen being ready: quizlab vs a minimal Textual app.

Each run is a fresh interpreter (``python -c ...``) that starts the app headless with
``run_test``, waits until the first screen is mounted and idle, and prints READY; the
time is measured by this process from spawning the child to reading READY, so it
includes interpreter start-up and every import. The two apps alternate so that machine
noise hits both alike; the medians are compared.

    .venv/bin/python benchmarks/startup.py            # 15 runs of each
    .venv/bin/python benchmarks/startup.py --runs 30
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
import asyncio
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

async def main():
    app = Minimal()
    async with app.run_test() as pilot:
        await pilot.pause()
        print("READY", _cpu(), flush=True)

asyncio.run(main())
"""

CPU = """
import resource

def _cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
"""

QUIZ = """
import asyncio, sys
from quiz.tui.app import QuizApp

async def main():
    app = QuizApp(data_dir={data_dir!r})
    async with app.run_test() as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen", app.screen
        assert app.deck is not None
        heavy = [m for m in sys.modules if m.split(".")[0] in ("torch", "onnx", "onnxruntime")]
        assert not heavy, heavy
        print("READY", _cpu(), flush=True)

asyncio.run(main())
"""


def time_to_ready(code: str) -> tuple[float, float]:
    """Seconds from spawning ``python -c code`` until it prints READY, and the CPU seconds
    the child had used by then (less sensitive to other load on the machine)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CPU + code], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - t0
            cpu = float(line.split()[1])
            break
    else:
        proc.wait()
        raise SystemExit(f"the app did not get ready:\n{proc.stderr.read() if proc.stderr else ''}")
    proc.wait()
    if proc.returncode:
        raise SystemExit(f"the app failed (exit {proc.returncode}):\n"
                         f"{proc.stderr.read() if proc.stderr else ''}")
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each app (>= 10)")
    parser.add_argument("--limit", type=float, default=1.3, help="ratio to stay under")
    args = parser.parse_args(argv)
    runs = max(10, args.runs)
    with tempfile.TemporaryDirectory() as data_dir:
        quiz_code = QUIZ.format(data_dir=data_dir)
        time_to_ready(MINIMAL)  # warm the OS file cache for both before measuring
        time_to_ready(quiz_code)
        minimal, quiz = [], []
        for _ in range(runs):
            minimal.append(time_to_ready(MINIMAL))
            quiz.append(time_to_ready(quiz_code))
    ratio = 0.0
    for i, what in ((0, "wall time to ready"), (1, "CPU time to ready")):
        m = [r[i] for r in minimal]
        q = [r[i] for r in quiz]
        m_med, q_med = statistics.median(m), statistics.median(q)
        print(f"{what}:")
        print(f"  minimal Textual app: median {m_med * 1000:.0f} ms "
              f"(min {min(m) * 1000:.0f}, max {max(m) * 1000:.0f}) over {runs} runs")
        print(f"  quizlab home screen: median {q_med * 1000:.0f} ms "
              f"(min {min(q) * 1000:.0f}, max {max(q) * 1000:.0f}) over {runs} runs")
        print(f"  ratio of medians: {q_med / m_med:.2f}")
        if i == 0:
            ratio = q_med / m_med
    print(f"ratio (wall, medians): {ratio:.2f} (limit {args.limit})")
    return 0 if ratio <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
