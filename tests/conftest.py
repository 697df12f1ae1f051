"""Fixtures for every test: no test reads or writes the user's real data dir."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="session")
def benchmark():
    """Imports a script of benchmarks/ by name (they import each other from beside
    themselves, so the folder is on sys.path only while one is imported)."""
    def load(name: str):
        sys.path.insert(0, str(BENCHMARKS))
        try:
            return importlib.import_module(name)
        finally:
            sys.path.pop(0)
    return load


@pytest.fixture(autouse=True)
def _private_quiz_home(tmp_path_factory, monkeypatch):
    # Commands that fall back to QUIZ_HOME (progress, the deck cache of `quiz grade`)
    # write here; a test that passes --data-dir still wins.
    monkeypatch.setenv("QUIZ_HOME", str(tmp_path_factory.mktemp("quiz-home")))


# Lab modules that do not load, for tests of how a broken lab is shown: they live in a
# temporary folder added to the ``labs`` package's path, never in the package directory.
BROKEN_LABS = {
    "syntax-broken": ("quizlab_test_syntax_broken", "def run(:\n"),
    "import-broken": ("quizlab_test_import_broken",
                      "import quizlab_no_such_dependency  # noqa\n"),
}


@pytest.fixture
def broken_modules(tmp_path, monkeypatch):
    import labs

    folder = tmp_path / "extra-labs"
    folder.mkdir()
    for lab_id, (module, text) in BROKEN_LABS.items():
        (folder / f"{module}.py").write_text(text)
        monkeypatch.setitem(labs.MODULES, lab_id, module)
    monkeypatch.setattr(labs, "__path__", [*labs.__path__, str(folder)])
    return folder
