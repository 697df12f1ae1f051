"""While another program holds the database's lock, the app stays live and keeps the answer
(reliability report, S8/S9): the write moves to a worker, the learner is told, the answer is
saved once the lock is free, and quitting meanwhile hands it back instead of losing it."""

from __future__ import annotations

import io
import sqlite3
import time
from contextlib import contextmanager

from quiz.store.db import DB_NAME, Store


@contextmanager
def lock_held(db):
    """Another program's write lock on ``db`` (the way a backup or a second tool takes it)."""
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    try:
        yield c
    finally:
        if c.in_transaction:
            c.execute("COMMIT")
        c.close()


async def wait_until(pilot, cond, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        await pilot.pause(0.05)
    return cond()


def attempts(data):
    with Store.open(data) as s:
        return [a.answer for a in s.attempts()]


async def test_a_locked_submit_keeps_the_screen_live_and_saves_when_free(make_app, tmp_path):
    data = tmp_path / "data"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#study-answer").text = "It loads only TorchScript"
        with lock_held(data / DB_NAME) as holder:
            t0 = time.monotonic()
            await pilot.press("ctrl+s")
            # The key press returns at once: the write did not run its 30 s busy wait on
            # the UI thread.
            assert time.monotonic() - t0 < 5
            assert screen.saving and screen.phase == "ask"
            assert any("Another program holds the database" in n.message
                       for n in app._notifications)
            # The UI still takes keys and redraws: switch the language and back.
            before = app.lang
            await pilot.press("f2")
            await pilot.pause()
            assert app.lang != before
            await pilot.press("f2")
            await pilot.press("ctrl+s")  # a second submit is refused, not doubled
            await pilot.pause(0.3)
            assert screen.saving and screen.phase == "ask"
            holder.execute("COMMIT")  # the other program lets go
            assert await wait_until(pilot, lambda: not screen.saving)
        assert screen.phase == "graded"
        assert screen.answered.answer == "It loads only TorchScript"
        assert any("saved" in n.message for n in app._notifications)
        await pilot.press("1")  # rating works as usual afterwards
        await pilot.pause()
    assert attempts(data).count("It loads only TorchScript") == 1


async def test_quitting_while_locked_hands_the_answer_back(make_app, tmp_path):
    data = tmp_path / "data"
    app = make_app()
    with lock_held_later(data / DB_NAME) as hold:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("s")
            await pilot.pause()
            app.screen.query_one("#study-answer").text = "an answer typed during a backup"
            hold()
            await pilot.press("ctrl+s")
            assert app.screen.saving
            t0 = time.monotonic()
            await app.action_quit()
            await pilot.pause()
        # The worker gives up at its next poll of the lock (a fraction of a second), not
        # after the lock's 30 s busy timeout.
        end = time.monotonic() + 10
        while not app.writer.unsaved and time.monotonic() < end:
            time.sleep(0.05)
        assert time.monotonic() - t0 < 10
        assert any("an answer typed during a backup" in u for u in app.writer.unsaved)
    assert "an answer typed during a backup" not in attempts(data)
    # What `quiz` prints on stderr after the app is gone (commands.app.open_app).
    from quiz.commands.app import print_unsaved

    out = io.StringIO()
    assert print_unsaved(app.writer.unsaved, out)
    assert "NOT SAVED" in out.getvalue() and "an answer typed during a backup" in out.getvalue()


@contextmanager
def lock_held_later(db):
    """``hold()`` takes the lock (once the app has made the database); let go on exit."""
    held = []

    def hold() -> None:
        cm = lock_held(db)
        cm.__enter__()
        held.append(cm)

    try:
        yield hold
    finally:
        for cm in held:
            cm.__exit__(None, None, None)


async def test_a_locked_interview_answer_waits_with_the_clock_paused_and_is_kept(make_app,
                                                                                tmp_path,
                                                                                clock):
    data = tmp_path / "data"
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#iv-n").value = "2"
        app.screen.query_one("#iv-minutes").value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "InterviewScreen"
        engine = screen.engine
        screen.query_one("#iv-answer").text = "weights to int8"
        clock.advance(20)
        with lock_held(data / DB_NAME) as holder:
            await pilot.press("ctrl+s")
            assert screen.saving
            assert "Saving" in str(screen.query_one("#iv-countdown").render())
            clock.advance(50)  # past the deadline while waiting: the answer was in time
            screen.refresh_clock()  # the interval timer: paused, does not time it out
            assert engine.state.value == "asking" and screen.saving
            holder.execute("COMMIT")
            assert await wait_until(pilot, lambda: not screen.saving)
        assert engine.current.position == 1  # moved on to question 2
        (first,) = [a for a in app.store.interview_answers(engine.interview_id)
                    if a.position == 0]
        assert first.answer == "weights to int8" and not first.timed_out
        assert first.seconds == 20  # the wait for the lock is not answering time
