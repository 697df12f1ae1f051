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

# The final-verdict credit of an overruled attempt (quiz.session.verdicts.CREDIT), in SQL.
_CREDIT = """CASE WHEN {p}score IS NULL THEN NULL
    WHEN {p}grader_verdict IS NOT NULL AND {p}verdict IS NOT {p}grader_verdict
         AND {p}verdict IN ('correct', 'partial', 'wrong')
    THEN CASE {p}verdict WHEN 'correct' THEN 1.0 WHEN 'partial' THEN 0.5 ELSE 0.0 END
    ELSE {p}score END"""
_KNOWN = "('correct', 'partial', 'wrong', 'revealed', 'unanswered')"


def attempts_by_card(store, card_ids: list[str]) -> list[dict[str, Any]]:
    """Per card: attempts, graded ones, summed credit (final verdicts), correct, revealed
    (and recalled: rated above Again), unsure (not rated yet), overruled."""
    return store.rows(
        f"""SELECT card_id, COUNT(*) AS attempts, SUM(score IS NOT NULL) AS graded,
              TOTAL({_CREDIT.format(p='')}) AS credit,
              SUM(verdict = 'correct') AS correct,
              SUM(verdict = 'revealed') AS revealed,
              SUM(verdict = 'revealed' AND rating > 1) AS recalled,
              SUM(verdict IS NULL OR verdict NOT IN {_KNOWN}) AS unsure,
              SUM(grader_verdict IS NOT NULL AND verdict IS NOT grader_verdict) AS overruled
            FROM attempts WHERE card_id IN (SELECT value FROM json_each(?))
            GROUP BY card_id""", (dumps(card_ids),))


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
    """Per interval bucket (days since the card's previous review): reviews, and how many
    were not rated Again. A card's first review has no interval and is left out."""
    case = " ".join(f"WHEN gap < {hi} THEN '{label}'" for label, _, hi in BUCKETS if hi)
    rows = store.rows(
        f"""WITH r AS (
              SELECT rating, julianday(reviewed_at) - julianday(LAG(reviewed_at) OVER (
                PARTITION BY card_id ORDER BY reviewed_at, id)) AS gap
              FROM review_log WHERE card_id IN (SELECT value FROM json_each(?)))
            SELECT CASE {case} ELSE '{BUCKETS[-1][0]}' END AS bucket, COUNT(*) AS reviews,
              SUM(rating > 1) AS recalled
            FROM r WHERE gap IS NOT NULL GROUP BY bucket""", (dumps(card_ids),))
    return rows


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
