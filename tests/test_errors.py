"""The error root sits in the bottom layer, and every user-facing error carries the title
the app shows above it, in both languages."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import quiz
from quiz.errors import LabError, Problem, QuizError
from quiz.tui.i18n import STRINGS

ROOT = Path(__file__).resolve().parents[1]


def all_subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | all_subclasses(sub)
    return out


def test_every_quiz_error_has_a_title_in_both_languages():
    for info in pkgutil.walk_packages(quiz.__path__, "quiz."):
        if info.name.startswith("quiz.tui"):
            continue  # the TUI defines no error types; importing it all costs textual
        importlib.import_module(info.name)
    errors = {QuizError} | all_subclasses(QuizError)
    names = {e.__name__ for e in errors}
    assert {"DeckError", "StoreError", "DatabaseLocked", "DiskError", "ReadOnlyDatabase",
            "UnusableDatabase", "SettingsError", "EmptyAnswer", "LabError"} <= names
    for e in errors:
        assert e.title in STRINGS, (e, e.title)
        assert STRINGS[e.title]["zh"] and STRINGS[e.title]["en"], e


def test_titles_say_what_kind_of_trouble_it_is():
    from quiz.deck.errors import DeckError
    from quiz.store.db import DatabaseLocked, StoreError, UnusableDatabase

    assert QuizError("x").title == "error.title"
    assert DeckError([Problem("d.yaml", 3, "cards[0].id", "missing")]).title == "error.deck"
    assert StoreError("x").title == UnusableDatabase("x").title == "error.db"
    assert DatabaseLocked("x").title == "error.db_locked"
    assert LabError("x").title == "error.lab"


def test_the_bottom_layer_imports_nothing_of_quizlab():
    code = ("import sys; import quiz.errors; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('quiz', 'labs')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['quiz', 'quiz.errors']"
