"""The mock-interview engine: an explicit state machine with a deadline per question.

States::

    not_started --start()--> asking --submit()--> answered --next()--> asking ... --> finished
                                    \\--deadline passed (tick/time_left)--> timed_out --next()--/

Time left is always computed from the deadline and the injected clock, never by counting
ticks, so a TUI timer that fires late or a laptop that sleeps cannot stretch a question.
When the deadline passes the engine submits whatever was typed (``set_draft``) by itself.
As in a real interview, grades stay hidden until the end: the engine exposes only the
report, and only once finished. Each answer is committed to the store when it is given, so
an interview cut off by a crash keeps its answers and stays marked unfinished.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from quiz.deck.model import Card, Deck, pick
from quiz.errors import QuizError
from quiz.session.clock import Clock, read, utc_now
from quiz.session.grader import Grader, default_grader, grade_dict
from quiz.session.report import InterviewReport, QuestionResult, build_report, question_result
from quiz.store.db import Store


class InterviewState(StrEnum):
    NOT_STARTED = "not_started"
    ASKING = "asking"
    ANSWERED = "answered"
    TIMED_OUT = "timed_out"
    FINISHED = "finished"


class InterviewStateError(RuntimeError):
    """A call that the current state does not allow (a bug in the caller, not user input)."""


MAX_SECONDS = 7 * 24 * 3600.0  # a week: any longer limit is a typo (and nan fails 0 < x)


@dataclass(frozen=True)
class InterviewConfig:
    questions: int = 5
    seconds_per_question: float = 180.0
    total_minutes: float | None = None  # an overall limit on top of the per-question one
    tags: tuple[str, ...] = ()  # cards with any of these tags; () for all
    lang: str | None = None  # "zh" | "en"; None: each card's first language
    seed: int | None = None  # None: a random seed, recorded in the stored config

    def __post_init__(self) -> None:
        if self.questions < 1:
            raise QuizError(f"questions must be at least 1, got {self.questions}")
        # Checked here, before the store sees the config: nan passes "<= 0", and nan, inf
        # or 1e300 only failed later, in timedelta(), after the interview row was written.
        if not 0 < self.seconds_per_question <= MAX_SECONDS:
            raise QuizError(f"seconds per question must be positive and at most "
                            f"{MAX_SECONDS:g}, got {self.seconds_per_question}")
        if self.total_minutes is not None and not 0 < self.total_minutes <= MAX_SECONDS / 60:
            raise QuizError(f"total minutes must be positive and at most "
                            f"{MAX_SECONDS / 60:g}, got {self.total_minutes}")
        object.__setattr__(self, "tags", tuple(self.tags))

    def to_dict(self) -> dict[str, Any]:
        return {"questions": self.questions, "seconds_per_question": self.seconds_per_question,
                "total_minutes": self.total_minutes, "tags": list(self.tags), "lang": self.lang,
                "seed": self.seed}


@dataclass(frozen=True)
class Question:
    """The question on screen. ``deadline`` is when it times out."""

    position: int  # 0-based
    total: int
    card: Card
    text: str
    started: datetime
    deadline: datetime


def pick_cards(deck: Deck, config: InterviewConfig) -> list[Card]:
    """The interview's cards: those with any of the tags, sampled with the seed."""
    cards = list(deck.cards)
    if config.tags:
        wanted = set(config.tags)
        cards = [c for c in cards if wanted & set(c.tags)]
        if not cards:
            known = sorted({t for c in deck.cards for t in c.tags})
            raise QuizError(f"{deck.path}: no card has any of the tags {', '.join(config.tags)}"
                            f" (tags in the deck: {', '.join(known) or 'none'})")
    return random.Random(config.seed).sample(cards, min(config.questions, len(cards)))


class InterviewEngine:
    """Runs one mock interview over ``deck``; pass ``store=None`` to keep nothing."""

    def __init__(self, deck: Deck, config: InterviewConfig | None = None, *,
                 store: Store | None = None, clock: Clock = utc_now,
                 grader: Grader | None = None):
        config = config or InterviewConfig()
        if config.seed is None:
            # Record the seed actually used so the same interview can be replayed.
            config = replace(config, seed=random.SystemRandom().randrange(2**31))
        self.deck, self.config, self.store = deck, config, store
        self.clock = clock
        self.grader = grader or default_grader
        self.cards: list[Card] = pick_cards(deck, config)
        self.state = InterviewState.NOT_STARTED
        self.interview_id: int | None = None
        self.current: Question | None = None
        self.draft = ""
        self.started: datetime | None = None
        self.ended: datetime | None = None
        self._position = -1
        self._results: list[QuestionResult] = []
        self._report: InterviewReport | None = None

    # -- reading the state ----------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.cards)

    @property
    def answered_count(self) -> int:
        """Questions done so far (answered or timed out): progress, not scores."""
        return len(self._results)

    @property
    def overall_deadline(self) -> datetime | None:
        if self.started is None or self.config.total_minutes is None:
            return None
        return self.started + timedelta(minutes=self.config.total_minutes)

    def time_left(self, now: datetime | float | None = None) -> float:
        """Seconds left on the current question (0 unless asking); times out if it passed."""
        now = self._now(now)
        self.tick(now)
        if self.state is not InterviewState.ASKING or self.current is None:
            return 0.0
        return max(0.0, (self.current.deadline - now).total_seconds())

    def total_time_left(self, now: datetime | float | None = None) -> float | None:
        """Seconds left in the whole interview, or None without a total limit."""
        end = self.overall_deadline
        if end is None:
            return None
        return max(0.0, (end - self._now(now)).total_seconds())

    @property
    def report(self) -> InterviewReport:
        """The report; only once finished (no feedback during the interview)."""
        if self._report is None:
            raise InterviewStateError("the report exists only after the interview finished")
        return self._report

    # -- driving it -----------------------------------------------------------------------
    def start(self, now: datetime | float | None = None) -> Question:
        """Begin: store the interview (unfinished) and ask the first question."""
        self._expect(InterviewState.NOT_STARTED)
        now = self._now(now)
        self.started = now
        if not self.cards:
            raise QuizError(f"{self.deck.path}: the deck has no cards to ask")
        self._store_start(now)
        return self._ask(0, now)

    def set_draft(self, text: str) -> None:
        """What is typed so far: submitted as the answer if time runs out."""
        self.draft = text

    def tick(self, now: datetime | float | None = None) -> InterviewState:
        """Let time pass: time out the question, or the whole interview, once past due."""
        now = self._now(now)
        if self.state in (InterviewState.NOT_STARTED, InterviewState.FINISHED):
            return self.state
        end = self.overall_deadline
        if self.state is InterviewState.ASKING and self.current is not None \
                and now >= self.current.deadline:
            self._record(self.draft, self.current.deadline, timed_out=True)
            self.state = InterviewState.TIMED_OUT
        if end is not None and now >= end:
            self.finish(now)
        return self.state

    def submit(self, text: str | None = None, now: datetime | float | None = None
               ) -> InterviewState:
        """Answer the current question (``text`` or the draft); late answers count as timed out."""
        now = self._now(now)
        text = self.draft if text is None else text
        self._expect(InterviewState.ASKING)
        q = self.current
        assert q is not None
        if now >= q.deadline:
            self._record(text, q.deadline, timed_out=True)
            self.state = InterviewState.TIMED_OUT
        else:
            self._record(text, now, timed_out=False)
            self.state = InterviewState.ANSWERED
        return self.state

    def next(self, now: datetime | float | None = None) -> Question | None:
        """Ask the next question, or finish (returns None) when none is left or time is up."""
        self._expect(InterviewState.ANSWERED, InterviewState.TIMED_OUT)
        now = self._now(now)
        end = self.overall_deadline
        if self._position + 1 >= self.total or (end is not None and now >= end):
            self.finish(now)
            return None
        return self._ask(self._position + 1, now)

    def finish(self, now: datetime | float | None = None) -> InterviewReport:
        """End now: a question being asked is submitted (blank: unanswered); the rest are
        unanswered; the report is built and the interview marked finished in the store."""
        if self.state is InterviewState.FINISHED:
            return self.report
        now = self._now(now)
        if self.state is InterviewState.NOT_STARTED:
            self.started = now
            self._store_start(now)
        if self.state is InterviewState.ASKING and self.current is not None:
            at = min(now, self.current.deadline)
            self._record(self.draft, at, timed_out=now >= self.current.deadline)
        for pos in range(len(self._results), self.total):
            self._position = pos
            self.current = Question(pos, self.total, self.cards[pos],
                                    pick(self.cards[pos].question, self.config.lang), now, now)
            self._record("", now, timed_out=False)
        self.current = None
        self.ended = now
        self.state = InterviewState.FINISHED
        self._report = build_report(self._results, interview_id=self.interview_id,
                                    config=self.config.to_dict(), started=self.started,
                                    ended=now, finished=True)
        if self.store is not None and self.interview_id is not None:
            self.store.finish_interview(self.interview_id, now, self._report.totals())
        return self._report

    # -- internals ------------------------------------------------------------------------
    def _store_start(self, now: datetime) -> None:
        if self.store is not None:
            # The chosen cards and the deck go with the config: enough to replay or rebuild.
            config = {**self.config.to_dict(), "cards": [c.id for c in self.cards],
                      "deck": self.deck.path}
            self.interview_id = self.store.start_interview(config, now)

    def _ask(self, position: int, now: datetime) -> Question:
        card = self.cards[position]
        deadline = now + timedelta(seconds=self.config.seconds_per_question)
        end = self.overall_deadline
        if end is not None:
            deadline = min(deadline, end)
        self._position = position
        self.draft = ""
        self.current = Question(position, self.total, card, pick(card.question, self.config.lang),
                                now, deadline)
        self.state = InterviewState.ASKING
        return self.current

    def _record(self, text: str, at: datetime, *, timed_out: bool) -> None:
        q = self.current
        assert q is not None
        lang = self.config.lang
        answered = bool(text.strip())
        grade: dict[str, Any] | None = None
        if answered:
            try:
                grade = grade_dict(self.grader(q.card, text, lang))
            except Exception as e:  # noqa: BLE001 - a grader bug must not lose the answer
                grade = {"score": 0.0, "verdict": "wrong", "key_points": [],
                         "misconceptions": [], "flags": ["grader-error"], "error": str(e)}
        seconds = max(0.0, (at - q.started).total_seconds())
        result = question_result(q.position, q.card, lang, answer=text, answered=answered,
                                 timed_out=timed_out, seconds=seconds, grade=grade)
        if self.store is not None and self.interview_id is not None:
            answer_id = self.store.add_interview_answer(
                self.interview_id, position=q.position, card_id=q.card.id, answer=text,
                answered=answered, timed_out=timed_out, score=result.score,
                verdict=result.verdict, grade=grade, started=q.started, ended=at,
                seconds=seconds, deck=self.deck.path)
            result = replace(result, answer_id=answer_id)
        self._results.append(result)

    def _expect(self, *states: InterviewState) -> None:
        if self.state not in states:
            allowed = " or ".join(s.value for s in states)
            raise InterviewStateError(f"interview is {self.state.value}; this needs {allowed}")

    def _now(self, now: datetime | float | None) -> datetime:
        return read(self.clock) if now is None else read(lambda: now)


def report_from_store(store: Store, deck: Deck, interview_id: int) -> InterviewReport:
    """Rebuild a past interview's report from the database (orphaned cards shown by id)."""
    rec = store.interview(interview_id)
    if rec is None:
        raise QuizError(f"{store.path}: no interview {interview_id}")
    lang = rec.config.get("lang")
    by_id = {c.id: c for c in deck.cards}
    results = []
    for a in store.interview_answers(interview_id):
        card = by_id.get(a.card_id) or Card(id=a.card_id, seed=(), question={}, answer={})
        results.append(question_result(a.position, card, lang, answer=a.answer,
                                       answered=a.answered, timed_out=a.timed_out,
                                       seconds=a.seconds, grade=a.grade,
                                       verdict=a.verdict if a.answered else None,
                                       answer_id=a.id))
    return build_report(results, interview_id=rec.id, config=rec.config, started=rec.started,
                        ended=rec.ended, finished=rec.finished)


def overrule(store: Store | None, report: InterviewReport, position: int,
             right: bool) -> InterviewReport:
    """"I was right" / "I was wrong" on one question of a report: its final verdict (and
    that of the attempt made from it) changes, the grader's is kept; totals are rebuilt."""
    from quiz.session import verdicts as V

    q = report.questions[position]
    if not q.answered:
        raise QuizError(f"question {position + 1} was not answered: there is no grade to "
                        "overrule")
    verdict = V.override(right)
    if store is not None and q.answer_id is not None:
        store.set_interview_verdict(q.answer_id, verdict)
    results = list(report.questions)
    results[position] = replace(q, verdict=verdict)
    new = build_report(results, interview_id=report.interview_id, config=report.config,
                       started=report.started, ended=report.ended, finished=report.finished)
    if store is not None and report.interview_id is not None and report.finished:
        store.update_interview_totals(report.interview_id, new.totals())
    return new
