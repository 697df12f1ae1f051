"""Card info (Anki's "card info"): schedule, FSRS memory state and the answer history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from quiz.session.scheduling import fsrs_card, make_scheduler
from quiz.store.db import Store


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    mode: str  # study | practice | interview
    score: float | None  # the grader's; None when revealed
    verdict: str | None  # final
    grader_verdict: str | None
    rating: int | None
    seconds: float


@dataclass(frozen=True)
class CardInfo:
    card_id: str
    reviewed: bool  # False: a new card, never rated
    due: datetime | None
    interval: timedelta | None  # from the last review to the due time
    stability: float | None  # FSRS: days for recall probability to fall to 90 %
    difficulty: float | None  # FSRS: 1 (easy) .. 10 (hard)
    retrievability: float | None  # FSRS: probability of recall now
    reviews: int
    lapses: int  # reviews rated Again
    history: tuple[HistoryLine, ...]  # newest first


def card_info(store: Store, card_id: str, now: datetime, scheduler=None,
              limit: int = 20) -> CardInfo:
    """What the store knows about one card, at ``now``; ``limit`` answers of history."""
    scheduler = scheduler or make_scheduler()
    state = store.review_state(card_id)
    rows = store.rows(
        """SELECT ended, mode, score, verdict, grader_verdict, rating, seconds FROM attempts
           WHERE card_id = ? ORDER BY ended DESC, id DESC LIMIT ?""", (card_id, limit))
    history = tuple(HistoryLine(datetime.fromisoformat(r["ended"]), r["mode"], r["score"],
                                r["verdict"], r["grader_verdict"], r["rating"], r["seconds"])
                    for r in rows)
    counts = store.rows("SELECT COUNT(*) AS n, TOTAL(rating = 1) AS lapses FROM review_log "
                        "WHERE card_id = ?", (card_id,))[0]
    if state is None:
        return CardInfo(card_id, False, None, None, None, None, None, 0, 0, history)
    fc = fsrs_card(card_id, state, now)
    interval = fc.due - fc.last_review if fc.last_review is not None else None
    return CardInfo(card_id, True, state.due, interval, fc.stability, fc.difficulty,
                    scheduler.get_card_retrievability(fc, now), int(counts["n"]),
                    int(counts["lapses"]), history)
