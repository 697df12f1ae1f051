"""The SQLite store: round trips, migrations, bad files, --reset-db, concurrency."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.cli import main

try:
    from tests.test_session_support import deck_yaml
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import deck_yaml

from quiz.store import (
    DB_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    Store,
    StoreError,
    UnusableDatabase,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_open_creates_folder_and_wal_database(tmp_path):
    folder = tmp_path / "deep" / "data"
    with Store.open(folder) as s:
        assert s.path == folder / DB_NAME
        assert s.path.exists()
        assert s.schema_version == SCHEMA_VERSION
        mode = s._conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_attempt_round_trip_and_rating(store):
    grade = {"score": 0.5, "verdict": "partial", "key_points": [{"id": "a", "found": True}]}
    aid = store.add_attempt(card_id="c1", deck="d.yaml", mode="study", answer="答案 text",
                            grade=grade, score=0.5, verdict="partial", suggested_rating=2,
                            started=T0, ended=T0 + timedelta(seconds=42))
    store.set_rating(aid, 3)
    (a,) = store.attempts()
    assert (a.card_id, a.mode, a.answer, a.grade, a.score, a.verdict) == (
        "c1", "study", "答案 text", grade, 0.5, "partial")
    assert (a.suggested_rating, a.rating, a.seconds) == (2, 3, 42.0)
    assert a.started == T0 and a.ended.tzinfo is not None
    assert store.attempts(mode="practice") == []
    assert store.attempts(card_id="c1") == [a]


def test_rejects_naive_datetimes_and_unknown_modes(store):
    with pytest.raises(ValueError, match="naive"):
        store.add_attempt(card_id="c", mode="study", answer="", started=datetime(2026, 1, 1),
                          ended=T0)
    with pytest.raises(ValueError, match="mode"):
        store.add_attempt(card_id="c", mode="exam", answer="", started=T0, ended=T0)
    assert store.count_attempts() == 0


def test_record_review_updates_state_log_and_attempt(store):
    aid = store.add_attempt(card_id="c1", mode="study", answer="x", started=T0, ended=T0,
                            suggested_rating=3)
    for i, rating in enumerate((3, 1)):
        store.record_review(card_id="c1", fsrs_id=7, fsrs_json=f'{{"x": {i}}}',
                            due=T0 + timedelta(days=i + 1), rating=rating,
                            reviewed_at=T0 + timedelta(minutes=i), log_json="{}",
                            attempt_id=aid if i == 0 else None)
    st = store.review_state("c1")
    assert st.reps == 2 and st.fsrs_json == '{"x": 1}' and st.due == T0 + timedelta(days=2)
    assert [e.rating for e in store.review_log()] == [3, 1]
    assert store.attempts()[0].rating == 3
    assert store.first_reviews_between(T0, T0 + timedelta(days=1)) == 1
    assert store.first_reviews_between(T0 + timedelta(seconds=1), T0 + timedelta(days=1)) == 0


def test_lab_runs(store):
    assert store.last_lab_run("formats") is None
    store.record_lab_run("formats", started=T0, duration_s=3.5, quick=True, status="ok",
                         result={"findings": [{"id": "f", "held": True}]})
    store.record_lab_run("formats", started=(T0 + timedelta(hours=1)).timestamp(),
                         duration_s=1.0, quick=False, status="failed", result={"error": "x"})
    store.record_lab_run("threads", started=T0, duration_s=1.0, quick=True,
                         status="unavailable", result={})
    last = store.last_lab_run("formats")
    assert (last.status, last.quick, last.result) == ("failed", False, {"error": "x"})
    assert last.started == T0 + timedelta(hours=1)
    assert [r.status for r in store.lab_runs("formats")] == ["failed", "ok"]
    assert len(store.lab_runs()) == 3
    with pytest.raises(ValueError, match="status"):
        store.record_lab_run("x", started=T0, duration_s=1, quick=True, status="meh", result={})


def test_interview_rows(store):
    iid = store.start_interview({"questions": 2}, T0)
    store.add_interview_answer(iid, position=0, card_id="a", answer="yes", answered=True,
                               timed_out=False, score=1.0, verdict="correct",
                               grade={"score": 1.0}, started=T0, ended=T0, seconds=5)
    store.add_interview_answer(iid, position=1, card_id="b", answer="", answered=False,
                               timed_out=True, score=0.0, verdict="wrong", grade=None,
                               started=T0, ended=T0, seconds=180)
    rec = store.interview(iid)
    assert not rec.finished and rec.ended is None
    answers = store.interview_answers(iid)
    assert [(a.card_id, a.answered, a.timed_out) for a in answers] == [
        ("a", True, False), ("b", False, True)]
    # Only the answered question becomes an attempt (mode interview).
    assert [(a.card_id, a.mode) for a in store.attempts()] == [("a", "interview")]
    store.finish_interview(iid, T0 + timedelta(minutes=5), {"mean_score": 0.5})
    rec = store.interview(iid)
    assert rec.finished and rec.totals == {"mean_score": 0.5}


def test_data_survives_reopen_and_is_visible_before_close(tmp_path):
    s = Store.open(tmp_path)
    s.add_attempt(card_id="c", mode="study", answer="a", started=T0, ended=T0)
    # A second connection sees the attempt while the first is still open: it was committed.
    other = sqlite3.connect(tmp_path / DB_NAME)
    assert other.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    other.close()
    s.close()
    with Store.open(tmp_path) as again:
        assert again.count_attempts() == 1


def _make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.execute("UPDATE schema_version SET version = 1")
    conn.execute("""INSERT INTO attempts (card_id, deck, mode, answer, started, ended, seconds)
                    VALUES ('old-card', '', 'study', 'kept', '2025-01-01T00:00:00.000000+00:00',
                    '2025-01-01T00:00:10.000000+00:00', 10)""")
    conn.commit()
    conn.close()


def test_migrates_v1_to_current_keeping_data(tmp_path):
    _make_v1(tmp_path / DB_NAME)
    with Store.open(tmp_path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert [a.answer for a in s.attempts()] == ["kept"]
        # Tables and indexes added by later steps exist and work.
        s.record_lab_run("formats", started=T0, duration_s=1, quick=True, status="ok",
                         result={})
        assert s.last_lab_run("formats") is not None
        names = {r[0] for r in s._conn.execute("SELECT name FROM sqlite_master")}
    assert {"lab_runs", "attempts_card", "review_state_due"} <= names


def test_migrated_schema_equals_fresh_schema(tmp_path):
    (tmp_path / "old").mkdir()
    _make_v1(tmp_path / "old" / DB_NAME)
    Store.open(tmp_path / "old").close()
    Store.open(tmp_path / "new").close()

    def schema(p):
        conn = sqlite3.connect(p / DB_NAME)
        rows = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))
        conn.close()
        return rows

    assert schema(tmp_path / "old") == schema(tmp_path / "new")


def test_not_sqlite_is_refused_untouched(tmp_path):
    db = tmp_path / DB_NAME
    db.write_bytes(b"this is not a database at all\n" * 100)
    with pytest.raises(UnusableDatabase) as e:
        Store.open(tmp_path)
    assert str(db) in str(e.value) and "--reset-db" in str(e.value)
    assert db.read_bytes() == b"this is not a database at all\n" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]


def test_foreign_sqlite_is_refused_untouched(tmp_path):
    db = tmp_path / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('x')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(UnusableDatabase, match="not quizlab's"):
        Store.open(tmp_path)
    assert db.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    with Store.open(tmp_path) as s:
        s._conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 5,))
    with pytest.raises(UnusableDatabase, match="newer quizlab"):
        Store.open(tmp_path)


def test_reset_moves_bad_file_aside_and_starts_fresh(tmp_path):
    db = tmp_path / DB_NAME
    db.write_bytes(b"garbage")
    (tmp_path / (DB_NAME + "-wal")).write_bytes(b"old wal")
    with Store.open(tmp_path, reset=True) as s:
        assert s.moved_aside is not None and s.moved_aside.name.startswith("quiz.db.corrupt-")
        assert s.moved_aside.read_bytes() == b"garbage"
        assert Path(str(s.moved_aside) + "-wal").read_bytes() == b"old wal"
        assert s.count_attempts() == 0 and s.integrity_check() == "ok"


def test_reset_leaves_a_healthy_database_alone(tmp_path):
    with Store.open(tmp_path) as s:
        s.add_attempt(card_id="c", mode="study", answer="a", started=T0, ended=T0)
    with Store.open(tmp_path, reset=True) as s:
        assert s.moved_aside is None and s.count_attempts() == 1


def test_data_dir_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        Store.open(blocker / "data")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores directory permissions")
def test_read_only_data_dir(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Store.open(ro)
    finally:
        ro.chmod(0o755)


def test_cli_names_the_bad_file_and_reset_db_recovers(tmp_path, capsys):
    db = tmp_path / DB_NAME
    db.write_text("not sqlite")
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(["a"]), encoding="utf-8")
    assert main(["stats", "--data-dir", str(tmp_path), "--deck", str(deck)]) == 1
    err = capsys.readouterr().err
    assert str(db) in err and "--reset-db" in err
    assert db.read_text() == "not sqlite"
    assert main(["stats", "--data-dir", str(tmp_path), "--deck", str(deck), "--reset-db"]) == 0
    err = capsys.readouterr().err
    assert "moved the unusable database aside" in err
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("quiz.db.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == "not sqlite"


WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime, UTC
    from quiz.store import Store
    folder, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Store.open(folder) as s:
        for i in range(n):
            now = datetime.now(UTC)
            s.add_attempt(card_id=f"{tag}-{i % 7}", mode="study", answer=f"{tag} {i}",
                          started=now, ended=now)
            if i % 10 == 0:
                s.record_lab_run(tag, started=now, duration_s=0.1, quick=True, status="ok",
                                 result={"i": i})
""")


def test_two_processes_write_concurrently_without_corruption(tmp_path):
    n = 150
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), tag, str(n)],
                              env=env, stderr=subprocess.PIPE)
             for tag in ("p1", "p2")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    with Store.open(tmp_path) as s:
        assert s.count_attempts() == 2 * n
        assert s.integrity_check() == "ok"
        answers = {a.answer for a in s.attempts()}
        assert answers == {f"{t} {i}" for t in ("p1", "p2") for i in range(n)}
        assert len(s.lab_runs("p1")) == len(s.lab_runs("p2")) == n // 10


def test_read_only_data_dir_message(tmp_path, monkeypatch):
    # Runs even as root (where chmod does not stop writes): the check itself is what we test.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK
                        else real_access(p, mode))
    with pytest.raises(StoreError, match="read-only") as e:
        Store.open(tmp_path)
    assert str(tmp_path) in str(e.value)
    assert not (tmp_path / DB_NAME).exists()
