"""Home: the deck, what is due, the last interview score, and a way into every mode."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from quiz.deck.model import pick
from quiz.tui.screens.base import QuizScreen, error_text
from quiz.tui.widgets.footer import QuizFooter

ENTRIES = (("study", "s"), ("interview", "i"), ("labs", "l"), ("browse", "b"), ("stats", "t"))


class HomeScreen(QuizScreen):
    BINDINGS = [Binding(key, f"app.open_mode('{mode}')", mode.capitalize(), id=mode)
                for mode, key in ENTRIES]

    def compose(self) -> ComposeResult:
        # One OptionList rather than a row of buttons: a keyboard menu, and few widgets to
        # style, which keeps start-up close to a bare Textual app.
        yield Header()
        with Vertical(id="home"):
            yield Static(self._title(), id="home-title")
            yield Static(self._counts(), id="home-counts")
            with Center():
                yield OptionList(*self._options(), id="home-menu")
            yield Static(self.t("home.hint"), id="home-hint", classes="dim")
        yield QuizFooter()

    def _options(self) -> list[Option]:
        opts = [Option(f"{key}  {self.t('key.' + mode)}", id=mode) for mode, key in ENTRIES]
        opts.append(Option(f"f2  {self.t('home.lang')}", id="switch-lang"))
        opts.append(Option(f"f3  {self.t('home.theme')}", id="switch-theme"))
        return opts

    def on_screen_resume(self) -> None:
        # Back from a mode: counts and the last interview score may have changed.
        self.refresh_counts()

    def refresh_counts(self) -> None:
        if self.is_mounted:
            self.query_one("#home-counts", Static).update(self._counts())

    def _title(self) -> str:
        summary = self.app.summary
        if summary is None:
            return self.t("error.deck")
        return f"{self.t('home.deck')}: {pick(summary['title'], self.lang)}"

    def _counts(self) -> str:
        summary = self.app.summary
        if summary is None:
            return ""
        n = len(summary["ids"])
        try:
            store = self.app.store
            states = store.review_states()
            interviews = store.interviews()
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.notify(error_text(e), title=self.t("error.db"), severity="error", timeout=10)
            return f"{n} {self.t('home.cards')}"
        # Counted here from the stored due dates (no fsrs import at start-up): a card is
        # due today when its due time falls before the end of the current UTC day.
        now = self.app.now()
        end_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        ids = set(summary["ids"])
        due = sum(1 for cid, s in states.items() if cid in ids and s.due < end_of_day)
        new = sum(1 for cid in ids if cid not in states)
        last = next((iv for iv in reversed(sorted(interviews, key=lambda iv: iv.started))
                     if iv.finished and iv.totals), None)
        last_text = (f"{last.totals.get('mean_score', 0.0):.0%}" if last else self.t("home.none"))
        return (f"{n} {self.t('home.cards')} · {due} {self.t('home.due')} · {new} "
                f"{self.t('home.new')} · {self.t('home.last_interview')}: {last_text}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid == "switch-lang":
            self.app.action_toggle_lang()
        elif oid == "switch-theme":
            self.app.action_toggle_theme()
        else:
            self.app.open_mode(oid)
