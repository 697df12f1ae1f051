"""Fixtures for every test: no test reads or writes the user's real data dir."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_quiz_home(tmp_path_factory, monkeypatch):
    # Commands that fall back to QUIZ_HOME (progress, the deck cache of `quiz grade`)
    # write here; a test that passes --data-dir still wins.
    monkeypatch.setenv("QUIZ_HOME", str(tmp_path_factory.mktemp("quiz-home")))
