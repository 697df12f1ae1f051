"""Home: the deck, what is due, the last interview score, and a way into every mode."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Header, Static

from quiz.session.limits import done_today, left_today
from quiz.tui.screens.base import QuizScreen, error_text, error_title
from quiz.tui.widgets.footer import QuizFooter

MOVE = Binding.Group("Move", compact=True)
ENTRIES = (("study", "s"), ("custom", "c"), ("interview", "i"), ("labs", "l"), ("browse", "b"),
           ("stats", "t"), ("settings", "o"))


class HomeScreen(QuizScreen):
    BINDINGS = [
        *(Binding(key, f"app.open_mode('{mode}')", mode.capitalize(), id=mode)
          for mode, key in ENTRIES),
        # The menu also works like a list: arrows (or j/k) move the highlight, enter opens.
        # Grouped: the footer shows "↑↓ Move" once.
        Binding("up,k", "move(-1)", "Up", id="menu-up", group=MOVE),
        Binding("down,j", "move(1)", "Down", id="menu-down", group=MOVE),
        Binding("enter", "activate", "Open", id="open"),
    ]

    cursor = 0  # the highlighted menu line
    def compose(self) -> ComposeResult:
        # The menu is one Static of clickable lines (the keys do the same): a list widget
        # here cost more at start-up than everything else on this screen together.
        yield Header()
        with Vertical(id="home"):
            yield Static(self._title(), id="home-title")
            yield Static(self._counts(), id="home-counts")
            yield Static(self._menu(), id="home-menu")
            yield Static(self.t("home.hint"), id="home-hint", classes="dim")
        yield QuizFooter()

    def _lines(self) -> list[tuple[str, str, str]]:
        """(key, label, action) of each menu line."""
        lines = [(key, self.t("key." + mode), f"app.open_mode('{mode}')")
                 for mode, key in ENTRIES]
        lines.append(("f2", self.t("home.lang"), "app.toggle_lang"))
        lines.append(("f3", self.t("home.theme"), "app.toggle_theme"))
        return lines

    def _menu(self) -> Content:
        out = []
        for i, (key, text, act) in enumerate(self._lines()):
            line = Content.assemble((f"{key:<3} ", "bold $accent"),
                                    Content(text).stylize(f"@click={act}"))
            if i == self.cursor:
                line = Content.assemble(("▸ ", "bold $accent"), line.stylize("reverse"))
            else:
                line = Content.assemble("  ", line)
            out.append(line)
        return Content("\n").join(out)

    def action_move(self, delta: int) -> None:
        self.cursor = (self.cursor + delta) % len(self._lines())
        self.query_one("#home-menu", Static).update(self._menu())

    async def action_activate(self) -> None:
        await self.run_action(self._lines()[self.cursor][2])

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
        # quiz.deck.model.pick, inlined: importing the model costs start-up time.
        title = summary["title"]
        text = title.get(self.lang) or next((v for v in title.values() if v), "")
        return f"{self.t('home.deck')}: {text}"

    def _counts(self) -> str:
        summary = self.app.summary
        if summary is None:
            return ""
        n = len(summary["ids"])
        ids = set(summary["ids"])
        day, limits = self.app.study_day, self.app.deck_limits()
        try:
            store = self.app.store
            states = store.review_states()
            interviews = store.interviews()
            # Counted here from the stored due dates (no fsrs import at start-up), with the
            # session's definition (StudyDay.due_today: overdue included) and this deck's
            # limits, so home and study agree.
            now = self.app.now()
            reviews_left, new_left = left_today(*done_today(store, now, ids, day),
                                                reviews_per_day=limits.reviews_per_day,
                                                new_per_day=limits.new_per_day)
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.notify(error_text(e), title=self.t(error_title(e)), severity="error",
                            timeout=10)
            return f"{n} {self.t('home.cards')}"
        due = min(reviews_left,
                  day.due_today((s.due for cid, s in states.items() if cid in ids), now))
        new = min(new_left, sum(1 for cid in ids if cid not in states))
        last = next((iv for iv in reversed(sorted(interviews, key=lambda iv: iv.started))
                     if iv.finished and iv.totals), None)
        last_text = (f"{last.totals.get('mean_score', 0.0):.0%}" if last else self.t("home.none"))
        return (f"{n} {self.t('home.cards')} · {due} {self.t('home.due')} · {new} "
                f"{self.t('home.new')} · {self.t('home.last_interview')}: {last_text}")
