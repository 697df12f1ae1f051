"""Progress on disk: attempts, FSRS review state, interviews and lab runs in one SQLite file."""

from quiz.store.db import (
    DB_NAME,
    DatabaseLocked,
    DiskError,
    ReadOnlyDatabase,
    Store,
    StoreError,
    UnusableDatabase,
    move_aside,
    open_store,
)
from quiz.store.records import (
    Attempt,
    InterviewAnswer,
    InterviewRecord,
    LabRun,
    ReviewLogEntry,
    ReviewState,
)
from quiz.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "DB_NAME", "MIGRATIONS", "SCHEMA_VERSION", "Attempt", "DatabaseLocked", "DiskError",
    "InterviewAnswer", "InterviewRecord", "LabRun", "ReadOnlyDatabase", "ReviewLogEntry",
    "ReviewState", "Store", "StoreError", "UnusableDatabase", "move_aside", "open_store",
]
