"""FSRS scheduling through the ``fsrs`` package: stable card ids, suggested ratings, previews.

The preview computes the outcome of every rating once; rating a card applies the outcome
that was previewed, so the interval shown ("2d") is exactly the one stored. The random fuzz
fsrs adds to long intervals is seeded from the card, the rating and the review time, so the
same review always gives the same interval (stable previews, stable TUI snapshots).
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import fsrs.scheduler as fsrs_scheduler
from fsrs import Card as FsrsCard
from fsrs import Rating, ReviewLog, Scheduler

from quiz.store.records import ReviewState

# Answers this fast (seconds) and correct suggest Easy instead of Good.
DEFAULT_EASY_SECONDS = 20.0

RATING_NAMES = {Rating.Again: "Again", Rating.Hard: "Hard", Rating.Good: "Good",
                Rating.Easy: "Easy"}
VERDICT_RATING = {"wrong": Rating.Again, "partial": Rating.Hard, "correct": Rating.Good}


def fsrs_id(card_id: str) -> int:
    """A stable positive 63-bit id from the card's slug: same slug, same id, across edits."""
    digest = hashlib.sha256(card_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def make_scheduler(store=None, **options) -> Scheduler:
    """The scheduler every engine shares (options pass through to ``fsrs.Scheduler``).

    With a ``store``, the FSRS parameters `quiz optimize` fitted to this learner's reviews
    (``fsrs-parameters.json`` beside the database) are used when present and valid; an
    unusable file leaves the defaults (`quiz optimize` names the problem)."""
    if store is not None and "parameters" not in options:
        from quiz.errors import QuizError
        from quiz.session.parameters import load_parameters

        try:
            fitted = load_parameters(Path(store.path).parent)
        except QuizError:
            fitted = None
        if fitted is not None:
            options["parameters"] = fitted
    return Scheduler(**options)


def fsrs_card(card_id: str, state: ReviewState | None, now: datetime) -> FsrsCard:
    """The stored FSRS card, or a new one due now."""
    if state is not None:
        return FsrsCard.from_json(state.fsrs_json)
    return FsrsCard(card_id=fsrs_id(card_id), due=now)


def to_rating(value: Rating | int | str) -> Rating:
    """A Rating from 1-4, a Rating, or a name ("good")."""
    if isinstance(value, str) and not value.isdigit():
        try:
            return Rating[value.strip().capitalize()]
        except KeyError:
            raise ValueError(f"unknown rating {value!r}; use again, hard, good or easy") from None
    return Rating(int(value))


def suggest_rating(verdict: str | None, seconds: float | None,
                   easy_seconds: float = DEFAULT_EASY_SECONDS) -> Rating:
    """wrong -> Again, partial -> Hard, correct -> Good, correct within easy_seconds -> Easy."""
    rating = VERDICT_RATING.get(verdict or "wrong", Rating.Again)
    if rating == Rating.Good and seconds is not None and seconds < easy_seconds:
        return Rating.Easy
    return rating


@dataclass(frozen=True)
class Outcome:
    """What rating a card ``rating`` now would do: next due time, interval, the new state."""

    rating: Rating
    due: datetime
    interval: timedelta
    label: str  # "10m", "2d": for the rating buttons
    card: FsrsCard
    log: ReviewLog

    @property
    def name(self) -> str:
        return RATING_NAMES[self.rating]


_FUZZ_LOCK = threading.Lock()


@contextmanager
def _seeded_fuzz(seed: str) -> Iterator[None]:
    # fsrs draws its fuzz from the module-level random(); swap in a seeded generator for
    # the duration of one review (under a lock, and restored after).
    with _FUZZ_LOCK:
        saved = fsrs_scheduler.random
        fsrs_scheduler.random = random.Random(seed).random
        try:
            yield
        finally:
            fsrs_scheduler.random = saved


def preview(scheduler: Scheduler, card: FsrsCard, now: datetime,
            duration_ms: int | None = None) -> dict[Rating, Outcome]:
    """The outcome of each of the four ratings at ``now`` (deterministic)."""
    out: dict[Rating, Outcome] = {}
    for rating in Rating:
        with _seeded_fuzz(f"{card.card_id}:{int(rating)}:{now.isoformat()}"):
            new, log = scheduler.review_card(card, rating, review_datetime=now,
                                             review_duration=duration_ms)
        interval = new.due - now
        out[rating] = Outcome(rating, new.due, interval, humanize(interval), new, log)
    return out


def humanize(delta: timedelta) -> str:
    """A short interval: "now", "1m", "10m", "3h", "2d", "3mo", "1.2y"."""
    s = delta.total_seconds()
    if s < 30:
        return "now"
    if s < 3600:
        return f"{max(1, round(s / 60))}m"
    if s < 86400:
        return f"{round(s / 3600)}h"
    days = s / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        months = days / 30.4
        return f"{months:.0f}mo" if months >= 10 else f"{months:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
