"""Run a lab and return what it measured, as a typed ``LabRun``.

This knows nothing of decks or stores: the quiz side (``quiz.labs_service``) runs a lab
through here, then joins the findings with the deck's claims and keeps the run.

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

from labs.base import Finding, LabRun, RunStatus

Progress = Callable[[float, str], None]
Log = Callable[[str], None]

# glibc otherwise returns freed blocks to the OS and maps them again, which made the same
# CNN batch swing between 5.8 and 12.7 ms here; with these it stayed within 2.8-3.8 ms.
STABLE_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "4294967296"}


class UnknownLab(LookupError):
    """No lab of that id in the registry; the message lists the labs there are."""


CANCELLED = "cancelled"  # how a cancelled run's error begins (its status is ``failed``)


class RunHandle:
    """The caller's hold on one run: ``cancel()`` ends the lab's child process (the runner
    holds its ``Popen``; nothing searches for it), ``pid`` is that child's while it runs.

    A run ``in_process`` has no child: cancelling it only marks it. Thread-safe: the app
    cancels from the UI thread while a worker thread runs the lab."""

    def __init__(self, event: threading.Event | None = None) -> None:
        self._event = event if event is not None else threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    @property
    def event(self) -> threading.Event:
        return self._event

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    def cancel(self, wait: float = 0.0) -> None:
        """Stop the run: terminate its child now (SIGTERM), and with ``wait`` > 0 wait that
        many seconds for it to end, then kill it."""
        self._event.set()
        with self._lock:
            proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        if wait > 0:
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                proc.kill()

    def _attach(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._proc = proc
        if self._event.is_set():  # cancelled before the child started
            proc.terminate()


def run_lab(
    lab_id: str,
    *,
    quick: bool,
    progress: Progress | None = None,
    log: Log | None = None,
    in_process: bool = False,
    seed: int = 0,
    cancel: threading.Event | RunHandle | None = None,
) -> LabRun:
    """Run one lab (blocking) and return the run.

    ``cancel`` is the caller's ``RunHandle`` (or an event to wrap in one): cancelling it
    while the lab runs in its child process ends that child, and the run comes back
    ``failed`` with an error that begins "cancelled". A lab run ``in_process`` cannot be
    stopped.
    """
    from labs import registry

    progress = progress or (lambda f, m: None)
    log = log or (lambda line: None)
    labs = registry()
    if lab_id not in labs:
        from labs import broken

        why = broken().get(lab_id)
        if why:
            raise UnknownLab(f"lab {lab_id!r} does not load: {why}")
        raise UnknownLab(f"no lab {lab_id!r} (labs: {', '.join(labs)})")
    lab = labs[lab_id]
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    if in_process:
        from labs.worker import execute

        def emit(msg: dict) -> None:
            _dispatch(msg, progress, log)

        result = execute(lab_id, quick, seed, emit)
    else:
        result = _run_child(lab_id, quick, seed, progress, log, cancel=cancel)
    duration = time.perf_counter() - t0
    try:
        status = RunStatus(result.get("status", "failed"))
    except ValueError:
        status = RunStatus.FAILED
    run = LabRun(
        lab=lab_id,
        title=dict(lab.title),
        quick=quick,
        started=started,
        duration_s=duration,
        status=status,
        error=result.get("error"),
        env=result.get("env", {}),
        findings=tuple(Finding.from_json(f) for f in result.get("findings") or ()),
        traceback=result.get("traceback") or None,
        stderr_tail=result.get("stderr_tail") or None,
    )
    progress(1.0, f"{lab_id}: {run.status.value} in {duration:.1f} s")
    return run


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
    # "labs.worker" stays a word of its own, so `ps` shows what the child is (the app stops
    # a run through its RunHandle, not by searching for it).
    cmd = [sys.executable, "-P", "-c", boot, "labs.worker", lab_id, "--seed", str(seed)]
    if quick:
        cmd.append("--quick")
    return cmd


def _run_child(lab_id: str, quick: bool, seed: int, progress: Progress, log: Log,
               cancel: threading.Event | RunHandle | None = None) -> dict[str, Any]:
    """Run the worker in a child process and return its result message (a dict as sent)."""
    handle = cancel if isinstance(cancel, RunHandle) else RunHandle(cancel)
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
    handle._attach(proc)  # the caller's handle now holds the child: cancel() ends it

    def watch() -> None:  # an event set by someone without the handle still cancels
        while proc.poll() is None:
            if handle.event.wait(0.1):
                handle.cancel()
                return

    threading.Thread(target=watch, daemon=True).start()
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
    if result is None and handle.cancelled:
        result = {"status": "failed", "findings": [], "env": {},
                  "error": f"{CANCELLED} (the lab process was stopped, exit code {code})"}
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
