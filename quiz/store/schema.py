"""The database schema as forward migrations: step N takes a database from version N-1 to N.

Never edit a step that has shipped; append a new one. ``SCHEMA_VERSION`` is the number of
steps, and the ``schema_version`` table holds how many have been applied to a file.
"""

from __future__ import annotations

# Each step is a list of SQL statements run in one transaction.
MIGRATIONS: list[list[str]] = [
    # v1: attempts, review state and log, interviews.
    [
        """CREATE TABLE schema_version (version INTEGER NOT NULL)""",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            deck TEXT NOT NULL DEFAULT '',
            mode TEXT NOT NULL CHECK (mode IN ('study', 'interview', 'practice')),
            answer TEXT NOT NULL DEFAULT '',
            grade_json TEXT,
            score REAL,
            verdict TEXT,
            suggested_rating INTEGER,
            rating INTEGER,
            started TEXT NOT NULL,
            ended TEXT NOT NULL,
            seconds REAL NOT NULL
        )""",
        """CREATE TABLE review_state (
            card_id TEXT PRIMARY KEY,
            fsrs_id INTEGER NOT NULL,
            deck TEXT NOT NULL DEFAULT '',
            fsrs_json TEXT NOT NULL,
            due TEXT NOT NULL,
            reps INTEGER NOT NULL DEFAULT 0,
            updated TEXT NOT NULL
        )""",
        """CREATE TABLE review_log (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            rating INTEGER NOT NULL,
            reviewed_at TEXT NOT NULL,
            duration_ms INTEGER,
            attempt_id INTEGER REFERENCES attempts(id),
            log_json TEXT NOT NULL
        )""",
        """CREATE TABLE interviews (
            id INTEGER PRIMARY KEY,
            config_json TEXT NOT NULL,
            started TEXT NOT NULL,
            ended TEXT,
            finished INTEGER NOT NULL DEFAULT 0,
            totals_json TEXT
        )""",
        """CREATE TABLE interview_answers (
            id INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id),
            position INTEGER NOT NULL,
            card_id TEXT NOT NULL,
            answer TEXT NOT NULL DEFAULT '',
            answered INTEGER NOT NULL,
            timed_out INTEGER NOT NULL DEFAULT 0,
            score REAL NOT NULL,
            verdict TEXT NOT NULL,
            grade_json TEXT,
            seconds REAL NOT NULL,
            started TEXT NOT NULL,
            ended TEXT NOT NULL,
            attempt_id INTEGER REFERENCES attempts(id),
            UNIQUE (interview_id, position)
        )""",
        """INSERT INTO schema_version (version) VALUES (0)""",
    ],
    # v2: lab runs, written by the labs runner.
    [
        """CREATE TABLE lab_runs (
            id INTEGER PRIMARY KEY,
            lab_id TEXT NOT NULL,
            started TEXT NOT NULL,
            duration_s REAL NOT NULL,
            quick INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'unavailable')),
            result_json TEXT NOT NULL
        )""",
    ],
    # v3: indexes for the queries the study queue and stats run on every screen.
    [
        "CREATE INDEX attempts_card ON attempts (card_id, ended)",
        "CREATE INDEX review_state_due ON review_state (due)",
        "CREATE INDEX review_log_time ON review_log (reviewed_at)",
        "CREATE INDEX review_log_card ON review_log (card_id, reviewed_at)",
        "CREATE INDEX lab_runs_lab ON lab_runs (lab_id, started)",
    ],
    # v4: the final verdict and the grader's apart. ``verdict`` becomes the final one (the
    # learner may overrule the grader, rate an "unsure" answer, or reveal the answer);
    # ``grader_verdict`` keeps what the grader said. Old blank study answers were "show
    # answer": they become "revealed" with no score, so they stop counting as 0 %.
    # Unanswered interview questions get their own verdict instead of "wrong".
    [
        "ALTER TABLE attempts ADD COLUMN grader_verdict TEXT",
        "UPDATE attempts SET grader_verdict = verdict WHERE grade_json IS NOT NULL",
        """UPDATE attempts SET verdict = 'revealed', score = NULL
           WHERE grade_json IS NULL AND mode IN ('study', 'practice')""",
        "ALTER TABLE interview_answers ADD COLUMN grader_verdict TEXT",
        "UPDATE interview_answers SET grader_verdict = verdict WHERE answered = 1",
        "UPDATE interview_answers SET verdict = 'unanswered' WHERE answered = 0",
        # Stats aggregate attempts per card and reviews per card in SQL: covering indexes
        # so neither reads the table rows (nor their grade JSON).
        """CREATE INDEX attempts_card_verdict ON attempts
           (card_id, verdict, grader_verdict, score, rating)""",
        # Days since the card's previous review, kept with each review: measured retention
        # by interval is then a GROUP BY, not a window over the whole log.
        "ALTER TABLE review_log ADD COLUMN elapsed_days REAL",
        """UPDATE review_log SET elapsed_days = (
             SELECT julianday(review_log.reviewed_at) - julianday(MAX(p.reviewed_at))
             FROM review_log p WHERE p.card_id = review_log.card_id
               AND (p.reviewed_at < review_log.reviewed_at
                    OR (p.reviewed_at = review_log.reviewed_at AND p.id < review_log.id)))""",
        "CREATE INDEX review_log_retention ON review_log (card_id, elapsed_days, rating)",
        "CREATE INDEX interview_answers_iv ON interview_answers (interview_id, answered, score)",
    ],
    # v5: the SQL table is the one source of lab runs. Runs older quizlabs wrote as JSON
    # files under <data dir>/lab-runs/ are imported once: each file read is listed here
    # (with the run it became, or why it was skipped), so a second import adds nothing.
    [
        """CREATE TABLE lab_run_files (
            path TEXT PRIMARY KEY,
            run_id INTEGER REFERENCES lab_runs(id),
            note TEXT
        )""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
