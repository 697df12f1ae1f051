"""The grader as an injected callable, and what an unanswered question scores.

Engines accept any ``grader(card, answer, lang) -> Grade``; the default imports
``quiz.grading.grade`` only when first needed, so the session layer does not depend on the
grader's exact scores and tests can pass a stand-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quiz.deck.model import Card

Grader = Callable[[Card, str, "str | None"], Any]


def default_grader(card: Card, answer: str, lang: str | None = None) -> Any:
    from quiz.grading import grade  # late: keeps the session importable without the grader

    return grade(card, answer, lang)


def grade_dict(grade: Any) -> dict[str, Any]:
    """A grade as a plain dict (``Grade.to_dict()``; a dict passes through)."""
    if grade is None:
        return {}
    if isinstance(grade, dict):
        return grade
    return grade.to_dict()


def unanswered_dict(card: Card, lang: str | None) -> dict[str, Any]:
    """The grade of a question left blank: score 0, wrong, every key point missed."""
    return {
        "score": 0.0,
        "verdict": "wrong",
        "lang": lang,
        "key_points": [{"id": k.id, "found": False, "score": 0.0} for k in card.key_points],
        "misconceptions": [],
        "feedback": "",
        "flags": ["unanswered"],
    }
