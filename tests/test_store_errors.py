"""The store tells damaged from locked from disk trouble, and --reset-db never moves a sound
file (review S6, S10, S11, S14, S15); a write waiting on a lock keeps the answer (S8)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.store import DB_NAME, Store, StoreError, UnusableDatabase

try:
    from tests.test_session_support import deck_yaml
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import deck_yaml

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def make_db(folder: Path, n: int = 3, answer: str = "a") -> Path:
    with Store.open(folder) as s:
        for i in range(n):
            s.add_attempt(card_id=f"c{i % 5}", mode="study", answer=f"{answer} {i}",
                          started=T0, ended=T0)
    return folder / DB_NAME


def aside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".corrupt-" in p.name)


@contextmanager
def held(db: Path, exclusive_mode: bool = False):
    """Another program's lock: BEGIN EXCLUSIVE, optionally in locking_mode=EXCLUSIVE (which
    some SQLite tools and backup scripts use, and which keeps out even readers)."""
    c = sqlite3.connect(db, isolation_level=None)
    if exclusive_mode:
        c.execute("PRAGMA locking_mode=EXCLUSIVE")
    c.execute("BEGIN EXCLUSIVE")
    c.execute("SELECT count(*) FROM attempts").fetchone()
    try:
        yield c
    finally:
        if c.in_transaction:
            c.execute("COMMIT")
        c.close()


# -- locked (S15) ---------------------------------------------------------------------------

def test_a_lock_is_reported_as_a_lock_and_reset_db_moves_nothing(tmp_path):
    from quiz.store import DatabaseLocked

    db = make_db(tmp_path)
    with held(db, exclusive_mode=True):
        with pytest.raises(DatabaseLocked) as e:
            Store.open(tmp_path, timeout_s=0.2)
        msg = str(e.value)
        assert "another program holds a lock" in msg and "nothing was lost" in msg
        assert "not a quizlab database" not in msg and "pass --reset-db" not in msg
        with pytest.raises(StoreError):
            Store.open(tmp_path, reset=True, timeout_s=0.2)
        assert aside(tmp_path) == []
    with Store.open(tmp_path) as s:
        assert s.count_attempts() == 3


# -- full disk (S14) ------------------------------------------------------------------------

@pytest.fixture
def tiny_fs(tmp_path):
    if not IS_ROOT or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_a_full_disk_is_reported_as_such_and_reset_db_moves_nothing(tiny_fs):
    from quiz.store import DiskError

    make_db(tiny_fs)
    filler = fill(tiny_fs)
    # Opening an up-to-date database may need no space at all; the first write then fails,
    # and either way the message says it is the disk, not the database.
    with pytest.raises(DiskError) as e:
        with Store.open(tiny_fs) as s:
            s.add_attempt(card_id="c9", mode="study", answer="b" * 20_000, started=T0, ended=T0)
    assert "free some space" in str(e.value) and "--reset-db would not help" in str(e.value)
    # --reset-db on a full disk: the file passes quick_check, so it stays where it is
    try:
        Store.open(tiny_fs, reset=True).close()
    except StoreError as e:
        assert "not damaged" in str(e) or "disk" in str(e)
    assert aside(tiny_fs) == [] and (tiny_fs / DB_NAME).exists()
    filler.unlink()
    with Store.open(tiny_fs) as s:
        assert s.count_attempts() == 3


# -- damaged below the schema (S6) ----------------------------------------------------------

def corrupt_pages(db: Path, first: int = 200, count: int = 10) -> None:
    with open(db, "r+b") as fh:
        fh.seek(4096 * first)
        fh.write(os.urandom(4096 * count))


@pytest.fixture
def damaged(tmp_path):
    db = make_db(tmp_path / "home", n=3000, answer="x" * 1000)
    corrupt_pages(db)
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(["c0", "c1"]), encoding="utf-8")
    return tmp_path / "home", deck


def test_damage_found_at_read_time_is_reported_with_the_reset_remedy(damaged):
    home, _ = damaged
    with Store.open(home) as s, pytest.raises(UnusableDatabase) as e:
        s.attempts()
    assert "damaged" in str(e.value) and "pass --reset-db" in str(e.value)


def test_cli_reports_damage_and_reset_db_moves_it_aside(damaged, capsys):
    home, deck = damaged
    argv = ["stats", "--data-dir", str(home), "--deck", str(deck)]
    # `quiz stats` aggregates in SQL and may never read the damaged pages (then it reports
    # what it read, exit 0); where it does read them, it names the damage and the remedy
    code = main(argv)
    err = capsys.readouterr().err
    if code:
        assert err.startswith(f"quiz: {home / DB_NAME}: damaged") and "--reset-db" in err
    assert main([*argv, "--reset-db"]) == 0
    assert "moved the unusable database aside" in capsys.readouterr().err
    assert len(aside(home)) == 1
    with Store.open(home) as s:
        assert s.count_attempts() == 0 and s.integrity_check() == "ok"


def test_headless_interview_does_not_write_into_a_damaged_file(damaged, capsys, monkeypatch):
    import io

    home, deck = damaged
    before = (home / DB_NAME).read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO("an answer\n\n"))
    code = main(["interview", "--headless", "--questions", "1", "--data-dir", str(home),
                 "--deck", str(deck)])
    err = capsys.readouterr().err
    assert code == 1 and "damaged (quick_check:" in err and "--reset-db" in err
    assert (home / DB_NAME).read_bytes() == before


def test_reset_db_never_moves_a_file_that_passes_quick_check(tmp_path):
    db = tmp_path / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(UnusableDatabase, match="not quizlab's") as e:
        Store.open(tmp_path)
    assert "--reset-db" not in str(e.value)  # it would not move this file: not advised
    with pytest.raises(StoreError, match="passes SQLite's quick_check"):
        Store.open(tmp_path, reset=True)
    assert db.read_bytes() == before and aside(tmp_path) == []


# -- read-only (S10, S11) -------------------------------------------------------------------

@pytest.fixture
def read_only_db(tmp_path):
    """A quiz.db that cannot be written, in a writable folder: chmod 0444, or for root (whom
    chmod does not stop) a read-only bind mount of the file itself."""
    home = tmp_path / "home"
    db = make_db(home)
    if not IS_ROOT:
        db.chmod(0o444)
        yield home
        db.chmod(0o644)
        return
    if subprocess.run(["mount", "--bind", str(db), str(db)], capture_output=True).returncode:
        pytest.skip("as root, a read-only file needs a bind mount, which failed here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(db)], check=True)
        yield home
    finally:
        subprocess.run(["umount", "-l", str(db)], check=False)


def test_a_read_only_database_gives_a_clear_error_naming_the_file(read_only_db):
    from quiz.store import ReadOnlyDatabase

    db = read_only_db / DB_NAME
    with Store.open(read_only_db) as s:
        assert s.count_attempts() == 3  # reading works
        with pytest.raises(ReadOnlyDatabase) as e:
            s.start_interview({}, T0)
    assert str(db) in str(e.value) and "cannot write the database" in str(e.value)
    assert f"chmod u+w {db}" in str(e.value)


def test_headless_interview_on_a_read_only_database(read_only_db, tmp_path):
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(["c0", "c1"]), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "quiz.cli", "interview", "--headless",
                        "--questions", "1", "--deck", str(deck)], input="a\n\n",
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "QUIZ_HOME": str(read_only_db)})
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "cannot write the database" in r.stderr and "chmod u+w" in r.stderr


# -- files another user can change ----------------------------------------------------------

def test_a_database_every_user_may_write_is_refused(tmp_path):
    db = make_db(tmp_path)
    db.chmod(0o666)
    with pytest.raises(StoreError, match="writable by every user") as e:
        Store.open(tmp_path)
    assert str(db) in str(e.value) and "--data-dir" in str(e.value)


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another user (chown) needs root")
def test_a_database_owned_by_another_user_is_refused(tmp_path):
    db = make_db(tmp_path)
    os.chown(db, 65534, 65534)
    with pytest.raises(StoreError, match=r"owned by another user \(uid 65534"):
        Store.open(tmp_path)


# -- a write that waits for a lock keeps its answer (S8, store side) ------------------------

def test_a_locked_write_waits_tells_and_succeeds(tmp_path, monkeypatch):
    from quiz.store import db as dbmod

    monkeypatch.setattr(dbmod, "LOCK_NOTICE_S", 0.1)
    db = make_db(tmp_path)
    store = Store.open(tmp_path, timeout_s=0.3)
    calls: list[float] = []
    with held(db) as holder:
        def on_locked(waited: float) -> bool:
            calls.append(waited)
            if len(calls) == 2:
                holder.execute("COMMIT")  # the other program lets go
            return True

        store.on_locked = on_locked
        store.add_attempt(card_id="c", mode="study", answer="kept", started=T0, ended=T0)
    assert len(calls) == 2 and calls[0] >= 0.1
    assert [a.answer for a in store.attempts()][-1] == "kept"
    store.close()


def test_a_locked_write_gives_up_when_told(tmp_path, monkeypatch):
    from quiz.store import DatabaseLocked
    from quiz.store import db as dbmod

    monkeypatch.setattr(dbmod, "LOCK_NOTICE_S", 0.1)
    db = make_db(tmp_path)
    store = Store.open(tmp_path, timeout_s=0.2)
    store.on_locked = lambda waited: False
    with held(db), pytest.raises(DatabaseLocked):
        store.add_attempt(card_id="c", mode="study", answer="x", started=T0, ended=T0)
    assert store.count_attempts() == 3
    store.close()


def test_a_write_waiting_for_a_lock_does_not_block_reads_in_this_process(tmp_path):
    """S9 (store side): while one thread's write waits for another program's lock, another
    thread of the same process (the app's UI) can still read."""
    import threading

    db = make_db(tmp_path)
    store = Store.open(tmp_path, timeout_s=0.3)
    store.lock_poll_s = 0.05
    store.on_locked = lambda waited: True  # keep waiting, as the app's worker does
    with held(db) as holder:
        writer = threading.Thread(target=lambda: store.add_attempt(
            card_id="c", mode="study", answer="waits", started=T0, ended=T0))
        writer.start()
        read: list[int] = []
        reader = threading.Thread(target=lambda: read.append(store.count_attempts()))
        reader.start()
        reader.join(timeout=20)
        assert read == [3] and writer.is_alive()  # read done, the write still waiting
        holder.execute("COMMIT")
    writer.join(timeout=20)
    assert not writer.is_alive() and store.count_attempts() == 4
    store.close()
