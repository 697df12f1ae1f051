"""A self-study session: which card comes next, grading an answer, rating it with FSRS.

The queue is recomputed from the store on every ``next_card()``: due cards first (oldest
due first), then new cards up to the day's new-card limit. Recomputing (rather than
freezing a list at start) brings back a card failed a minute ago once its short learning
step is due, and stays right when another process studies the same database.

In ``practice`` mode ("practice anyway" when nothing is due) cards are served weakest
first, attempts are stored with mode ``practice``, and the schedule is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from fsrs import Rating, Scheduler

from quiz.deck.model import Card, Deck, pick
from quiz.session import verdicts as V
from quiz.session.clock import Clock, read, utc_now
from quiz.session.grader import Grader, default_grader, grade_dict, unanswered_dict
from quiz.session.limits import (
    NEW_PER_DAY,
    REVIEWS_PER_DAY,
    StudyDay,
    done_today,
    left_today,
)
from quiz.session.scheduling import (
    DEFAULT_EASY_SECONDS,
    Outcome,
    fsrs_card,
    fsrs_id,
    make_scheduler,
    preview,
    suggest_rating,
    to_rating,
)
from quiz.store.db import Store
from quiz.store.records import ReviewState

MODES = ("study", "practice")


@dataclass(frozen=True)
class StudyItem:
    """The card on screen: what to ask and why it was chosen."""

    card: Card
    kind: str  # "due" | "new" | "practice"
    question: str  # in the session language (falls back to the other)
    due: datetime | None  # when it fell due; None for a new card
    shown: datetime  # when next_card() served it: time taken counts from here


@dataclass(frozen=True)
class Answered:
    """The result of submitting an answer; the attempt is already committed."""

    item: StudyItem
    attempt_id: int
    answer: str
    answered: bool  # False for a blank answer / "show answer": revealed, not graded
    grade: Any  # the grader's Grade, or None when blank
    grade_dict: dict[str, Any]
    score: float | None  # the grader's score; None when revealed
    verdict: str  # final: the grader's, or the learner's override (quiz.session.verdicts)
    seconds: float
    suggested: Rating | None  # None: no suggestion, the learner rates (unsure, revealed)
    # Next due time for each rating, to label the rating keys before the user picks.
    preview: dict[Rating, Outcome] = field(repr=False)
    grader_verdict: str | None = None  # what the grader said; None when revealed

    @property
    def overridden(self) -> bool:
        return self.grader_verdict is not None and self.verdict != self.grader_verdict

    @property
    def needs_rating(self) -> bool:
        """No rating is suggested: compare with the model answer and rate it yourself."""
        return self.suggested is None


@dataclass(frozen=True)
class Rated:
    answered: Answered
    rating: Rating
    overridden: bool  # the user picked something other than the suggestion
    due: datetime | None  # next due time (None in practice mode: schedule unchanged)
    label: str  # "2d"; "" in practice mode


@dataclass(frozen=True)
class _Undo:
    """What taking back one rating needs: the answer as it was, and the card's old state."""

    answered: Answered
    log_id: int | None  # None in practice mode (no review was logged)
    previous: ReviewState | None


@dataclass(frozen=True)
class QueueCounts:
    due: int  # due today (overdue included), up to what today's review limit allows
    new: int  # new cards still allowed today
    reviews_today: int
    new_today: int

    @property
    def total(self) -> int:
        return self.due + self.new


class StudySession:
    """Serve, grade and rate cards of one deck against one store."""

    def __init__(self, deck: Deck, store: Store, *, mode: str = "study", clock: Clock = utc_now,
                 grader: Grader | None = None, scheduler: Scheduler | None = None,
                 lang: str | None = None, tags: Iterable[str] = (), new_per_day: int = NEW_PER_DAY,
                 reviews_per_day: int = REVIEWS_PER_DAY,
                 easy_seconds: float = DEFAULT_EASY_SECONDS, day: StudyDay | None = None,
                 only: str | None = None):
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {MODES}")
        self.deck, self.store, self.mode = deck, store, mode
        self.clock = clock
        self.grader = grader or default_grader
        self.scheduler = scheduler or make_scheduler(store)
        self.lang = lang
        self.tags = frozenset(tags)
        self.new_per_day, self.reviews_per_day = new_per_day, reviews_per_day
        self.easy_seconds = easy_seconds
        self.day = day or StudyDay()
        # "Study this card now": serve this one card once, due or not, and rate it for real.
        self.only = only
        self._only_done = False
        self.current: StudyItem | None = None
        self.last_answer: Answered | None = None
        self._practice_seen: set[str] = set()
        self._undo: list[_Undo] = []

    # -- the queue ------------------------------------------------------------------------
    def _cards(self) -> list[Card]:
        if not self.tags:
            return list(self.deck.cards)
        return [c for c in self.deck.cards if self.tags & set(c.tags)]

    def counts(self) -> QueueCounts:
        """How much is left today (for the header: "12 due, 5 new")."""
        now = read(self.clock)
        _, new, reviews_today, new_today = self._queue(now)
        ids = {c.id for c in self._cards()}
        dues = [s.due for s in self.store.review_states().values() if s.card_id in ids]
        reviews_left, _ = left_today(reviews_today, new_today,
                                     reviews_per_day=self.reviews_per_day,
                                     new_per_day=self.new_per_day)
        due = min(reviews_left, self.day.due_today(dues, now))
        return QueueCounts(due, len(new), reviews_today, new_today)

    def _queue(self, now: datetime) -> tuple[list, list[Card], int, int]:
        # The limits are this deck's: reviews of other decks' cards do not count.
        reviews_today, new_today = done_today(self.store, now, self.deck.ids(), self.day)
        reviews_left, new_left = left_today(reviews_today, new_today,
                                            reviews_per_day=self.reviews_per_day,
                                            new_per_day=self.new_per_day)
        states = self.store.review_states()
        cards = self._cards()
        due = sorted(((states[c.id].due, i, c) for i, c in enumerate(cards)
                      if c.id in states and states[c.id].due <= now), key=lambda t: t[:2])
        due = due[:reviews_left]
        new = [c for c in cards if c.id not in states][:new_left]
        return due, new, reviews_today, new_today

    def next_card(self) -> StudyItem | None:
        """Serve the next card (and start its timer), or None when nothing is left now."""
        now = read(self.clock)
        if self.only is not None:
            item = None
            if not self._only_done:
                card = self.deck.card(self.only)
                state = self.store.review_state(card.id)
                item = self._item(card, "new" if state is None else "due",
                                  None if state is None else state.due, now)
            self.current, self.last_answer = item, None
            return item
        if self.mode == "practice":
            card = self._next_practice(now)
            item = None if card is None else self._item(card, "practice", None, now)
        else:
            due, new, _, _ = self._queue(now)
            if due:
                when, _, card = due[0]
                item = self._item(card, "due", when, now)
            elif new:
                item = self._item(new[0], "new", None, now)
            else:
                item = None
        self.current, self.last_answer = item, None
        return item

    def _next_practice(self, now: datetime) -> Card | None:
        cards = self._cards()
        if not cards:
            return None
        if all(c.id in self._practice_seen for c in cards):
            self._practice_seen.clear()  # a full round done: start another
        states = self.store.review_states()

        def weakness(pair: tuple[int, Card]) -> tuple[float, int]:
            i, c = pair
            st = states.get(c.id)
            r = 0.0 if st is None else self.scheduler.get_card_retrievability(
                fsrs_card(c.id, st, now), now)
            return (r, i)

        left = [(i, c) for i, c in enumerate(cards) if c.id not in self._practice_seen]
        card = min(left, key=weakness)[1]
        self._practice_seen.add(card.id)
        return card

    def _item(self, card: Card, kind: str, due: datetime | None, now: datetime) -> StudyItem:
        return StudyItem(card, kind, pick(card.question, self.lang), due, now)

    def next_due_at(self) -> datetime | None:
        """When the next card of this deck falls due (e.g. a failed card's 1-minute step)."""
        ids = {c.id for c in self._cards()}
        dues = [s.due for s in self.store.review_states().values() if s.card_id in ids]
        return min(dues) if dues else None

    # -- answering and rating -------------------------------------------------------------
    def preview(self, card: Card | None = None) -> dict[Rating, Outcome]:
        """Next due time for each rating of ``card`` (default: the current one) if rated now."""
        card = card or self._require_current().card
        now = read(self.clock)
        return preview(self.scheduler, fsrs_card(card.id, self.store.review_state(card.id), now),
                       now)

    def submit(self, answer: str, at: datetime | None = None) -> Answered:
        """Grade the answer and commit the attempt; a blank answer is recorded ungraded.

        ``at``: when the learner submitted (default: now). The app passes the moment of the
        key press, so a save that waited for another program's lock does not count the wait
        as answering time. Nothing changes here unless the attempt is stored: a step that
        failed can be run again."""
        item = self._require_current()
        if self.last_answer is not None:
            raise RuntimeError("this card is already answered; rate it or call next_card()")
        now = read(self.clock) if at is None else at
        seconds = max(0.0, (now - item.shown).total_seconds())
        answered = bool(answer.strip())
        if answered:
            grade = self.grader(item.card, answer, self.lang)
            gd = grade_dict(grade)
            score: float | None = float(gd.get("score", 0.0))
            grader_verdict: str | None = str(gd.get("verdict", V.UNSURE))
            verdict = grader_verdict
            suggested = self._suggest(verdict, seconds)
        else:
            # "Show answer": nothing to grade. Recorded as revealed, with no score; the
            # learner's own rating says whether they knew it.
            grade, gd = None, unanswered_dict(item.card, self.lang)
            score, grader_verdict, verdict, suggested = None, None, V.REVEALED, None
        attempt_id = self.store.add_attempt(
            card_id=item.card.id, deck=self.deck.path, mode=self.mode, answer=answer,
            grade=gd if answered else None, score=score, verdict=verdict,
            suggested_rating=None if suggested is None else int(suggested), started=item.shown,
            ended=now, seconds=seconds, grader_verdict=grader_verdict)
        duration_ms = int(seconds * 1000)
        state = self.store.review_state(item.card.id)
        outcomes = preview(self.scheduler, fsrs_card(item.card.id, state, now), now, duration_ms)
        self.last_answer = Answered(item, attempt_id, answer, answered, grade, gd, score, verdict,
                                    seconds, suggested, outcomes, grader_verdict)
        return self.last_answer

    def _suggest(self, verdict: str, seconds: float) -> Rating | None:
        if V.needs_rating(verdict):
            return None
        return suggest_rating(verdict, seconds, self.easy_seconds)

    def override(self, right: bool) -> Answered:
        """"I was right" / "I was wrong": the attempt's final verdict becomes correct / wrong
        (the grader's is kept) and the suggestion follows; the learner still picks 1-4."""
        ans = self.last_answer
        if ans is None:
            raise RuntimeError("submit an answer before overruling its grade")
        if not ans.answered:
            raise RuntimeError("a revealed answer has no grade to overrule; rate it 1-4")
        verdict = V.override(right)
        self.store.set_verdict(ans.attempt_id, verdict)
        self.last_answer = replace(ans, verdict=verdict,
                                   suggested=self._suggest(verdict, ans.seconds))
        return self.last_answer

    def rate(self, rating: Rating | int | str | None = None) -> Rated:
        """Rate the answered card (None accepts the suggestion) and reschedule it.

        In practice mode the rating is stored on the attempt and the schedule is unchanged.
        """
        ans = self.last_answer
        if ans is None:
            raise RuntimeError("submit an answer before rating")
        if rating is None and ans.suggested is None:
            raise ValueError("no rating is suggested for this answer: pick one of 1-4")
        chosen = ans.suggested if rating is None else to_rating(rating)
        overridden = chosen != ans.suggested
        # An answer the grader was unsure of (or a verdict this app does not know) takes its
        # final verdict from the learner's rating; a revealed one stays revealed.
        verdict = ans.verdict
        if verdict != V.REVEALED and V.known(verdict) == V.UNSURE:
            verdict = V.from_rating(chosen)
        if self.mode == "practice":
            self.store.set_rating(ans.attempt_id, int(chosen), verdict)
            self._undo.append(_Undo(ans, None, None))
            result = Rated(ans, chosen, overridden, None, "")
        else:
            out = ans.preview[chosen]
            card = ans.item.card
            previous = self.store.review_state(card.id)
            log_id = self.store.record_review(
                card_id=card.id, fsrs_id=fsrs_id(card.id), fsrs_json=out.card.to_json(),
                due=out.due, rating=int(chosen), reviewed_at=out.log.review_datetime,
                log_json=out.log.to_json(), duration_ms=out.log.review_duration,
                attempt_id=ans.attempt_id, deck=self.deck.path, verdict=verdict)
            self._undo.append(_Undo(ans, log_id, previous))
            result = Rated(ans, chosen, overridden, out.due, out.label)
        self.current, self.last_answer = None, None
        self._only_done = self.only is not None
        return result

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Answered:
        """Take back the last rating (Anki's ctrl+z): the card's schedule is as before, and
        the card is back on screen, graded, to be rated again."""
        if not self._undo:
            raise RuntimeError("nothing to undo")
        u = self._undo[-1]  # popped once the database took it: a failed undo can be retried
        ans = u.answered
        if u.log_id is None:
            self.store.set_rating(ans.attempt_id, None, ans.verdict)
        else:
            self.store.undo_review(u.log_id, u.previous, attempt_id=ans.attempt_id,
                                   verdict=ans.verdict)
        self._undo.pop()
        if self.mode == "practice":
            self._practice_seen.discard(ans.item.card.id)
        self._only_done = False
        self.current, self.last_answer = ans.item, ans
        return ans

    def _require_current(self) -> StudyItem:
        if self.current is None:
            raise RuntimeError("no card is being asked; call next_card() first")
        return self.current
