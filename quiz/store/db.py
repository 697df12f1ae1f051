"""The SQLite store: one ``quiz.db`` per data folder, WAL mode, every write committed at once.

Only the standard library's sqlite3. Each write runs in its own ``BEGIN IMMEDIATE``
transaction, so an answer is on disk when the call returns and a crash loses nothing already
given; WAL plus a busy timeout lets two quiz processes share one file safely.

Every SQLite error leaves this module as a StoreError that says which of three things went
wrong, because each needs a different remedy: the file is damaged or not a database
(UnusableDatabase: ``--reset-db`` moves it aside), it is locked by another program
(DatabaseLocked: wait, the file is sound), or the disk failed or is full (DiskError: free
space; nothing to reset). ``--reset-db`` never moves a file that passes ``PRAGMA
quick_check``, so a lock or a full disk can no longer cost a learner their progress.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import EllipsisType
from typing import Any

from quiz.errors import QuizError
from quiz.store.records import (
    Attempt,
    InterviewAnswer,
    InterviewRecord,
    LabRun,
    ReviewLogEntry,
    ReviewState,
    dumps,
    loads,
    parse_ts,
    ts,
)
from quiz.store.schema import MIGRATIONS, SCHEMA_VERSION
from quiz.vocab import Mode, values

DB_NAME = "quiz.db"
MODES = values(Mode)
LAB_STATUSES = ("ok", "failed", "unavailable")
RESET_HINT = "pass --reset-db to move it aside (it is renamed, never deleted) and start afresh"
ELSEWHERE = "move it away yourself, or choose another data folder with --data-dir or QUIZ_HOME"
# While a write waits for another program's lock, the learner hears of it after this long.
LOCK_NOTICE_S = 2.0


class StoreError(QuizError):
    """The database cannot be used: corrupt, foreign, too new, or not writable."""

    title = "error.db"


class UnusableDatabase(StoreError):
    """The file exists but is not a quizlab database we can read. ``--reset-db`` moves it
    aside when it is damaged (fails ``quick_check``); a sound foreign or newer file stays."""


class DatabaseLocked(StoreError):
    """Another program holds the database's lock past the busy timeout; the file is sound."""

    title = "error.db_locked"


class DiskError(StoreError):
    """An I/O error or a full disk: nothing is wrong with the file that a reset would fix."""

    title = "error.disk"


class ReadOnlyDatabase(StoreError):
    """The database (or its folder, or its -wal/-shm files) cannot be written."""

    title = "error.db_readonly"


# SQLite's primary result codes (extended codes carry them in the low byte).
_CORRUPT, _NOTADB = 11, 26
_BUSY, _LOCKED = 5, 6
_IOERR, _FULL = 10, 13
_PERM, _READONLY, _CANTOPEN, _AUTH = 3, 8, 14, 23


class Store:
    """Progress on disk. Open with :meth:`open` (or :func:`open_store`); close when done.

    Safe to share between threads (a lock serialises calls), so a TUI worker can record a
    lab run while the main thread records answers.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()
        # Set by open() when --reset-db moved a bad file aside, so the CLI can say where.
        self.moved_aside: Path | None = None
        # on_locked(waited_s) is called while a write waits for another program's lock,
        # first after LOCK_NOTICE_S and then about every busy timeout; it returns True to
        # keep waiting (the learner was told) or False to give up with DatabaseLocked.
        # None: wait the busy timeout once, then give up (the old behaviour).
        self.on_locked: Callable[[float], bool] | None = None
        # With on_locked set: ask it every lock_poll_s seconds of waiting instead (the app
        # polls briefly so a quit is not held up by a long busy wait).
        self.lock_poll_s: float | None = None
        self._timeout_s = 30.0

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, directory: str | os.PathLike, *, reset: bool = False,
             timeout_s: float = 30.0) -> Store:
        """Open (creating if needed) ``directory/quiz.db`` and bring its schema up to date.

        With ``reset=True`` a damaged file (one that fails ``PRAGMA quick_check``, found at
        open or by a quick_check run then) is renamed ``quiz.db.corrupt-<timestamp>`` and a
        fresh database is created. A file that passes quick_check is never moved: healthy,
        locked, on a full disk, foreign or newer, it is left as it is (and reported).
        """
        directory = Path(directory)
        path = directory / DB_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{directory}: cannot create the data folder ({e.strerror or e}); "
                             "choose another with --data-dir or QUIZ_HOME") from e
        if not os.access(directory, os.W_OK):
            raise StoreError(f"{directory}: the data folder is read-only; choose a writable one "
                             "with --data-dir or QUIZ_HOME")
        _check_owner(path)
        try:
            store = cls._connect(path, timeout_s)
        except UnusableDatabase as e:
            if not reset:
                raise
            why: StoreError = e
        else:
            if not reset:
                return store
            # --reset-db on a file that opens: it may still be damaged below the schema.
            try:
                problem = store.quick_check()
            except BaseException:
                store.close()
                raise
            if problem is None:
                return store
            store.close()
            why = UnusableDatabase(f"{path}: the database is damaged (quick_check: {problem})")
        verdict = quick_check_file(path, timeout_s)  # raises on a lock or a disk error
        if verdict is None:
            raise StoreError(f"{path}: --reset-db left it as it is: it passes SQLite's "
                             f"quick_check, so it is not damaged. The problem was: {why}")
        moved = move_aside(path)
        store = cls._connect(path, timeout_s)
        store.moved_aside = moved
        return store

    @classmethod
    def _connect(cls, path: Path, timeout_s: float) -> Store:
        _check_header(path)
        try:
            conn = sqlite3.connect(path, timeout=timeout_s, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot open the database ({e})") from e
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            _check_tables(path, conn, tables)
            _enable_wal(conn, timeout_s)
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path)
            store._timeout_s = timeout_s
            store._migrate()
            return store
        except sqlite3.Error as e:
            conn.close()
            raise classify(path, e) from e
        except BaseException:
            conn.close()
            raise

    def _migrate(self) -> None:
        with self._write() as c:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            current = _version(c) if "schema_version" in tables else 0
            if current > SCHEMA_VERSION:
                raise UnusableDatabase(f"{self.path}: made by a newer quizlab (schema "
                                       f"{current}, this one knows {SCHEMA_VERSION}); upgrade "
                                       f"quizlab, or {ELSEWHERE}")
            for step in MIGRATIONS[current:]:
                for sql in step:
                    c.execute(sql)
            if current < SCHEMA_VERSION:
                c.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))

    @property
    def schema_version(self) -> int:
        with self._lock:
            return _version(self._conn)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: "ok" for a sound file."""
        with self._lock:
            return "\n".join(r[0] for r in self._conn.execute("PRAGMA integrity_check"))

    def quick_check(self) -> str | None:
        """``PRAGMA quick_check``: None for a sound file, else what it found (a damaged
        file may also raise UnusableDatabase; a lock or disk error raises its StoreError)."""
        return _quick_check(self._conn, self.path, self._lock)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._begin()  # returns holding self._lock, inside BEGIN IMMEDIATE
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as e:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # no transaction left to roll back (SQLite ended it on the error)
            if isinstance(e, sqlite3.Error):
                raise classify(self.path, e) from e
            raise
        finally:
            self._lock.release()

    def _begin(self) -> None:
        """Take self._lock and BEGIN IMMEDIATE; return holding both (or raise holding neither).

        While another program holds the database's write lock, keep asking on_locked. Between
        two tries self._lock is let go, so other threads of this process (the app's UI thread
        reading for a screen) are not stuck behind a write that waits for someone else: in
        WAL mode their reads need no write lock."""
        if self.on_locked is None:
            self._lock.acquire()
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                self._lock.release()
                raise classify(self.path, e) from e
            return
        t0 = time.monotonic()
        # The first wait is short, so the learner hears of it soon; with lock_poll_s the
        # caller is asked at that pace (it decides when to speak) and can give up promptly.
        wait = self.lock_poll_s or LOCK_NOTICE_S
        while True:
            self._lock.acquire()
            began = False
            try:
                self._conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    began = True
                    return
                except sqlite3.Error as e:
                    err = classify(self.path, e)
                    failure = e
            finally:
                try:
                    self._conn.execute(f"PRAGMA busy_timeout = {int(self._timeout_s * 1000)}")
                finally:
                    if not began:
                        self._lock.release()
            if not isinstance(err, DatabaseLocked) or not self.on_locked(time.monotonic() - t0):
                raise err from failure
            wait = self.lock_poll_s or self._timeout_s

    def _rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        with self._lock:
            try:
                cur = self._conn.execute(sql, params)
                names = [d[0] for d in cur.description]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            except sqlite3.Error as e:
                # A page damaged below the schema shows only when it is read (S6): the
                # same "damaged" error as at open, with the same remedy.
                raise classify(self.path, e) from e

    # -- attempts -------------------------------------------------------------------------
    def add_attempt(self, *, card_id: str, mode: str, answer: str, started: datetime,
                    ended: datetime, grade: dict[str, Any] | None = None,
                    score: float | None = None, verdict: str | None = None,
                    suggested_rating: int | None = None, rating: int | None = None,
                    deck: str = "", seconds: float | None = None,
                    grader_verdict: str | None | EllipsisType = ...) -> int:
        """Record one answer (committed before returning); return its id.

        ``grader_verdict`` defaults to ``verdict`` when a grade is given, else None.
        """
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {MODES}")
        if grader_verdict is ...:
            grader_verdict = verdict if grade is not None else None
        with self._write() as c:
            return _insert_attempt(c, card_id=card_id, deck=deck, mode=mode, answer=answer,
                                   grade=grade, score=score, verdict=verdict,
                                   suggested_rating=suggested_rating, rating=rating,
                                   started=started, ended=ended, seconds=seconds,
                                   grader_verdict=grader_verdict)

    def set_rating(self, attempt_id: int, rating: int | None,
                   verdict: str | None = None) -> None:
        """Store the user's rating of an attempt (None clears it), and its final verdict."""
        with self._write() as c:
            c.execute("UPDATE attempts SET rating = ? WHERE id = ?",
                      (None if rating is None else int(rating), attempt_id))
            if verdict is not None:
                c.execute("UPDATE attempts SET verdict = ? WHERE id = ?", (verdict, attempt_id))

    def set_verdict(self, attempt_id: int, verdict: str) -> None:
        """The learner's final verdict of an attempt (the grader's stays in grader_verdict);
        an interview answer made from this attempt follows, so its report agrees."""
        with self._write() as c:
            c.execute("UPDATE attempts SET verdict = ? WHERE id = ?", (verdict, attempt_id))
            c.execute("UPDATE interview_answers SET verdict = ? WHERE attempt_id = ?",
                      (verdict, attempt_id))

    def attempt(self, attempt_id: int) -> Attempt | None:
        rows = self._rows("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        return _attempt(rows[0]) if rows else None

    def attempts(self, *, card_id: str | None = None, mode: str | None = None,
                 since: datetime | None = None) -> list[Attempt]:
        """Attempts, oldest first, optionally for one card, one mode, or since a time."""
        where, params = [], []
        if card_id is not None:
            where.append("card_id = ?")
            params.append(card_id)
        if mode is not None:
            where.append("mode = ?")
            params.append(mode)
        if since is not None:
            where.append("ended >= ?")
            params.append(ts(since))
        sql = "SELECT * FROM attempts" + (" WHERE " + " AND ".join(where) if where else "")
        return [_attempt(r) for r in self._rows(sql + " ORDER BY ended, id", tuple(params))]

    def count_attempts(self) -> int:
        return self._rows("SELECT COUNT(*) AS n FROM attempts")[0]["n"]

    # -- review state ---------------------------------------------------------------------
    def review_state(self, card_id: str) -> ReviewState | None:
        rows = self._rows("SELECT * FROM review_state WHERE card_id = ?", (card_id,))
        return _review_state(rows[0]) if rows else None

    def review_states(self) -> dict[str, ReviewState]:
        """Every card that has been reviewed at least once, by card id."""
        return {r["card_id"]: _review_state(r)
                for r in self._rows("SELECT * FROM review_state ORDER BY due, card_id")}

    def record_review(self, *, card_id: str, fsrs_id: int, fsrs_json: str, due: datetime,
                      rating: int, reviewed_at: datetime, log_json: str,
                      duration_ms: int | None = None, attempt_id: int | None = None,
                      deck: str = "", verdict: str | None = None) -> int:
        """Apply one review in one transaction: new card state, a log entry, the rating (and
        the attempt's final verdict when given); return the log entry's id."""
        with self._write() as c:
            c.execute(
                """INSERT INTO review_state (card_id, fsrs_id, deck, fsrs_json, due, reps, updated)
                   VALUES (?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT (card_id) DO UPDATE SET fsrs_id = excluded.fsrs_id,
                     deck = excluded.deck, fsrs_json = excluded.fsrs_json, due = excluded.due,
                     reps = reps + 1, updated = excluded.updated""",
                (card_id, fsrs_id, deck, fsrs_json, ts(due), ts(reviewed_at)))
            cur = c.execute(
                """INSERT INTO review_log (card_id, rating, reviewed_at, duration_ms, attempt_id,
                   log_json, elapsed_days) VALUES (?, ?, ?, ?, ?, ?,
                   (SELECT julianday(?) - julianday(MAX(reviewed_at)) FROM review_log
                    WHERE card_id = ?))""",
                (card_id, int(rating), ts(reviewed_at), duration_ms, attempt_id, log_json,
                 ts(reviewed_at), card_id))
            log_id = int(cur.lastrowid)
            if attempt_id is not None:
                c.execute("UPDATE attempts SET rating = ? WHERE id = ?", (int(rating), attempt_id))
                if verdict is not None:
                    c.execute("UPDATE attempts SET verdict = ? WHERE id = ?",
                              (verdict, attempt_id))
            return log_id

    def undo_review(self, log_id: int, previous: ReviewState | None, *,
                    attempt_id: int | None = None, verdict: str | None = None) -> None:
        """Take back one review: drop its log entry, put the card's state back as it was
        (``previous``; None: the card was new), clear the attempt's rating and restore its
        verdict. One transaction, so a crash leaves the review either done or undone."""
        with self._write() as c:
            row = c.execute("SELECT card_id FROM review_log WHERE id = ?", (log_id,)).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no review {log_id} to undo")
            c.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            if previous is None:
                c.execute("DELETE FROM review_state WHERE card_id = ?", (row[0],))
            else:
                c.execute(
                    """UPDATE review_state SET fsrs_id = ?, deck = ?, fsrs_json = ?, due = ?,
                       reps = ?, updated = ? WHERE card_id = ?""",
                    (previous.fsrs_id, previous.deck, previous.fsrs_json, ts(previous.due),
                     previous.reps, ts(previous.updated), previous.card_id))
            if attempt_id is not None:
                c.execute("UPDATE attempts SET rating = NULL WHERE id = ?", (attempt_id,))
                if verdict is not None:
                    c.execute("UPDATE attempts SET verdict = ? WHERE id = ?",
                              (verdict, attempt_id))

    def review_log(self, *, since: datetime | None = None,
                   until: datetime | None = None) -> list[ReviewLogEntry]:
        """Review log entries in [since, until), oldest first."""
        where, params = [], []
        if since is not None:
            where.append("reviewed_at >= ?")
            params.append(ts(since))
        if until is not None:
            where.append("reviewed_at < ?")
            params.append(ts(until))
        sql = "SELECT * FROM review_log" + (" WHERE " + " AND ".join(where) if where else "")
        return [_log_entry(r) for r in self._rows(sql + " ORDER BY reviewed_at, id",
                                                  tuple(params))]

    def first_reviews_between(self, since: datetime, until: datetime) -> int:
        """How many cards had their first ever review in [since, until) (new cards seen)."""
        rows = self._rows(
            """SELECT COUNT(*) AS n FROM (SELECT card_id, MIN(reviewed_at) AS first
               FROM review_log GROUP BY card_id) WHERE first >= ? AND first < ?""",
            (ts(since), ts(until)))
        return rows[0]["n"]

    def reviews_between(self, since: datetime, until: datetime,
                        card_ids: list[str] | None = None) -> tuple[int, int]:
        """(reviews, new cards) in [since, until) among ``card_ids`` (None: all cards): a
        card whose first ever review falls in the window counts once as new, its other
        reviews not at all (a failed new card coming back is not a second new card)."""
        where, params = "", [ts(since), ts(since), ts(until)]
        if card_ids is not None:
            where = " AND l.card_id IN (SELECT value FROM json_each(?))"
            params.append(dumps(card_ids))
        rows = self._rows(
            f"""SELECT card_id, COUNT(*) AS n, NOT EXISTS (SELECT 1 FROM review_log p
                  WHERE p.card_id = l.card_id AND p.reviewed_at < ?) AS is_new
                FROM review_log l WHERE l.reviewed_at >= ? AND l.reviewed_at < ?{where}
                GROUP BY card_id""", tuple(params))
        new = sum(1 for r in rows if r["is_new"])
        reviews = sum(r["n"] for r in rows if not r["is_new"])
        return reviews, new

    def rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        """A read-only query's rows as dicts (for the stats queries in quiz.store.queries)."""
        return self._rows(sql, params)

    def card_ids_with_history(self) -> set[str]:
        """Every card id that has an attempt, a review or an interview answer."""
        rows = self._rows("""SELECT card_id FROM attempts UNION SELECT card_id FROM review_state
                             UNION SELECT card_id FROM interview_answers""")
        return {r["card_id"] for r in rows}

    # -- interviews -----------------------------------------------------------------------
    def start_interview(self, config: dict[str, Any], started: datetime) -> int:
        """Create an unfinished interview; return its id."""
        with self._write() as c:
            cur = c.execute("INSERT INTO interviews (config_json, started) VALUES (?, ?)",
                            (dumps(config), ts(started)))
            return int(cur.lastrowid)

    def add_interview_answer(self, interview_id: int, *, position: int, card_id: str,
                             answer: str, answered: bool, timed_out: bool, score: float,
                             verdict: str, grade: dict[str, Any] | None, started: datetime,
                             ended: datetime, seconds: float, deck: str = "") -> int:
        """Record one question's outcome (and an attempt when something was answered)."""
        grader_verdict = verdict if answered else None
        with self._write() as c:
            attempt_id = None
            if answered:
                attempt_id = _insert_attempt(c, card_id=card_id, deck=deck, mode="interview",
                                             answer=answer, grade=grade, score=score,
                                             verdict=verdict, suggested_rating=None, rating=None,
                                             started=started, ended=ended, seconds=seconds,
                                             grader_verdict=grader_verdict)
            cur = c.execute(
                """INSERT INTO interview_answers (interview_id, position, card_id, answer,
                   answered, timed_out, score, verdict, grade_json, seconds, started, ended,
                   attempt_id, grader_verdict)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (interview_id, position, card_id, answer, int(answered), int(timed_out),
                 float(score), verdict, dumps(grade) if grade is not None else None,
                 float(seconds), ts(started), ts(ended), attempt_id, grader_verdict))
            return int(cur.lastrowid)

    def set_interview_verdict(self, answer_id: int, verdict: str) -> None:
        """Overrule the grade of one interview answer (and of the attempt made from it)."""
        with self._write() as c:
            row = c.execute("SELECT attempt_id FROM interview_answers WHERE id = ?",
                            (answer_id,)).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no interview answer {answer_id}")
            c.execute("UPDATE interview_answers SET verdict = ? WHERE id = ?",
                      (verdict, answer_id))
            if row[0] is not None:
                c.execute("UPDATE attempts SET verdict = ? WHERE id = ?", (verdict, row[0]))

    def update_interview_totals(self, interview_id: int, totals: dict[str, Any]) -> None:
        """Rewrite a finished interview's totals (after a grade in its report was overruled)."""
        with self._write() as c:
            c.execute("UPDATE interviews SET totals_json = ? WHERE id = ?",
                      (dumps(totals), interview_id))

    def finish_interview(self, interview_id: int, ended: datetime,
                         totals: dict[str, Any]) -> None:
        with self._write() as c:
            c.execute("UPDATE interviews SET ended = ?, finished = 1, totals_json = ? "
                      "WHERE id = ?", (ts(ended), dumps(totals), interview_id))

    def interviews(self) -> list[InterviewRecord]:
        """All interviews, oldest first (unfinished ones included)."""
        return [_interview(r) for r in self._rows("SELECT * FROM interviews ORDER BY started, id")]

    def interview(self, interview_id: int) -> InterviewRecord | None:
        rows = self._rows("SELECT * FROM interviews WHERE id = ?", (interview_id,))
        return _interview(rows[0]) if rows else None

    def interview_answers(self, interview_id: int) -> list[InterviewAnswer]:
        rows = self._rows("SELECT * FROM interview_answers WHERE interview_id = ? "
                          "ORDER BY position", (interview_id,))
        return [_interview_answer(r) for r in rows]

    # -- lab runs -------------------------------------------------------------------------
    def record_lab_run(self, lab_id: str, *, started: datetime | float, duration_s: float,
                       quick: bool, status: str, result: dict[str, Any]) -> int:
        """Keep one lab run (``started`` an aware datetime or epoch seconds); return its id."""
        if status not in LAB_STATUSES:
            raise ValueError(f"status {status!r} is not one of {LAB_STATUSES}")
        with self._write() as c:
            cur = c.execute(
                """INSERT INTO lab_runs (lab_id, started, duration_s, quick, status, result_json)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (lab_id, ts(started), float(duration_s), int(bool(quick)), status, dumps(result)))
            return int(cur.lastrowid)

    def lab_files_seen(self) -> set[str]:
        """The lab-run JSON files already imported (or skipped) by ``import_lab_file``."""
        return {r["path"] for r in self._rows("SELECT path FROM lab_run_files")}

    def import_lab_file(self, path: str, run: dict[str, Any] | None, *,
                        note: str | None = None) -> int | None:
        """Import one lab-run file once: record ``run`` (None: a file that was skipped, and
        ``note`` says why) unless this path was imported before. Returns the new run's id,
        or None when nothing was recorded."""
        with self._write() as c:
            cur = c.execute("INSERT OR IGNORE INTO lab_run_files (path, note) VALUES (?, ?)",
                            (path, note))
            if cur.rowcount == 0 or run is None:
                return None
            status = run.get("status") if run.get("status") in LAB_STATUSES else "failed"
            cur = c.execute(
                """INSERT INTO lab_runs (lab_id, started, duration_s, quick, status, result_json)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (run["lab"], ts(_started(run.get("started"))),
                 float(run.get("duration_s") or 0.0), int(bool(run.get("quick"))), status,
                 dumps(run)))
            run_id = int(cur.lastrowid)
            c.execute("UPDATE lab_run_files SET run_id = ? WHERE path = ?", (run_id, path))
            return run_id

    def last_lab_run(self, lab_id: str) -> LabRun | None:
        """The most recent run of a lab, or None if it never ran."""
        rows = self._rows("SELECT * FROM lab_runs WHERE lab_id = ? ORDER BY started DESC, id DESC "
                          "LIMIT 1", (lab_id,))
        return _lab_run(rows[0]) if rows else None

    def lab_runs(self, lab_id: str | None = None) -> list[LabRun]:
        """Lab runs, newest first, of one lab or all."""
        if lab_id is None:
            rows = self._rows("SELECT * FROM lab_runs ORDER BY started DESC, id DESC")
        else:
            rows = self._rows("SELECT * FROM lab_runs WHERE lab_id = ? "
                              "ORDER BY started DESC, id DESC", (lab_id,))
        return [_lab_run(r) for r in rows]


def open_store(data_dir_override: str | os.PathLike | None = None, *,
               reset: bool = False) -> Store:
    """Open the store in ``quiz.paths.data_dir(data_dir_override)`` (pass ``args.data_dir``)."""
    from quiz.paths import data_dir

    return Store.open(data_dir(data_dir_override), reset=reset)


def move_aside(path: Path) -> Path:
    """Rename a bad database (and its -wal/-shm) to ``<name>.corrupt-<timestamp>``; never delete."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    # The WAL and shared-memory files belong to the old file: a fresh database must not
    # replay them, so they move with it.
    for suffix in ("", "-wal", "-shm"):
        src = path.with_name(path.name + suffix)
        if src.exists():
            src.rename(target.with_name(target.name + suffix))
    return target


def _check_owner(path: Path) -> None:
    # A database someone else can write could hold forged progress, or be swapped while
    # we use it: refused, as the deck cache and lab runs are (quiz.ownership).
    from quiz.ownership import foreign_reason, refusal

    for suffix in ("", "-wal", "-shm"):
        f = path.with_name(path.name + suffix)
        reason = foreign_reason(f)
        if reason:
            raise StoreError(refusal(f, reason))


def _check_header(path: Path) -> None:
    # Checked before connecting: SQLite would otherwise create -shm/-wal files next to a
    # foreign file and delete them again on close, touching files that are not ours.
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return
    except OSError as e:
        raise StoreError(f"{path}: cannot read the database ({e.strerror or e})") from e
    if head and head != b"SQLite format 3\x00":
        raise UnusableDatabase(f"{path}: not a quizlab database (not an SQLite file); nothing "
                               f"was changed; {RESET_HINT}")


def _check_tables(path: Path, conn: sqlite3.Connection, tables: set[str]) -> None:
    if not tables:
        return  # a new or empty file: migrations create everything
    if "schema_version" not in tables:
        listed = ", ".join(sorted(tables)[:5])
        raise UnusableDatabase(f"{path}: an SQLite database, but not quizlab's (it has tables "
                               f"{listed} and no schema_version); nothing was changed; "
                               f"{ELSEWHERE}")
    try:
        version = _version(conn)
    except sqlite3.Error as e:
        err = classify(path, e)
        if isinstance(err, UnusableDatabase):
            raise UnusableDatabase(f"{path}: its schema_version table is unreadable ({e}); "
                                   f"{RESET_HINT}") from e
        raise err from e
    except (TypeError, ValueError) as e:
        raise UnusableDatabase(f"{path}: its schema_version table holds no version ({e}); "
                               f"nothing was changed; {ELSEWHERE}") from e
    if version > SCHEMA_VERSION:
        raise UnusableDatabase(f"{path}: made by a newer quizlab (schema {version}, this one "
                               f"knows {SCHEMA_VERSION}); nothing was changed; upgrade "
                               f"quizlab, or {ELSEWHERE}")


def _enable_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    # Switching a new file to WAL needs an exclusive lock, and SQLite answers "locked" at
    # once (without its busy handler) when two processes race to do it: retry briefly.
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() == "wal":
                return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                raise
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked (could not switch to WAL)")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def classify(path: Path, e: sqlite3.Error) -> StoreError:
    """The StoreError for an SQLite error: damaged, locked, disk, read-only, or other; each
    message says what to do. Goes by SQLite's result code (Python 3.11+), else the text."""
    code = getattr(e, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    msg = str(e)
    low = msg.lower()

    def has(*words: str) -> bool:
        return primary is None and any(w in low for w in words)

    if primary in (_CORRUPT, _NOTADB) or has("malformed", "not a database"):
        what = "not an SQLite database" if primary == _NOTADB or "not a database" in low \
            else "damaged"
        return UnusableDatabase(f"{path}: {what} ({msg}); nothing was changed; {RESET_HINT}")
    if primary in (_BUSY, _LOCKED) or has("locked", "busy"):
        return DatabaseLocked(f"{path}: another program holds a lock on the database ({msg}): "
                              "another quiz, an SQLite tool or a backup. The file is sound "
                              "and nothing was lost; close that program and try again "
                              "(--reset-db would not help)")
    if primary in (_IOERR, _FULL) or has("disk", "i/o"):
        free = _free_space(path)
        full = primary == _FULL or "full" in low or free == 0
        what = "the disk is full" if full else "the disk could not be read or written"
        space = f"; {free:,} bytes free there" if free is not None else ""
        return DiskError(f"{path}: {what} ({msg}{space}); the database file itself is not "
                         "damaged and nothing already saved was lost: free some space (or "
                         "check the disk), then try again (--reset-db would not help)")
    if primary in (_READONLY, _PERM, _CANTOPEN, _AUTH) or has("readonly", "read-only",
                                                               "unable to open"):
        if path.exists() and not os.access(path, os.W_OK):
            fix = f"make it writable (chmod u+w {path})"
        elif not os.access(path.parent, os.W_OK):
            fix = "the data folder is read-only: choose another with --data-dir or QUIZ_HOME"
        else:
            fix = (f"check who owns {path} and its -wal and -shm files, and that they are "
                   "writable, or choose another data folder with --data-dir or QUIZ_HOME")
        return ReadOnlyDatabase(f"{path}: cannot write the database ({msg}); {fix}")
    return StoreError(f"{path}: database error: {msg}")


def _free_space(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return None


def _quick_check(conn: sqlite3.Connection, path: Path, lock=None) -> str | None:
    try:
        if lock is not None:
            with lock:
                rows = conn.execute("PRAGMA quick_check").fetchall()
        else:
            rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as e:
        err = classify(path, e)
        if isinstance(err, UnusableDatabase):
            return str(e)
        raise err from e
    text = "; ".join(str(r[0]) for r in rows[:5])
    return None if text == "ok" else text


def quick_check_file(path: Path, timeout_s: float = 30.0) -> str | None:
    """``PRAGMA quick_check`` of the file at ``path``, read only: None when it passes (or
    there is no file), else what is wrong. A lock or a disk error raises its StoreError:
    a file that cannot be checked is never taken for a damaged one."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        raise StoreError(f"{path}: cannot read the database ({e.strerror or e})") from e
    if not head:
        return None  # an empty file is a new database
    if head != b"SQLite format 3\x00":
        return "not an SQLite file"
    # Read only, so the check itself never writes into the file; a read-only connection
    # to a WAL file leaves the -wal/-shm it created, which are removed again if new.
    extras = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    new = [f for f in extras if not f.exists()]
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=timeout_s, isolation_level=None)
    except sqlite3.Error as e:
        raise classify(path, e) from e
    try:
        return _quick_check(conn, path)
    finally:
        conn.close()
        for f in new:
            try:
                if f.name.endswith("-shm") or f.stat().st_size == 0:
                    f.unlink()
            except OSError:
                pass


def _insert_attempt(c: sqlite3.Connection, *, card_id, deck, mode, answer, grade, score,
                    verdict, suggested_rating, rating, started, ended, seconds,
                    grader_verdict=None) -> int:
    started_text, ended_text = ts(started), ts(ended)  # refuses naive datetimes first
    if seconds is None:
        seconds = max(0.0, (ended - started).total_seconds())
    cur = c.execute(
        """INSERT INTO attempts (card_id, deck, mode, answer, grade_json, score, verdict,
           suggested_rating, rating, started, ended, seconds, grader_verdict)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (card_id, deck, mode, answer, dumps(grade) if grade is not None else None,
         score, verdict, suggested_rating, rating, started_text, ended_text, float(seconds),
         grader_verdict))
    return int(cur.lastrowid)


def _attempt(r: dict) -> Attempt:
    return Attempt(id=r["id"], card_id=r["card_id"], deck=r["deck"], mode=r["mode"],
                   answer=r["answer"], grade=loads(r["grade_json"]), score=r["score"],
                   verdict=r["verdict"], suggested_rating=r["suggested_rating"],
                   rating=r["rating"], started=parse_ts(r["started"]),
                   ended=parse_ts(r["ended"]), seconds=r["seconds"],
                   grader_verdict=r.get("grader_verdict"))


def _review_state(r: dict) -> ReviewState:
    return ReviewState(card_id=r["card_id"], fsrs_id=r["fsrs_id"], deck=r["deck"],
                       fsrs_json=r["fsrs_json"], due=parse_ts(r["due"]), reps=r["reps"],
                       updated=parse_ts(r["updated"]))


def _log_entry(r: dict) -> ReviewLogEntry:
    return ReviewLogEntry(id=r["id"], card_id=r["card_id"], rating=r["rating"],
                          reviewed_at=parse_ts(r["reviewed_at"]), duration_ms=r["duration_ms"],
                          attempt_id=r["attempt_id"])


def _interview(r: dict) -> InterviewRecord:
    return InterviewRecord(id=r["id"], config=loads(r["config_json"]) or {},
                           started=parse_ts(r["started"]), ended=parse_ts(r["ended"]),
                           finished=bool(r["finished"]), totals=loads(r["totals_json"]))


def _interview_answer(r: dict) -> InterviewAnswer:
    return InterviewAnswer(id=r["id"], interview_id=r["interview_id"], position=r["position"],
                           card_id=r["card_id"], answer=r["answer"], answered=bool(r["answered"]),
                           timed_out=bool(r["timed_out"]), score=r["score"], verdict=r["verdict"],
                           grade=loads(r["grade_json"]), seconds=r["seconds"],
                           started=parse_ts(r["started"]), ended=parse_ts(r["ended"]),
                           attempt_id=r["attempt_id"], grader_verdict=r.get("grader_verdict"))


def _started(value: Any) -> datetime:
    """A saved run's start (ISO text, naive read as UTC, or epoch seconds)."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _lab_run(r: dict) -> LabRun:
    return LabRun(id=r["id"], lab_id=r["lab_id"], started=parse_ts(r["started"]),
                  duration_s=r["duration_s"], quick=bool(r["quick"]), status=r["status"],
                  result=loads(r["result_json"]) or {})
