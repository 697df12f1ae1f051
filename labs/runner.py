"""Run a lab and keep its result: the API the CLI and the TUI call.

By default each lab runs in a child process (``labs.worker``): torch's global
state (thread counts, which may be set once per process) never leaks between labs or into
the app, a crash in native code cannot take the app down, RSS measurements start clean,
and the allocator settings below apply from the first allocation.

The child runs this quizlab's own worker, whatever the current folder: ``python -P`` keeps
the working directory off ``sys.path`` (``python -m labs.worker`` would import a ``labs/``
package found there, and save whatever it printed as a genuine run), and the folder that
holds the ``labs`` package this process imported goes first instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labs.verdicts import claims_for_run

Progress = Callable[[float, str], None]
Log = Callable[[str], None]

# glibc otherwise returns freed blocks to the OS and maps them again, which made the same
# CNN batch swing between 5.8 and 12.7 ms here; with these it stayed within 2.8-3.8 ms.
STABLE_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "4294967296"}


def run_lab(
    lab_id: str,
    *,
    quick: bool,
    progress: Progress | None = None,
    log: Log | None = None,
    data_dir=None,
    deck=None,
    in_process: bool = False,
    store=None,
    save: bool = True,
    seed: int = 0,
) -> dict[str, Any]:
    """Run one lab (blocking) and return the run as a JSON-ready dict; also save it.

    ``deck`` is a Deck, a deck path, or None for the shipped deck: its claims that name this
    lab get verdicts. ``store`` (a quiz.store.Store) also records the run; without one, the
    study database records it when it already exists.
    """
    from labs import registry

    progress = progress or (lambda f, m: None)
    log = log or (lambda line: None)
    labs = registry()
    if lab_id not in labs:
        from quiz.errors import QuizError

        raise QuizError(f"no lab {lab_id!r} (labs: {', '.join(labs)})")
    lab = labs[lab_id]
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    if in_process:
        from labs.worker import execute

        def emit(msg: dict) -> None:
            _dispatch(msg, progress, log)

        result = execute(lab_id, quick, seed, emit)
    else:
        result = _run_child(lab_id, quick, seed, progress, log)
    duration = time.perf_counter() - t0

    run = {
        "lab": lab_id,
        "title": dict(lab.title),
        "quick": quick,
        "started": started.isoformat(timespec="seconds"),
        "duration_s": round(duration, 3),
        "status": result.get("status", "failed"),
        "error": result.get("error"),
        "env": result.get("env", {}),
        "findings": result.get("findings", []),
        "claims": claims_for_run(_deck(deck), lab_id, result.get("findings", [])),
    }
    if result.get("traceback"):
        run["traceback"] = result["traceback"]
    if result.get("stderr_tail"):
        run["stderr_tail"] = result["stderr_tail"]
    if save:
        from labs.results import save_run

        try:
            run["path"] = str(save_run(data_dir, run))
        except OSError as e:
            # A full or read-only disk must not lose what was measured: the run stays in the
            # returned dict (the CLI prints it whole), and the database may still take it.
            run["path"] = None
            where = e.filename or "the lab-runs folder"
            run.setdefault("warnings", []).append(
                f"not saved to {where}: {e.strerror or e}")
        _record(store, data_dir, run, started)
    progress(1.0, f"{lab_id}: {run['status']} in {duration:.1f} s")
    return run


def _deck(deck):
    from quiz.deck.loader import load_deck
    from quiz.deck.model import Deck

    return deck if isinstance(deck, Deck) else load_deck(deck)


def _record(store, data_dir, run: dict[str, Any], started: datetime) -> None:
    """Also keep the run in the study database, if there is one; the JSON file is primary."""

    def put(s) -> None:
        s.record_lab_run(
            run["lab"],
            started=started,
            duration_s=run["duration_s"],
            quick=run["quick"],
            status=run["status"],
            result=run,
        )

    if store is not None:
        try:
            put(store)
        except Exception as e:  # noqa: BLE001 - as below: the measured run is not lost
            run.setdefault("warnings", []).append(f"not recorded in the study database: {e}")
        return
    from quiz.paths import data_dir as resolve

    if not (resolve(data_dir) / "quiz.db").exists():
        return
    try:
        from quiz.store import open_store

        with open_store(data_dir) as s:
            put(s)
    except Exception as e:  # noqa: BLE001 - a database problem must not lose the measured run
        run.setdefault("warnings", []).append(f"not recorded in the study database: {e}")


def _dispatch(msg: dict, progress: Progress, log: Log) -> None:
    if msg.get("type") == "progress":
        progress(float(msg.get("fraction", 0.0)), str(msg.get("message", "")))
    elif msg.get("type") == "log":
        log(str(msg.get("line", "")))


def worker_command(lab_id: str, quick: bool, seed: int) -> list[str]:
    """The child's command line: this checkout's ``labs.worker``, never one from the cwd."""
    import labs

    root = str(Path(labs.__file__).resolve().parents[1])
    boot = (f"import sys; sys.path.insert(0, {root!r}); "
            "from labs.worker import main; sys.exit(main(sys.argv[2:]))")
    # "labs.worker" stays a word of its own: the app finds its children by it
    # (quiz.tui.labinfo.stop_lab_children).
    cmd = [sys.executable, "-P", "-c", boot, "labs.worker", lab_id, "--seed", str(seed)]
    if quick:
        cmd.append("--quick")
    return cmd


def _run_child(lab_id: str, quick: bool, seed: int, progress: Progress, log: Log) -> dict[str, Any]:
    cmd = worker_command(lab_id, quick, seed)
    env = {**os.environ, **STABLE_MALLOC, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    tail: deque[str] = deque(maxlen=40)

    def drain() -> None:  # stderr is read on its own thread so neither pipe can fill up
        assert proc.stderr is not None
        for line in proc.stderr:
            tail.append(line.rstrip())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    result: dict[str, Any] | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("type") == "result":
            result = msg
        else:
            _dispatch(msg, progress, log)
    code = proc.wait()
    reader.join(timeout=5)
    if result is None:
        # Say why: the last line of a traceback (an ImportError, say) is the cause.
        why = next((t.strip() for t in reversed(tail) if t.strip()), "")
        result = {
            "status": "failed",
            "findings": [],
            "env": {},
            "error": f"the lab process ended with exit code {code} before reporting"
            + (f": {why}" if why else " (it wrote nothing on stderr)"),
        }
    if result.get("status") != "ok" and tail:
        result["stderr_tail"] = "\n".join(tail)
    return result
