"""Database writes for the app, so the screen stays live while another program holds the lock.

A session step that writes (submit an answer, rate, overrule, undo, an interview question)
runs on the UI thread first, with a short lock wait: a write takes milliseconds, and running
it in place keeps the screen's order of events as simple as before. Only when another
program holds the database's write lock does the step move to a worker thread, which keeps
retrying (the learner is told that the answer is kept) while the UI goes on drawing and
taking keys. Quitting stops the wait; what was not saved is printed after the app exits.

Every step given here must be safe to run again after it raised: the session and the
interview engine change their state only once the database took the write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.message import Message

# How long a write on the UI thread waits for another program's lock before it moves to a
# worker; also how often the worker's wait checks whether the app is quitting.
UI_WAIT_S = 0.25
# How often the learner hears that the wait goes on.
RETELL_S = 15.0


class StoreCall(Message):
    """Run ``fn`` on the UI thread (the app's ``on_store_call``). post_message is thread-safe
    and does not wait, unlike call_from_thread, which would hang a worker whose app is
    already shutting down."""

    def __init__(self, fn: Callable[[], None]) -> None:
        super().__init__()
        self.fn = fn


class Writer:
    """Runs the app's writes; ``unsaved`` lists what quitting left unsaved, for the exit."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.unsaved: list[str] = []
        self._closing = threading.Event()
        self._told_at: float | None = None

    def attach(self, store: Any) -> None:
        store.on_locked = self.on_locked
        store.lock_poll_s = UI_WAIT_S

    def run(self, work: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[BaseException], None], *, unsaved: str = "") -> bool:
        """Run ``work``; ``done(result)`` or ``failed(error)`` on the UI thread.

        Returns True when the step went to a worker (locked): the caller should refuse
        other steps until ``done``/``failed`` is called. ``unsaved`` names what would be
        lost (the answer's text), printed if the app quits before the lock lets go."""
        from quiz.store.db import DatabaseLocked

        try:
            result = work()
        except DatabaseLocked:
            self._in_thread(work, done, failed, unsaved)
            return True
        except Exception as e:  # noqa: BLE001 - the caller shows it; never a traceback
            failed(e)
            return False
        done(result)
        return False

    def _in_thread(self, work, done, failed, unsaved: str) -> None:
        self._tell(0.0)  # at once: the first try already waited UI_WAIT_S
        self._told_at = 0.0

        def job() -> None:
            try:
                result = work()
            except BaseException as e:  # noqa: BLE001 - handed to the UI thread
                if self._closing.is_set():
                    if unsaved:
                        self.unsaved.append(unsaved)
                    return
                self._back(failed, e)
                return
            self._back(done, result, saved=True)

        self.app.run_worker(job, thread=True, group="store-writes", exit_on_error=False,
                            name="store write")

    def _back(self, fn: Callable[[Any], None], arg: Any, saved: bool = False) -> None:
        def on_ui() -> None:
            if saved:
                # The "locked" notice would go on saying the answer waits: replace it.
                self.app.clear_notifications()
                self.app.notify(self._t("db.saved_after_lock"), timeout=4)
            fn(arg)

        self._post(on_ui)

    def _post(self, fn: Callable[[], None]) -> bool:
        """False when the app no longer takes messages (it is stopping)."""
        return bool(self.app.post_message(StoreCall(fn)))

    def on_locked(self, waited_s: float) -> bool:
        """``Store.on_locked``: on the UI thread give up at once (the step moves to a
        worker); on a worker keep waiting, telling the learner now and then, until quit."""
        if self._closing.is_set():
            return False
        if threading.get_ident() == getattr(self.app, "_thread_id", None):
            return False
        if self._told_at is not None and waited_s - self._told_at >= RETELL_S:
            self._told_at = waited_s
            if not self._post(lambda: self._tell(waited_s)):
                return False  # the app is gone: stop waiting
        return True

    def _tell(self, waited_s: float) -> None:
        key = "db.locked_wait" if waited_s < RETELL_S else "db.still_locked"
        self.app.notify(self._t(key, s=int(waited_s)), title=self._t("db.locked_title"),
                        severity="warning", timeout=RETELL_S)

    def close(self) -> None:
        """The app is quitting: a waiting write gives up at its next poll (the answer goes to
        ``unsaved``)."""
        self._closing.set()

    def _t(self, key: str, **fmt: object) -> str:
        from quiz.tui.i18n import t

        return t(key, self.app.lang, **fmt)


class SavingSteps:
    """For a screen whose steps write (study, interview): ``_step`` runs one through the
    app's Writer and, while another program holds the lock, shows "Saving…" in the widget
    ``STATUS_ID``, locks the answer box ``ANSWER_ID`` (what is being saved is what was
    typed) and sets ``saving``, which the screen's actions read to refuse a second step.

    A screen names the two widgets and may override ``_writes_settled`` (what to redraw
    once a delayed step is done) and ``_step_failed`` (how to report its error)."""

    ANSWER_ID: str = ""
    STATUS_ID: str = ""
    saving: bool = False

    def _step(self, work: Callable[[], Any], done: Callable[[Any], None], unsaved: str = "",
              quiet: bool = False) -> None:
        # here, not at the top: the app imports this module at start-up, and TextArea is
        # not needed until a study or interview screen opens
        from textual.widgets import Static, TextArea

        pending = False

        def settle() -> None:
            self.saving = False
            if pending:
                self._writes_settled()
                self.refresh_bindings()

        def ok(result: Any) -> None:
            settle()
            done(result)

        def failed(e: BaseException) -> None:
            settle()
            self._step_failed(e, quiet)

        self.saving = True
        pending = self.app.writer.run(work, ok, failed, unsaved=unsaved)
        if pending and self.saving:
            self.query_one(f"#{self.ANSWER_ID}", TextArea).read_only = True
            self.query_one(f"#{self.STATUS_ID}", Static).update(self.t("db.saving"))
            self.refresh_bindings()

    def _writes_settled(self) -> None:
        """A step that waited for the lock is done (saved or failed): undo what waiting did."""
        from textual.widgets import TextArea

        self.query_one(f"#{self.ANSWER_ID}", TextArea).read_only = False

    def _step_failed(self, e: BaseException, quiet: bool) -> None:
        self.app.report_error(e)
