"""Fixtures for the TUI tests: a small deck, a temp data dir, a fixed clock, a fake lab."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from labs.base import Lab, Statement
from quiz.session.clock import ManualClock
from quiz.tui import labinfo
from quiz.tui.app import QuizApp

DECK = Path(__file__).with_name("deck.yaml")
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

FAKE_LAB = Lab(
    id="fake",
    title={"zh": "假实验", "en": "Fake lab"},
    statements=(Statement("speed-grows", {"zh": "线程越多越快，直到物理核数",
                                          "en": "More threads are faster up to the core count"}),),
    run=lambda ctx: [],
)

FAKE_RESULT: dict[str, Any] = {
    "lab": "fake", "title": {"en": "Fake lab"}, "quick": True,
    "started": "2026-01-05T08:30:00+00:00", "duration_s": 1.5, "status": "ok", "error": None,
    "env": {"python": "3.11"},
    "findings": [{"id": "speed-grows", "held": True,
                  "summary": "1 thread 40 ms, 4 threads 12 ms",
                  "evidence": {"latency": {"x": [1, 2, 4, 8], "y": [40.0, 22.0, 12.0, 13.0],
                                           "x_label": "threads", "y_label": "ms"}}}],
    "claims": [{"card": "formats", "claim": "onnx-format", "verdict": "refuted"}],
}


@pytest.fixture
def deck_path() -> Path:
    return DECK


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def fake_labs(monkeypatch):
    """A registry with one fake lab whose run reports progress, logs and returns a curve.

    ``calls`` records each run; ``stored`` plays the saved runs (last run per lab)."""
    state: dict[str, Any] = {"calls": [], "stored": {}}

    def run_lab(lab_id, *, quick, progress, log, data_dir=None, deck=None, store=None,
                cancel=None):
        state["calls"].append({"lab": lab_id, "quick": quick})
        progress(0.5, "measuring")
        log("threads=1 median 40.0 ms")
        log("threads=4 median 12.0 ms")
        progress(1.0, "done")
        result = dict(FAKE_RESULT, quick=quick)
        state["stored"][lab_id] = result
        return result

    monkeypatch.setattr(labinfo, "registry", lambda: {"fake": FAKE_LAB})
    monkeypatch.setattr(labinfo, "run_lab", run_lab)
    monkeypatch.setattr(labinfo, "last_run", lambda data_dir, lab_id: state["stored"].get(lab_id))
    return state


@pytest.fixture
def make_app(tmp_path, clock, fake_labs):
    """Build a QuizApp on the fixture deck with a temp data dir and the fixed clock."""

    def make(**kw) -> QuizApp:
        kw.setdefault("deck_path", DECK)
        kw.setdefault("data_dir", tmp_path / "data")
        kw.setdefault("lang", "en")
        kw.setdefault("clock", clock)
        return QuizApp(**kw)

    return make
