"""What a grade is: immutable records that serialise to JSON.

A grade holds one PointResult per key point, so those (and misconception hits) are named
tuples: several are built per answer and a frozen dataclass costs three times as much.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from quiz.errors import QuizError
from quiz.vocab import GRADER_VERDICTS

# `unsure`: the evidence is borderline; the learner compares with the model answer.
VERDICTS = tuple(v.value for v in GRADER_VERDICTS)


class EmptyAnswer(QuizError):
    """The answer is empty or only whitespace: there is nothing to grade."""

    def __init__(self, message: str = "empty answer: nothing to grade"):
        super().__init__(message)


class PointResult(NamedTuple):
    id: str
    found: bool
    # 0-100: how well the best phrasing matched, with the right polarity. Matches too weak
    # to earn any credit (policy.point_partial and below) are not searched for: 0.
    score: float
    # Offsets into the original answer of the matched words (of the negated statement
    # when ``negated``), for highlighting.
    span: tuple[int, int] | None
    matched: str | None
    phrasing: str | None
    negated: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "found": self.found, "score": round(self.score, 1),
                "span": list(self.span) if self.span else None, "matched": self.matched,
                "phrasing": self.phrasing, "negated": self.negated}


class MisconceptionHit(NamedTuple):
    id: str
    score: float  # 0-100
    span: tuple[int, int] | None
    feedback: str
    phrasing: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": round(self.score, 1),
                "span": list(self.span) if self.span else None,
                "feedback": self.feedback, "phrasing": self.phrasing}


@dataclass(frozen=True)
class Grade:
    score: float  # 0..1
    verdict: str  # correct | partial | wrong | unsure
    lang: str
    key_points: tuple[PointResult, ...]
    misconceptions: tuple[MisconceptionHit, ...]
    feedback: str
    # question-echo, keyword-list, negated-point, misconception, repetition, and why a
    # grade is unsure: near-misconception, unchecked-claim, borderline-point
    flags: tuple[str, ...]

    def _head(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "verdict": self.verdict, "lang": self.lang}

    def _tail(self) -> dict[str, Any]:
        return {"misconceptions": [m.to_dict() for m in self.misconceptions],
                "feedback": self.feedback, "flags": list(self.flags)}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**self._head(), "key_points": [p.to_dict() for p in self.key_points],
                **self._tail()}

    def to_json(self, encode: Callable[[Any], str], head: dict[str, Any],
                missed: dict[PointResult, str]) -> str:
        """``encode({**head, **self.to_dict()})``, the same text, built faster for batches.

        A key point nothing matched has the same JSON in every grade, and most points of
        most answers are such: ``missed`` (kept by the caller for one ``encode``) holds
        their text, so each is encoded once per batch instead of once per answer.
        ``encode`` must use json's default separators, as ``json.JSONEncoder().encode``.
        """
        first = encode({**head, **self._head()})
        rest = encode(self._tail())
        parts = []
        for p in self.key_points:
            if p.span is None:
                text = missed.get(p)
                if text is None:
                    text = missed[p] = encode(p.to_dict())
            else:
                text = encode(p.to_dict())
            parts.append(text)
        return f'{first[:-1]}, "key_points": [{", ".join(parts)}], {rest[1:]}'
