"""labs is a leaf: it imports nothing of quiz, returns a typed frozen LabRun, and a run in
a child process can be cancelled through the event the caller holds."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import labs
from labs import Finding, Lab, LabRun, RunStatus, Statement, runner

ROOT = Path(__file__).resolve().parents[1]


def test_importing_and_using_labs_imports_no_quiz_module():
    code = ("import sys, labs, labs.runner, labs.worker, labs.base; labs.registry();"
            "print(sorted(m for m in sys.modules if m == 'quiz' or m.startswith('quiz.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_run_lab_returns_a_typed_frozen_run(monkeypatch):
    lab = Lab(id="fake", title={"zh": "假", "en": "Fake"},
              statements=(Statement("a", {"zh": "甲", "en": "A"}),),
              run=lambda ctx: [Finding("a", True, "42 ms", {"ms": 42})])
    monkeypatch.setattr(labs, "registry", lambda: {"fake": lab})
    run = runner.run_lab("fake", quick=True, in_process=True)
    assert isinstance(run, LabRun) and run.status is RunStatus.OK and run.ok
    assert run.findings == (Finding("a", True, "42 ms", {"ms": 42}),)
    assert run.finding("a").held is True and run.finding("zzz") is None
    assert run.started.tzinfo is not None and run.duration_s >= 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.status = RunStatus.FAILED  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.findings[0].held = False  # type: ignore[misc]


def test_unknown_lab_is_a_lookup_error_in_labs(monkeypatch):
    monkeypatch.setattr(labs, "registry", lambda: {})
    with pytest.raises(runner.UnknownLab, match="no lab 'nope'"):
        runner.run_lab("nope", quick=True)


def test_the_record_format_round_trips():
    run = LabRun(lab="fake", title={"zh": "假", "en": "Fake"}, quick=False,
                 started=datetime(2026, 1, 5, 8, 30, 0, 123456, tzinfo=UTC),
                 duration_s=1.23456, status=RunStatus.FAILED, error="RuntimeError: boom",
                 env={"python": "3.11"}, findings=(Finding("a", None, "could not tell"),),
                 traceback="Traceback ...")
    d = run.to_json()
    assert d == {"lab": "fake", "title": {"zh": "假", "en": "Fake"}, "quick": False,
                 "started": "2026-01-05T08:30:00+00:00", "duration_s": 1.235,
                 "status": "failed", "error": "RuntimeError: boom", "env": {"python": "3.11"},
                 "findings": [{"id": "a", "held": None, "summary": "could not tell",
                               "evidence": {}}],
                 "traceback": "Traceback ..."}
    back = LabRun.from_json({**d, "claims": [], "path": "/x.json"})
    assert back.to_json() == d
    # Older records: epoch seconds for ``started``; a status this version does not know.
    old = LabRun.from_json({"lab": "fake", "started": 0, "status": "weird"})
    assert old.started == datetime(1970, 1, 1, tzinfo=UTC) and old.status is RunStatus.FAILED


def test_a_run_in_a_child_is_cancelled_through_its_event(monkeypatch):
    monkeypatch.setattr(runner, "worker_command",
                        lambda *a: [sys.executable, "-c", "import time; time.sleep(60)"])
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    t0 = time.monotonic()
    result = runner._run_child("formats", True, 0, lambda f, m: None, lambda line: None,
                               cancel=cancel)
    assert time.monotonic() - t0 < 20
    assert result["status"] == "failed" and result["error"].startswith("cancelled")
