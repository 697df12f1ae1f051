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
    return grade_card(card, answer, lang)


# Said first in the feedback of a card graded against its model answer, so the learner
# knows why no key points are listed and the author knows what to add.
REFERENCE_NOTE = {
    "zh": "这张卡片没有要点：按参考答案批改（quiz suggest-points 可以起草要点）。",
    "en": "This card has no key points: graded against its model answer "
    "(quiz suggest-points drafts some).",
}
REFERENCE_FLAG = "graded-against-answer"


def _without_explanation(answer: str) -> str:
    """The model answer without the 解析 / Explanation that `quiz import-md` appends to it:
    that is commentary for the reader, not something an answer must say."""
    from quiz.deck.importer import EXPLANATION_LABEL

    for label in EXPLANATION_LABEL.values():
        cut = answer.find(f"\n\n{label}")
        if cut > 0:
            answer = answer[:cut]
    return answer


def grade_card(card: Card, answer: str, lang: str | None = None,
               deck_grader: Any = None) -> Any:
    """Grade ``answer`` to ``card``: against its key points, or, for a card that has none
    (a deck just imported from markdown), against its model answer with grade_reference.
    ``deck_grader``: the deck's compiled cards (a DeckGrader); None: grade()'s own cache."""
    # late: keeps the session importable without the grader
    if card.key_points:
        if deck_grader is not None:
            return deck_grader.grade(card, answer, lang)
        from quiz.grading import grade

        return grade(card, answer, lang)
    from dataclasses import replace

    from quiz.deck.model import pick
    from quiz.grading import grade_reference
    from quiz.grading.normalize import detect_lang

    refs = [t for t in (_without_explanation(a) for a in card.answer.values()) if t.strip()]
    if not refs:
        from quiz.errors import QuizError

        raise QuizError(f"card {card.id!r} has neither key points nor a model answer to grade by")
    lang = lang or (detect_lang(answer) if answer and answer.strip() else None)
    g = grade_reference(refs, answer, pick(card.question, lang or "en") or None, lang)
    note = REFERENCE_NOTE.get(g.lang, REFERENCE_NOTE["en"])
    return replace(g, feedback=f"{note}\n{g.feedback}".rstrip(),
                   flags=(*g.flags, REFERENCE_FLAG))


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
