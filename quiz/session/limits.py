"""Today's study limits and the one definition of "due today".

Kept apart from the study session (and free of fsrs) so the home screen can show the
same "due today" and "new" figures the session will serve, without loading the scheduler
at start-up.

The study day starts at a local hour (Anki's default: 4 am), not at midnight UTC, which is
8 am in China. A card is *due today* when its due time falls before the end of the current
study day; overdue cards are due today too. Home, study and stats all count with
:meth:`StudyDay.due_today`. Limits are per deck: what was studied in another deck does not
use up this deck's new cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

NEW_PER_DAY = 20
REVIEWS_PER_DAY = 200
DAY_START_HOUR = 4


@dataclass(frozen=True)
class StudyDay:
    """When study days begin: ``start_hour`` local time in ``tz`` (None: this machine's)."""

    start_hour: int = DAY_START_HOUR
    tz: tzinfo | None = None

    def _local(self, when: datetime) -> datetime:
        return when.astimezone(self.tz) if self.tz is not None else when.astimezone()

    def date_of(self, when: datetime) -> date:
        """The study day a moment belongs to (before the start hour: the day before)."""
        return (self._local(when) - timedelta(hours=self.start_hour)).date()

    def start_of(self, day: date, like: datetime) -> datetime:
        """When study day ``day`` begins, as an aware datetime in ``like``'s time zone."""
        naive = datetime.combine(day, time(self.start_hour))
        # No zone given: naive.astimezone() places the wall time in the machine's zone.
        local = naive.astimezone() if self.tz is None else naive.replace(tzinfo=self.tz)
        return local.astimezone(like.tzinfo)

    def bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """[start, end) of the study day around ``now``, in ``now``'s time zone."""
        day = self.date_of(now)
        return self.start_of(day, now), self.start_of(day + timedelta(days=1), now)

    def due_today(self, dues: Iterable[datetime], now: datetime) -> int:
        """How many of these due times are due today (overdue included)."""
        end = self.bounds(now)[1]
        return sum(1 for d in dues if d < end)


def day_bounds(now: datetime, day: StudyDay | None = None) -> tuple[datetime, datetime]:
    """The study day around ``now`` (see :class:`StudyDay`)."""
    return (day or StudyDay()).bounds(now)


def done_today(store, now: datetime, card_ids: Iterable[str] | None = None,
               day: StudyDay | None = None) -> tuple[int, int]:
    """(reviews, new cards) rated so far today among ``card_ids`` (None: every card); a new
    card's first rating counts as new."""
    start, end = day_bounds(now, day)
    return store.reviews_between(start, end, None if card_ids is None else list(card_ids))


def left_today(reviews_today: int, new_today: int, *, reviews_per_day: int = REVIEWS_PER_DAY,
               new_per_day: int = NEW_PER_DAY) -> tuple[int, int]:
    """How many more reviews and new cards today allows."""
    return max(0, reviews_per_day - reviews_today), max(0, new_per_day - new_today)
