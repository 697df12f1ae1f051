"""Today's study limits: how many due and new cards the day still allows.

Kept apart from the study session (and free of fsrs) so the home screen can show the
same "due today" and "new" figures the session will serve, without loading the scheduler
at start-up.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

NEW_PER_DAY = 20
REVIEWS_PER_DAY = 200


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The study day around ``now``: midnight to midnight UTC (the same in every process)."""
    start = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    return start, start + timedelta(days=1)


def done_today(store, now: datetime) -> tuple[int, int]:
    """(reviews, new cards) rated so far today; a new card's first rating counts as new."""
    start, end = day_bounds(now)
    new_today = store.first_reviews_between(start, end)
    reviews_today = len(store.review_log(since=start, until=end)) - new_today
    return reviews_today, new_today


def left_today(reviews_today: int, new_today: int, *, reviews_per_day: int = REVIEWS_PER_DAY,
               new_per_day: int = NEW_PER_DAY) -> tuple[int, int]:
    """How many more reviews and new cards today allows."""
    return max(0, reviews_per_day - reviews_today), max(0, new_per_day - new_today)
