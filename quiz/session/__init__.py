"""Study logic without UI: the review queue, the mock-interview engine, stats.

Pure: no Textual, no torch, no SQL; everything persists through a ``quiz.store.Store``
passed in, and time comes from an injected clock.
"""

import importlib
from typing import TYPE_CHECKING, Any

# Public names -> the module that holds them. Loaded on first use (PEP 562), so that a
# light module of this package (clock, limits: what the home screen needs) can be imported
# at app start-up without loading fsrs and the engines.
_WHERE = {
    "Clock": "clock", "ManualClock": "clock", "utc_now": "clock",
    "InterviewConfig": "interview", "InterviewEngine": "interview",
    "InterviewState": "interview", "InterviewStateError": "interview",
    "Question": "interview", "report_from_store": "interview", "overrule": "interview",
    "InterviewReport": "report", "QuestionResult": "report",
    "DEFAULT_EASY_SECONDS": "scheduling", "RATING_NAMES": "scheduling",
    "Outcome": "scheduling", "fsrs_id": "scheduling", "humanize": "scheduling",
    "suggest_rating": "scheduling",
    "Stats": "stats", "compute_stats": "stats", "format_stats": "stats",
    "Answered": "study", "QueueCounts": "study", "Rated": "study", "StudyItem": "study",
    "StudySession": "study",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'quiz.session' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"quiz.session.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from quiz.session.clock import Clock, ManualClock, utc_now  # noqa: F401
    from quiz.session.interview import (  # noqa: F401
        InterviewConfig,
        InterviewEngine,
        InterviewState,
        InterviewStateError,
        Question,
        overrule,
        report_from_store,
    )
    from quiz.session.report import InterviewReport, QuestionResult  # noqa: F401
    from quiz.session.scheduling import (  # noqa: F401
        DEFAULT_EASY_SECONDS,
        RATING_NAMES,
        Outcome,
        fsrs_id,
        humanize,
        suggest_rating,
    )
    from quiz.session.stats import Stats, compute_stats, format_stats  # noqa: F401
    from quiz.session.study import (  # noqa: F401
        Answered,
        QueueCounts,
        Rated,
        StudyItem,
        StudySession,
    )
