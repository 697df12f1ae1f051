"""The deck's error: every problem of a deck at once, each naming file, line and field.

The app-wide root ``QuizError`` and the ``Problem`` record live in the bottom layer,
``quiz.errors``; ``Problem`` is re-exported here for the deck modules that build one.
"""

from __future__ import annotations

from quiz.errors import Problem, QuizError


class DeckError(QuizError):
    """One or more problems in a deck; all are reported at once."""

    title = "error.deck"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


__all__ = ["DeckError", "Problem"]
