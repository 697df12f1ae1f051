"""The aggregate queries behind `quiz stats` and the stats screen, done in SQL.

A year of heavy use is ~70,000 attempts: reading them (and their grade JSON) into Python
made stats take seconds. These queries group in SQLite over covering indexes (schema v4)
and return a row per card, day, bucket or interview, never a row per attempt. A deck's
cards are passed as one JSON array (``json_each``), however many there are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from quiz.store.records import dumps, ts

# The final-verdict credit of an overruled answer (quiz.session.verdicts.CREDIT), in SQL.
_CREDIT = """CASE WHEN {p}score IS NULL THEN NULL
    WHEN {p}grader_verdict IS NOT NULL AND {p}verdict IS NOT {p}grader_verdict
         AND {p}verdict IN ('correct', 'partial', 'wrong')
    THEN CASE {p}verdict WHEN 'correct' THEN 1.0 WHEN 'partial' THEN 0.5 ELSE 0.0 END
    ELSE {p}score END"""


def attempts_by_card(store, card_ids: list[str]) -> list[dict[str, Any]]:
    """Per card and (final verdict, grader's verdict): attempts, graded ones, the sum of the
    grader's scores, and how many were rated above Again. Grouped on the covering index
    (card_id, verdict, grader_verdict, ...), so SQLite needs no sort; callers turn the few
    groups into credit (quiz.session.stats)."""
    return store.rows(
        """SELECT card_id, verdict, grader_verdict, COUNT(*) AS n, COUNT(score) AS graded,
              TOTAL(score) AS total, TOTAL(rating > 1) AS recalled
            FROM attempts WHERE card_id IN (SELECT value FROM json_each(?))
            GROUP BY card_id, verdict, grader_verdict""", (dumps(card_ids),))


def reviews_per_day(store, card_ids: list[str], since: datetime,
                    shift_minutes: int) -> dict[str, int]:
    """Reviews per study day since ``since``; a day is the UTC time shifted by
    ``shift_minutes`` (the zone's offset minus the day's start hour)."""
    rows = store.rows(
        """SELECT date(reviewed_at, ?) AS day, COUNT(*) AS n FROM review_log
           WHERE reviewed_at >= ? AND card_id IN (SELECT value FROM json_each(?))
           GROUP BY day""", (f"{shift_minutes:+d} minutes", ts(since), dumps(card_ids)))
    return {r["day"]: r["n"] for r in rows}


# Interval buckets of measured retention: (label, from days, to days).
BUCKETS = (("<1d", 0.0, 1.0), ("1-7d", 1.0, 7.0), ("7-30d", 7.0, 30.0), (">30d", 30.0, None))


def retention_by_interval(store, card_ids: list[str]) -> list[dict[str, Any]]:
    """Per interval bucket (days since the card's previous review, stored with each review
    as ``elapsed_days``): reviews, and how many were not rated Again. A card's first review
    has no interval and is left out. One range search of the covering index per bucket
    (a CASE over every row cost three times as much)."""
    ids = dumps(card_ids)
    out = []
    for label, lo, hi in BUCKETS:
        row = store.rows(
            """SELECT COUNT(*) AS reviews, TOTAL(rating > 1) AS recalled FROM review_log
               WHERE card_id IN (SELECT value FROM json_each(?))
                 AND elapsed_days >= ? AND elapsed_days < ?""",
            (ids, lo, 1e12 if hi is None else hi))[0]
        out.append({"bucket": label, **row})
    return out


def interview_summaries(store) -> list[dict[str, Any]]:
    """Every interview, newest first: planned questions, answered, mean credit."""
    return store.rows(
        f"""SELECT i.id, i.started, i.finished,
              COALESCE(json_extract(i.totals_json, '$.questions'),
                       json_extract(i.config_json, '$.questions'), 0) AS questions,
              COUNT(a.id) AS recorded, TOTAL(a.answered) AS answered,
              AVG(CASE WHEN a.answered = 0 THEN 0.0 ELSE {_CREDIT.format(p='a.')} END) AS mean
            FROM interviews i LEFT JOIN interview_answers a ON a.interview_id = i.id
            GROUP BY i.id ORDER BY i.started DESC, i.id DESC""")


def card_ids_with_history(store) -> set[str]:
    rows = store.rows("""SELECT DISTINCT card_id FROM attempts UNION SELECT card_id FROM
                         review_state UNION SELECT DISTINCT card_id FROM interview_answers""")
    return {r["card_id"] for r in rows}
