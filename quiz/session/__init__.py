"""Study logic without UI: the review queue, the mock-interview engine, stats.

Pure: no Textual, no torch, no SQL; everything persists through a ``quiz.store.Store``
passed in, and time comes from an injected clock.
"""

from quiz.session.clock import Clock, ManualClock, utc_now
from quiz.session.interview import (
    InterviewConfig,
    InterviewEngine,
    InterviewState,
    InterviewStateError,
    Question,
    report_from_store,
)
from quiz.session.report import InterviewReport, QuestionResult
from quiz.session.scheduling import (
    DEFAULT_EASY_SECONDS,
    RATING_NAMES,
    Outcome,
    fsrs_id,
    humanize,
    suggest_rating,
)
from quiz.session.stats import Stats, compute_stats, format_stats
from quiz.session.study import Answered, QueueCounts, Rated, StudyItem, StudySession

__all__ = [
    "DEFAULT_EASY_SECONDS", "RATING_NAMES", "Answered", "Clock", "InterviewConfig",
    "InterviewEngine", "InterviewReport", "InterviewState", "InterviewStateError",
    "ManualClock", "Outcome", "QuestionResult", "QueueCounts", "Question", "Rated", "Stats",
    "StudyItem", "StudySession", "compute_stats", "format_stats", "fsrs_id", "humanize",
    "report_from_store", "suggest_rating", "utc_now",
]
