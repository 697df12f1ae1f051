"""The mock-interview report: per question outcome, totals, weakest tags.

Built from stored answers (grade dicts), so the report of a past interview can be rebuilt
from the database exactly as it was shown at the end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from quiz.deck.model import Card, pick
from quiz.session import verdicts as V

# The report counts each of these apart: "unsure" (the grader left it to the learner) and
# "unanswered" (nothing typed, or the interview ended first) are not "wrong".
VERDICTS = (V.CORRECT, V.PARTIAL, V.WRONG, V.UNSURE, V.UNANSWERED)


@dataclass(frozen=True)
class MissedPoint:
    id: str
    text: str  # the key point's first phrasing in the interview language


@dataclass(frozen=True)
class MisconceptionNote:
    id: str
    feedback: str


@dataclass(frozen=True)
class QuestionResult:
    position: int  # 0-based
    card_id: str
    question: str
    answer: str
    answered: bool
    timed_out: bool
    score: float
    verdict: str  # final (an override wins); "unanswered" when nothing was typed
    seconds: float
    tags: tuple[str, ...]
    missed_key_points: tuple[MissedPoint, ...]
    misconceptions: tuple[MisconceptionNote, ...]
    model_answer: str
    grade: dict[str, Any] | None  # the full Grade.to_dict(); None when unanswered
    grader_verdict: str | None = None  # the grader's, when the learner overruled it
    answer_id: int | None = None  # the stored interview answer (to overrule its grade)

    @property
    def overridden(self) -> bool:
        return self.grader_verdict is not None and self.grader_verdict != self.verdict

    @property
    def credit(self) -> float:
        """What this question adds to the mean: the grader's score, or the override's."""
        if self.overridden:
            return V.CREDIT.get(V.known(self.verdict), self.score)
        return self.score


@dataclass(frozen=True)
class TagScore:
    tag: str
    mean_score: float
    questions: int


@dataclass(frozen=True)
class InterviewReport:
    interview_id: int | None
    config: dict[str, Any]
    started: datetime | None
    ended: datetime | None
    finished: bool
    questions: tuple[QuestionResult, ...]
    mean_score: float
    counts: dict[str, int]  # by final verdict: correct / partial / wrong / unsure / unanswered
    answered: int
    unanswered: int
    timed_out: int
    total_seconds: float
    weakest_tags: tuple[TagScore, ...]  # lowest mean score first, at most 3

    def totals(self) -> dict[str, Any]:
        """What the store keeps on the interview row (and stats lists)."""
        return {"questions": len(self.questions), "mean_score": self.mean_score,
                "counts": dict(self.counts), "answered": self.answered,
                "unanswered": self.unanswered, "timed_out": self.timed_out,
                "total_seconds": self.total_seconds,
                "weakest_tags": [t.tag for t in self.weakest_tags]}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: lists instead of tuples, ISO timestamps."""
        return _plain(asdict(self))


def question_result(position: int, card: Card, lang: str | None, *, answer: str,
                    answered: bool, timed_out: bool, seconds: float,
                    grade: dict[str, Any] | None, verdict: str | None = None,
                    answer_id: int | None = None) -> QuestionResult:
    """One question's line of the report, from its stored grade dict (``verdict``: the
    final verdict when the learner overruled the grade's)."""
    g = grade or {}
    found = {kp.get("id") for kp in g.get("key_points", ()) if kp.get("found")}
    missed = tuple(MissedPoint(k.id, _first(k.phrasings, lang)) for k in card.key_points
                   if k.id not in found)
    by_id = {m.id: m for m in card.misconceptions}
    notes = []
    for hit in g.get("misconceptions", ()):
        mid = hit.get("id", "")
        fb = hit.get("feedback")
        if isinstance(fb, dict):
            fb = pick(fb, lang)
        if not fb and mid in by_id:
            fb = pick(by_id[mid].feedback, lang)
        notes.append(MisconceptionNote(mid, fb or ""))
    graded = str(g.get("verdict", V.UNSURE)) if answered else None
    final = (verdict or graded) if answered else V.UNANSWERED
    return QuestionResult(
        position=position, card_id=card.id, question=pick(card.question, lang), answer=answer,
        answered=answered, timed_out=timed_out,
        score=float(g.get("score", 0.0)) if answered else 0.0,
        verdict=str(final), seconds=round(seconds, 3), tags=card.tags, missed_key_points=missed,
        misconceptions=tuple(notes), model_answer=pick(card.answer, lang),
        grade=grade if answered else None, grader_verdict=graded, answer_id=answer_id)


def build_report(results: list[QuestionResult], *, interview_id: int | None,
                 config: dict[str, Any], started: datetime | None, ended: datetime | None,
                 finished: bool) -> InterviewReport:
    """Totals and weakest tags over the question results."""
    n = len(results)
    # A verdict this version does not know is counted as unsure (the learner decides).
    counts = {v: sum(1 for r in results if V.known(r.verdict) == v) for v in VERDICTS}
    by_tag: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for t in r.tags:
            by_tag[t].append(r.credit)
    tags = sorted((TagScore(t, round(sum(s) / len(s), 4), len(s)) for t, s in by_tag.items()),
                  key=lambda t: (t.mean_score, -t.questions, t.tag))
    return InterviewReport(
        interview_id=interview_id, config=config, started=started, ended=ended,
        finished=finished, questions=tuple(results),
        mean_score=round(sum(r.credit for r in results) / n, 4) if n else 0.0,
        counts=counts, answered=sum(r.answered for r in results),
        unanswered=sum(not r.answered for r in results),
        timed_out=sum(r.timed_out for r in results),
        total_seconds=round(sum(r.seconds for r in results), 3),
        weakest_tags=tuple(t for t in tags if t.mean_score < 1.0)[:3])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _first(phrasings: dict[str, tuple[str, ...]], lang: str | None) -> str:
    for code in (lang, "zh", "en", *phrasings):
        if code and phrasings.get(code):
            return phrasings[code][0]
    return ""
