"""The quizlab Textual app: owns the deck, the store, the language and the lab worker.

Screens are imported when first pushed so that opening the app pays only for the home
screen. Slow work (labs) runs in a thread worker that only posts messages; the handlers
here keep the state and publish each message on the ``lab_events`` Signal, which the
screens that show lab results subscribe to.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.signal import Signal

from quiz.deck.errors import DeckError
from quiz.errors import QuizError
from quiz.tui.bindings import localize_bindings
from quiz.tui.commands import QuizCommands
from quiz.tui.i18n import t
from quiz.tui.messages import LabEvent, LabFailed, LabFinished, LabLog, LabProgress

if TYPE_CHECKING:
    from quiz.deck.model import Deck
    from quiz.services import Services
    from quiz.store.db import Store

MODES = ("study", "custom", "interview", "labs", "browse", "stats", "settings")
THEMES = ("textual-dark", "textual-light")


class LabState:
    """What the App knows about the lab that is running (or ran last) in this session."""

    def __init__(self) -> None:
        self.running: str | None = None
        self.quick = True
        self.fraction = 0.0
        self.message = ""
        self.log: list[str] = []
        self.results: dict[str, dict[str, Any]] = {}  # lab id -> run JSON from this session
        # The running lab's handle (labs.runner.RunHandle): cancel() ends its process.
        self.handle: Any = None


class QuizApp(App):
    """quizlab in the terminal. ``clock`` (a callable returning now) drives timers in tests."""

    TITLE = "quizlab"
    CSS_PATH = "quiz.tcss"
    COMMANDS = App.COMMANDS | {QuizCommands}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="help"),
        Binding("f2", "toggle_lang", "English", id="lang"),
        Binding("f3", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    lang: reactive[str] = reactive("zh", init=False)

    def __init__(self, services: Services | None = None, *, lang: str | None = None,
                 mode: str | None = None, study_tags: tuple[str, ...] = (),
                 interview_defaults: dict[str, Any] | None = None,
                 deck_path: str | os.PathLike | None = None,
                 data_dir: str | os.PathLike | None = None, clock=None, grader=None,
                 settings_path: str | os.PathLike | None = None,
                 reset_db: bool = False) -> None:
        """``services``: built by quiz.commands (Services.from_args). Without it, one is
        built from the keywords (deck_path ... reset_db), as the tests do."""
        super().__init__()
        if services is None:
            from quiz.services import Services

            services = Services(deck_path=deck_path, data_dir=data_dir, clock=clock,
                                grader=grader, settings_path=settings_path, reset_db=reset_db)
        self.services = services
        self.start_mode = mode
        self.interview_defaults = dict(interview_defaults or {})  # `quiz interview --questions`
        self.study_tags = tuple(study_tags)  # `quiz study --tags T`: custom study by tag
        self._deck: Deck | None = None
        self._deck_error: DeckError | None = None
        # Title, languages and card ids: all the home screen needs. From the cache when the
        # deck is unchanged, so start-up builds no Card objects; the deck itself is loaded
        # on first use (a mode, the palette).
        self.summary: dict | None = None
        self._cache_warnings: list[str] = []
        self._warn_now = False  # True once mounted: notifications can show
        self._store: Store | None = None
        from quiz.tui.writes import Writer

        # Answers, ratings and interview questions are written through it: off the UI
        # thread while another program holds the database (the screen stays live).
        self.writer = Writer(self)
        self.lab_state = LabState()
        # Every message of the lab worker (LabProgress, LabLog, LabFinished, LabFailed), once
        # the App has kept its state: screens subscribe on mount (QuizScreen.follow_labs)
        # and are dropped when they unmount.
        self.lab_events: Signal[LabEvent] = Signal(self, "lab-events")
        self._lang_given = lang
        if lang:
            self.set_reactive(QuizApp.lang, lang)
        self._load_settings()

    # -- what the services hold, read-only here ----------------------------------------------
    @property
    def deck_path(self):
        return self.services.deck_path

    @property
    def data_dir(self) -> Path:
        return self.services.data_dir

    @property
    def cache_dir(self) -> Path:
        return self.services.cache_dir

    @property
    def settings_path(self) -> Path:
        return self.services.settings_path

    @property
    def clock(self):
        return self.services.clock

    @property
    def grader(self):
        return self.services.grader

    # -- settings --------------------------------------------------------------------------
    def _load_settings(self) -> None:
        from quiz import settings as S

        self.settings_error: str | None = None
        try:
            self.settings = S.load(self.settings_path)
        except S.SettingsError as e:
            # Shown once the app is up; the defaults are used, and the broken file is left
            # alone (never overwritten) until the user fixes it.
            self.settings, self.settings_error = S.Settings(), str(e)
        if self.settings.lang and not self._lang_given:
            self.set_reactive(QuizApp.lang, self.settings.lang)
            self._lang_given = self.settings.lang

    @property
    def study_day(self):
        return self.settings.study_day()

    def deck_limits(self):
        from quiz.settings import deck_key

        return self.settings.limits(deck_key(self.deck_path))

    def save_settings(self, settings) -> bool:
        """Keep ``settings`` and write them; False (and a notice) if they cannot be written."""
        from quiz import settings as S

        if self.settings_error is not None:
            self.notify(t("settings.broken", self.lang, path=self.settings_path),
                        severity="warning", timeout=8)
            self.settings = settings
            return False
        try:
            S.save(settings, self.settings_path)
        except S.SettingsError as e:
            self.notify(str(e), severity="error", timeout=8)
            return False
        self.settings = settings
        return True

    def _remember(self, **changes: Any) -> None:
        """Save a preference that changed by use (language, theme) if it differs."""
        if all(getattr(self.settings, k) == v for k, v in changes.items()):
            return
        self.save_settings(replace(self.settings, **changes))

    # -- start -----------------------------------------------------------------------------
    def get_default_screen(self):
        """Home is the bottom screen (no blank default screen to build first)."""
        from quiz.tui.screens.home import HomeScreen

        self.summary = self.services.load_summary(warn=self.cache_warning)
        if self.summary is None:
            try:
                self.load_deck()
            except DeckError as e:
                self._deck_error = e
        if self.summary and not self._lang_given and self.summary["languages"]:
            self.set_reactive(QuizApp.lang, self.summary["languages"][0])
        localize_bindings(self, self.lang)
        return HomeScreen()

    def cache_warning(self, message: str) -> None:
        """A refused cache file (another user may write it): stderr is the screen here, so
        the message is a notification, kept until the app is mounted."""
        self._cache_warnings.append(message)
        if self._warn_now:
            self._flush_cache_warnings()

    def _flush_cache_warnings(self) -> None:
        while self._cache_warnings:
            self.notify(self._cache_warnings.pop(0), severity="warning", timeout=15)

    def on_mount(self) -> None:
        self._warn_now = True
        self._flush_cache_warnings()
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if self.settings_error is not None:
            self.show_error(t("error.settings", self.lang), self.settings_error)
        # The language used is remembered (f2, --lang): the next launch opens in it.
        self._remember(lang=self.lang)
        if self._deck_error is not None:
            self.show_error(t("error.deck", self.lang),
                            "\n".join(str(p) for p in self._deck_error.problems))
        if self.start_mode:
            self.call_after_refresh(self.open_mode, self.start_mode)

    def load_deck(self) -> Deck:
        from quiz.deck.cache import summary

        self._deck = self.services.load_deck(warn=self.cache_warning)
        self.summary = summary(self._deck)
        return self._deck

    @property
    def deck(self) -> Deck | None:
        """The deck, loaded on first use; None (after an error modal) when it is broken."""
        if self._deck is None and self._deck_error is None:
            try:
                self.load_deck()
            except DeckError as e:
                self._deck_error = e
                self.show_error(t("error.deck", self.lang),
                                "\n".join(str(p) for p in e.problems))
        return self._deck

    @property
    def store(self) -> Store:
        """The progress database: ``open_store()``'s, opened on first use."""
        return self._store if self._store is not None else self.open_store()

    def open_store(self) -> Store:
        """Open the database once (Services.open_store; raises StoreError, a QuizError):
        its writes go through the writer, and a file --reset-db moved aside is told."""
        if self._store is None:
            store = self.services.open_store()
            self.writer.attach(store)
            self._store = store
            if store.moved_aside is not None:
                self.notify(f"{store.moved_aside}", title="--reset-db", timeout=10)
        return self._store

    def now(self) -> datetime:
        """The injected clock's reading as an aware UTC datetime."""
        return self.services.now()

    def on_store_call(self, message) -> None:
        """A worker's write finished (or waits): its follow-up runs here, on the UI thread."""
        message.fn()

    def on_unmount(self) -> None:
        self.writer.close()  # a write still waiting for a lock gives up (its answer printed)
        self.services.close()

    # -- navigation ------------------------------------------------------------------------
    def open_mode(self, mode: str) -> None:
        """Push the screen of a mode (study, interview, labs, browse, stats) over home."""
        if self.deck is None and mode != "labs":
            self.show_error(t("error.deck", self.lang), t("error.no_deck", self.lang))
            return
        try:
            if mode in ("study", "practice", "custom", "interview", "stats"):
                self.open_store()  # now: a broken database stops here, not mid-screen
            screen = self._make_screen(mode)
        except QuizError as e:
            self.report_error(e)
            return
        self.push_screen(screen)

    def _make_screen(self, mode: str):
        if mode in ("study", "practice"):
            from quiz.tui.screens.study import StudyScreen

            # `quiz study --tags T` filters the first session only; home's `s` studies all.
            tags, self.study_tags = self.study_tags, ()
            return StudyScreen(practice=mode == "practice", tags=tags)
        if mode == "interview":
            from quiz.tui.screens.interview import InterviewSetupScreen

            return InterviewSetupScreen()
        if mode == "labs":
            from quiz.tui.screens.labs import LabsScreen

            return LabsScreen()
        if mode == "browse":
            from quiz.tui.screens.browse import BrowseScreen

            return BrowseScreen()
        if mode == "stats":
            from quiz.tui.screens.stats import StatsScreen

            return StatsScreen()
        if mode == "custom":
            from quiz.tui.screens.custom import CustomStudyScreen

            return CustomStudyScreen()
        if mode == "settings":
            from quiz.tui.screens.settings import SettingsScreen

            return SettingsScreen()
        raise QuizError(f"unknown mode {mode!r} (use one of {', '.join(MODES)})")

    def open_card(self, card_id: str) -> None:
        from quiz.tui.screens.browse import CardScreen

        if self.deck is None:
            return
        try:
            card = self.deck.card(card_id)
        except KeyError:
            self.notify(card_id, severity="error")
            return
        self.push_screen(CardScreen(card))

    def run_lab_from_palette(self, lab_id: str) -> None:
        from quiz.tui.screens.labs import LabsScreen

        if not isinstance(self.screen, LabsScreen):
            self.open_mode("labs")
        self.call_after_refresh(self.start_lab, lab_id)

    def report_error(self, e: BaseException) -> None:
        """The one reporter: every error a screen meets reaches the user here, titled by its
        type (quiz.errors: each QuizError names its title; anything else is a bug)."""
        from quiz.tui.screens.base import error_text, error_title

        self.show_error(t(error_title(e), self.lang), error_text(e))

    def show_error(self, title: str, message: str) -> None:
        """An error the user should read: a modal, and the app keeps running."""
        from quiz.tui.screens.modals import ErrorModal

        self.push_screen(ErrorModal(title, message))

    # -- actions ---------------------------------------------------------------------------
    def action_help(self) -> None:
        from quiz.tui.screens.modals import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        # A lab runs in a child process that the worker thread waits for; stop it through
        # its handle, or quitting would wait until the lab finished.
        if self.lab_state.handle is not None:
            self.lab_state.handle.cancel(wait=5)
        self.writer.close()
        self.exit()

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[(THEMES.index(self.theme) + 1) % len(THEMES)] \
            if self.theme in THEMES else THEMES[0]
        self._remember(theme=self.theme)

    def action_open_mode(self, mode: str) -> None:
        self.open_mode(mode)

    def watch_lang(self, lang: str) -> None:
        self._remember(lang=lang)
        localize_bindings(self, lang)  # the screens follow through their own watchers
        self.refresh_bindings()
        self.notify(t("lang.switched", lang), timeout=2)

    # -- labs: one worker at a time; the handlers own the state ----------------------------
    def start_lab(self, lab_id: str, quick: bool | None = None) -> bool:
        """Run a lab in a thread worker; False (and a notice) when one is already running."""
        if self.lab_state.running is not None:
            self.notify(t("labs.busy", self.lang), severity="warning")
            return False
        from quiz.tui import labinfo

        st = self.lab_state
        st.running, st.fraction, st.message, st.log = lab_id, 0.0, "", []
        st.handle = labinfo.new_handle()
        if quick is not None:
            st.quick = quick
        self.lab_events.publish(LabProgress(lab_id, 0.0, t("labs.running", self.lang, lab=lab_id)))
        # The deck is read here on the UI thread (it may load lazily), never in the worker.
        self._run_lab_worker(lab_id, st.quick, self.deck, self._store, st.handle)
        return True

    def stop_lab(self) -> bool:
        """Cancel the running lab through its handle; False when none is running."""
        st = self.lab_state
        if st.running is None or st.handle is None:
            return False
        st.handle.cancel()
        self.notify(t("labs.stopping", self.lang, lab=st.running), timeout=3)
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="lab")
    def _run_lab_worker(self, lab_id: str, quick: bool, deck: Deck | None,
                        store: Store | None, handle: Any = None) -> None:
        try:
            from quiz.tui.labinfo import run_lab

            result = run_lab(
                lab_id, quick=quick,
                progress=lambda f, m: self.post_message(LabProgress(lab_id, float(f), str(m))),
                log=lambda line: self.post_message(LabLog(lab_id, str(line))),
                data_dir=self.data_dir, deck=deck, store=store, cancel=handle)
        except Exception as e:  # noqa: BLE001 - any lab failure is shown, never a traceback
            self.post_message(LabFailed(lab_id, f"{type(e).__name__}: {e}"))
            return
        self.post_message(LabFinished(lab_id, result if isinstance(result, dict) else {}))

    def on_lab_progress(self, msg: LabProgress) -> None:
        self.lab_state.fraction, self.lab_state.message = msg.fraction, msg.text
        self.lab_events.publish(msg)

    def on_lab_log(self, msg: LabLog) -> None:
        self.lab_state.log.append(msg.line)
        self.lab_events.publish(msg)

    def on_lab_finished(self, msg: LabFinished) -> None:
        st = self.lab_state
        st.running, st.fraction, st.handle = None, 1.0, None
        st.results[msg.lab_id] = msg.result
        status = msg.result.get("status", "?")
        secs = float(msg.result.get("duration_s") or 0.0)
        text = t("labs.done", self.lang, lab=msg.lab_id, status=status, secs=secs)
        if status == "ok":
            self.notify(text)
        else:
            self.notify(f"{text}\n{msg.result.get('error') or ''}".strip(), severity="warning",
                        timeout=8)
        self.lab_events.publish(msg)

    def on_lab_failed(self, msg: LabFailed) -> None:
        self.lab_state.running = self.lab_state.handle = None
        self.show_error(t("error.lab", self.lang), f"{msg.lab_id}: {msg.error}")
        self.lab_events.publish(msg)
