"""The bottom layer: the app-wide error root and the file:line:field record of a problem.

Every layer may import this module and it imports nothing of quizlab's, so an error type
never drags a package above it along (``import-linter``'s layers contract in
pyproject.toml keeps it at the bottom).

A ``QuizError`` is a user-facing error: the CLI prints it as ``quiz: <message>`` and exits
non-zero, never with a traceback, and the TUI shows it in a modal whose title is the
class's ``title``: an i18n key (``quiz/tui/i18n.py``) so the title follows the app's
language. Each subclass says what kind of trouble it is (``StoreError`` -> "Database
error"), so a call site does not have to guess.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when no line applies (a missing file, an empty folder)
    field: str  # dotted path such as ``cards[3].claims[0].verdict``; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class QuizError(Exception):
    """A user-facing error: the CLI prints it and exits non-zero, never a traceback."""

    # The i18n key of the title the TUI shows above the message ("Something went wrong").
    title: str = "error.title"


class LabError(QuizError):
    """A lab cannot be run as asked (no such lab); a lab that runs and fails is a run with
    status ``failed``, not an exception."""

    title = "error.lab"


__all__ = ["LabError", "Problem", "QuizError"]
