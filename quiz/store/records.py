"""What the store hands back: plain frozen dataclasses, timestamps as aware UTC datetimes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def ts(value: datetime | float | int) -> str:
    """A timestamp as fixed-width ISO text in UTC, so text order is time order in SQL."""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, UTC)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class Attempt:
    id: int
    card_id: str
    deck: str
    mode: str  # study | interview | practice
    answer: str
    grade: dict[str, Any] | None  # Grade.to_dict(); None for an unanswered question
    score: float | None  # the grader's score; None when not graded (revealed)
    verdict: str | None  # the final verdict (quiz.session.verdicts): what stats count
    suggested_rating: int | None  # 1 Again .. 4 Easy; None when the learner must rate
    rating: int | None  # what the user chose (equal to suggested when accepted)
    started: datetime
    ended: datetime
    seconds: float
    grader_verdict: str | None = None  # what the grader said; None when not graded

    @property
    def overridden(self) -> bool:
        """The learner overruled the grader's verdict (``y`` / ``n``, or rated an unsure one)."""
        return self.grader_verdict is not None and self.verdict != self.grader_verdict


@dataclass(frozen=True)
class ReviewState:
    """The FSRS state of one card (``fsrs_json`` is ``fsrs.Card.to_json()``)."""

    card_id: str
    fsrs_id: int
    deck: str
    fsrs_json: str
    due: datetime
    reps: int
    updated: datetime


@dataclass(frozen=True)
class ReviewLogEntry:
    id: int
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    attempt_id: int | None


@dataclass(frozen=True)
class InterviewRecord:
    id: int
    config: dict[str, Any]
    started: datetime
    ended: datetime | None
    finished: bool  # False when cut off (crash, kill) before the report
    totals: dict[str, Any] | None  # set at finish: mean score, counts by verdict ...


@dataclass(frozen=True)
class InterviewAnswer:
    id: int
    interview_id: int
    position: int  # 0-based question number
    card_id: str
    answer: str
    answered: bool
    timed_out: bool
    score: float
    verdict: str  # final: the grader's, or the learner's override; "unanswered" if blank
    grade: dict[str, Any] | None
    seconds: float
    started: datetime
    ended: datetime
    attempt_id: int | None
    grader_verdict: str | None = None


@dataclass(frozen=True)
class LabRun:
    id: int
    lab_id: str
    started: datetime
    duration_s: float
    quick: bool
    status: str  # ok | failed | unavailable
    result: dict[str, Any] = field(default_factory=dict)
