"""Time as an injected dependency: engines take a clock so tests move time without sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

# A clock returns "now": an aware UTC datetime, or epoch seconds (both are accepted).
Clock = Callable[[], datetime | float]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | float) -> datetime:
    """A clock reading as an aware UTC datetime (fsrs insists on UTC)."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: clocks must return aware UTC datetimes")
    return value.astimezone(UTC)


def read(clock: Clock) -> datetime:
    return as_utc(clock())


class ManualClock:
    """A clock that moves only when told to: for tests and for replaying sessions."""

    def __init__(self, start: datetime | None = None):
        self.now = as_utc(start) if start is not None else datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        """Move forward by ``seconds`` (and/or timedelta keywords: minutes=, days=)."""
        self.now += timedelta(seconds=seconds, **delta)
        return self.now
