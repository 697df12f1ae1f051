"""Mock interview: a setup form, one question at a time against a countdown, then a report.

The InterviewEngine (quiz.session) owns time: the countdown shown is ``deadline - now``
read from the app's clock on every refresh, never a count of timer ticks, and the engine
auto-submits the typed draft when the deadline passes. No grade is shown before the end.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from quiz.errors import QuizError
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.writes import SavingSteps

# How often the countdown is redrawn (and the engine asked whether time ran out).
REFRESH_SECONDS = 0.25
# A notice this many seconds before a question times out (F13).
WARN_SECONDS = 10.0
VERDICT_STYLE = {"correct": "green", "partial": "yellow", "wrong": "red", "unsure": "magenta",
                 "unanswered": "dim"}


def clock_text(seconds: float) -> str:
    s = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01; zero only at the end
    return f"{s // 60}:{s % 60:02d}"


class InterviewSetupScreen(QuizScreen):
    CSS_PATH = "../study.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("ctrl+s", "start", "Start", id="start"),
    ]

    def compose(self) -> ComposeResult:
        deck = self.app.deck
        # The command line (`quiz interview --questions 3`) wins over the saved settings.
        saved = self.app.settings.interview
        given = {"questions": saved.questions, "seconds_per_question": saved.seconds_per_question,
                 "total_minutes": saved.total_minutes, "tags": saved.tags,
                 **self.app.interview_defaults}
        n = min(int(given["questions"]), len(deck.cards)) if deck else int(given["questions"])
        minutes = float(given.get("seconds_per_question", 180.0)) / 60
        yield Header()
        tags = sorted({tg for c in deck.cards for tg in c.tags}) if deck else []
        with VerticalScroll():
            # Label and field side by side, compact fields: the form fits in 80x24.
            with Grid(id="iv-setup"):
                yield Label(self.t("iv.questions"))
                yield Input(str(n), id="iv-n", type="integer", compact=True)
                yield Label(self.t("iv.minutes"))
                yield Input(f"{minutes:g}", id="iv-minutes", type="number", compact=True)
                yield Label(self.t("iv.total"))
                total = given.get("total_minutes")
                yield Input("" if total is None else f"{float(total):g}", id="iv-total",
                            type="number", placeholder="-", compact=True)
                yield Label(self.t("iv.tags"))
                yield Input(" ".join(given.get("tags", ())), id="iv-tags",
                            placeholder=" ".join(tags[:2]) + " …", compact=True)
                yield Label(self.t("iv.lang"))
                yield Select([("中文", "zh"), ("English", "en")], value=self.lang,
                             allow_blank=False, id="iv-lang", compact=True)
            yield Static(Text(" ".join(tags)), id="iv-all-tags", classes="dim")
            yield Button(self.t("iv.start") + " (ctrl+s)", id="iv-start", variant="primary")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = self.t("iv.title")
        for inp in self.query(Input):
            inp.cursor_blink = not self.app.is_headless
        self.query_one("#iv-n", Input).focus()

    async def apply_lang(self) -> None:
        # Keep what was typed: only the labels change.
        self._localize()
        labels = list(self.query(Label))
        for label, key in zip(labels, ("iv.questions", "iv.minutes", "iv.total", "iv.tags",
                                       "iv.lang"), strict=False):
            label.update(self.t(key))
        self.query_one("#iv-start", Button).label = self.t("iv.start") + " (ctrl+s)"
        self.sub_title = self.t("iv.title")
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "iv-start":
            event.stop()
            self.action_start()

    def config(self) -> Any:
        """The InterviewConfig from the form; QuizError with a readable message if invalid."""
        from quiz.session.interview import InterviewConfig

        total_text = self.query_one("#iv-total", Input).value.strip()
        try:
            n = int(self.query_one("#iv-n", Input).value)
            minutes = float(self.query_one("#iv-minutes", Input).value)
            total = float(total_text) if total_text else None  # empty: no overall limit
        except ValueError:
            raise QuizError(self.t("iv.bad_number")) from None
        if n < 1 or minutes <= 0 or (total is not None and total <= 0):
            raise QuizError(self.t("iv.bad_number"))
        tags = tuple(self.query_one("#iv-tags", Input).value.replace(",", " ").split())
        lang = self.query_one("#iv-lang", Select).value
        given = self.app.interview_defaults
        return InterviewConfig(questions=n, seconds_per_question=minutes * 60, tags=tags,
                               lang=lang if isinstance(lang, str) else self.lang,
                               total_minutes=total, seed=given.get("seed"))

    def action_start(self) -> None:
        from quiz.session.interview import InterviewEngine

        try:
            cfg = self.config()
            engine = InterviewEngine(self.app.deck, cfg, store=self.app.store,
                                     clock=self.app.clock, grader=self.app.grader)
            if not engine.cards:
                raise QuizError(self.t("iv.no_cards"))
            engine.start()
        except QuizError as e:
            self.notify(str(e), severity="error")
            return
        self.app.switch_screen(InterviewScreen(engine))


class InterviewScreen(SavingSteps, QuizScreen):
    CSS_PATH = "../study.tcss"
    ANSWER_ID, STATUS_ID = "iv-answer", "iv-countdown"  # for SavingSteps
    BINDINGS = [
        Binding("ctrl+s", "submit", "Next", id="next"),
        Binding("ctrl+g", "finish", "Finish", id="finish"),
    ]

    def __init__(self, engine: Any) -> None:
        super().__init__()
        self.engine = engine
        self.timer = None
        self._warned: int | None = None  # the question the 10-second notice was shown for
        # True while a write waits for another program's lock (on a worker): the clock
        # pauses its checks and no other step starts until it is saved.
        self.saving = False
        self._tick_error: int | None = None  # the question whose clock error was shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="iv-body"):
            with Horizontal(id="iv-top"):
                yield Static(id="iv-progress")
                yield Static(id="iv-countdown")
            yield Static(id="iv-question", classes="section")
            yield TextArea(id="iv-answer", soft_wrap=True, compact=True)
            yield Button(id="iv-submit", variant="primary")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = self.t("iv.title")
        ta = self.query_one("#iv-answer", TextArea)
        ta.cursor_blink = not self.app.is_headless
        self.show_question()
        self.timer = self.set_interval(REFRESH_SECONDS, self.refresh_clock)

    async def apply_lang(self) -> None:
        self._localize()
        self.sub_title = self.t("iv.title")
        self.show_question(keep_text=True)
        self.refresh_bindings()

    def show_question(self, keep_text: bool = False) -> None:
        q = self.engine.current
        if q is None:
            return
        self.query_one("#iv-progress", Static).update(
            self.t("iv.progress", n=q.position + 1, total=q.total))
        self.query_one("#iv-question", Static).update(Text(q.text))
        ta = self.query_one("#iv-answer", TextArea)
        ta.placeholder = self.t("iv.placeholder")
        if not keep_text:
            ta.text = ""
            ta.focus()
        self.query_one("#iv-submit", Button).label = self.t("iv.submit")
        self.refresh_clock()

    def refresh_clock(self) -> None:
        """Redraw the countdown from the deadline; move on when the engine timed out."""
        from quiz.session.interview import InterviewState

        if self.saving:
            return  # a write waits for another program's lock; the engine is its until then
        eng = self.engine
        if eng.state is InterviewState.FINISHED:
            self.show_report()
            return
        if eng.state in (InterviewState.ANSWERED, InterviewState.TIMED_OUT):
            self.advance(quiet=True)  # the last move on failed (a disk error): try again
            return
        # time_left also times the question out (the draft auto-submitted): a write.
        self._step(eng.time_left, self._show_clock, unsaved=self._unsaved(eng.draft),
                   quiet=True)

    def _show_clock(self, left: float) -> None:
        from quiz.session.interview import InterviewState

        eng = self.engine
        if eng.state is InterviewState.TIMED_OUT:
            typed = bool(eng.draft.strip())
            self.notify(self.t("iv.timed_out" if typed else "iv.timed_out_blank"),
                        severity="warning", timeout=3)
            self.advance()
            return
        if eng.state is InterviewState.FINISHED:
            self.show_report()
            return
        cd = self.query_one("#iv-countdown", Static)
        cd.update(self.t("iv.left", time=clock_text(left)))
        cd.set_class(left <= 30, "-low")
        q = eng.current
        if q is not None and left <= WARN_SECONDS and self._warned != q.position \
                and eng.config.seconds_per_question > WARN_SECONDS:
            self._warned = q.position
            self.notify(self.t("iv.ten_left"), severity="warning", timeout=4)

    def _unsaved(self, text: str) -> str:
        q = self.engine.current
        if q is None or not text.strip():
            return ""
        return f"your answer to question {q.position + 1} ({q.card.id}):\n{text}"

    def _step_failed(self, e: BaseException, quiet: bool) -> None:
        """``quiet``: a failing clock tick shows its error once per question, not every tick."""
        q = self.engine.current
        position = None if q is None else q.position
        if quiet and self._tick_error == position:
            return
        self._tick_error = position
        self.app.report_error(e)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit", "finish"):
            return not self.saving
        return True

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not self.saving:
            self.engine.set_draft(event.text_area.text)

    def action_submit(self) -> None:
        from quiz.session.interview import InterviewState

        if self.saving or self.engine.state is not InterviewState.ASKING:
            return
        text = self.query_one("#iv-answer", TextArea).text
        at = self.app.now()  # the key press: a wait for the lock is not answering time
        self._step(lambda: self.engine.submit(text, now=at), lambda _: self.advance(),
                   unsaved=self._unsaved(text))

    def advance(self, quiet: bool = False) -> None:
        def shown(q) -> None:
            if q is None:
                self.show_report()
            else:
                self.show_question()

        self._step(self.engine.next, shown, quiet=quiet)

    def action_finish(self) -> None:
        if self.saving:
            return
        self._step(self.engine.finish, lambda _: self.show_report(),
                   unsaved=self._unsaved(self.engine.draft))

    def show_report(self) -> None:
        if self.app.screen is not self:
            return  # a modal (help, an error) is on top: the next tick tries again
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        self.app.switch_screen(InterviewReportScreen(self.engine.report))

    def on_screen_resume(self) -> None:
        self.refresh_clock()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "iv-submit":
            event.stop()
            self.action_submit()


class InterviewReportScreen(QuizScreen):
    """Per question: score, time, missed points; totals and the weakest tags. ``y`` / ``n``
    overrule the grade of the highlighted question, as in study."""

    CSS_PATH = "../study.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("i", "again", "Interview", id="interview"),
        Binding("y", "overrule(True)", "Mark right", id="overrule_right"),
        Binding("n", "overrule(False)", "Mark wrong", id="overrule_wrong"),
    ]

    def __init__(self, report: Any, reopened: bool = False) -> None:
        super().__init__()
        self.report = report
        self.reopened = reopened  # opened from stats: Back returns there

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="iv-body"):
            yield Static(id="report-mean", classes="section")
            yield Static(id="report-counts")
            yield Static(id="report-weakest")
            yield DataTable(id="report-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="report-detail", classes="panel")
            if self.report.interview_id is not None:
                yield Static(self.t("iv.saved", id=self.report.interview_id), classes="dim")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.populate()

    def _totals(self) -> None:
        r = self.report
        self.query_one("#report-mean", Static).update(self.t("iv.mean", score=r.mean_score))
        counts = self.t("iv.counts", timed_out=r.timed_out, **{
            k: r.counts.get(k, 0) for k in ("correct", "partial", "wrong", "unanswered")})
        if r.counts.get("unsure"):
            counts += " · " + self.t("iv.unsure_count", n=r.counts["unsure"])
        self.query_one("#report-counts", Static).update(counts)
        weakest = ", ".join(f"{tg.tag} {tg.mean_score:.0%}" for tg in r.weakest_tags) or "-"
        self.query_one("#report-weakest", Static).update(f"{self.t('iv.weakest')}: {weakest}")

    def populate(self) -> None:
        self.sub_title = self.t("iv.report")
        self._totals()
        table = self.query_one("#report-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(self.t(f"iv.col.{c}") for c in ("n", "card", "score", "time",
                                                               "missed")))
        for q in self.report.questions:
            table.add_row(*self._row(q), key=str(q.position))
        table.focus()
        if self.report.questions:
            self.show_detail(0)

    def _row(self, q) -> tuple:
        from quiz.tui.widgets.cardinfo import verdict_label

        label = verdict_label(q.verdict, self.lang)
        score = Text(f"{q.score:.0%} {label}" if q.answered else label,
                     style=VERDICT_STYLE.get(q.verdict, "magenta"))
        if q.overridden:
            score.append(" *", style="bold")  # overruled: the grader said otherwise
        if q.verdict == "unsure":
            score.append(" ?", style="bold magenta")
        secs = Text(f"{q.seconds:.0f}s")
        if q.timed_out:
            secs.append(f" {self.t('iv.timeout_mark')}", style="bold red")
        missed = ", ".join(m.id for m in q.missed_key_points) or "-"
        return str(q.position + 1), q.card_id, score, secs, missed

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.show_detail(int(event.row_key.value))

    def show_detail(self, position: int) -> None:
        from quiz.tui.widgets.cardinfo import verdict_label

        q = self.report.questions[position]
        out = Text()
        out.append(f"{q.question}\n", style="bold")
        if q.answer.strip():
            out.append(f"{q.answer.strip()}\n", style="italic")
        if q.verdict == "unsure":
            out.append(self.t("iv.unsure_note") + "\n", style="magenta")
        if q.overridden:
            out.append(self.t("iv.overruled_note", v=verdict_label(q.grader_verdict, self.lang))
                       + "\n", style="dim")
        if q.missed_key_points:
            out.append(f"{self.t('iv.missed')}:\n", style="bold")
            for m in q.missed_key_points:
                out.append(f"  ✗ {m.id}: {m.text}\n")
        for note in q.misconceptions:
            out.append(f"  ⚠ {note.feedback}\n", style="yellow")
        out.append(f"{self.t('study.model_answer')}:\n", style="bold")
        out.append(q.model_answer.strip())
        self.query_one("#report-detail", Static).update(out)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "overrule":
            return bool(self.report.questions)
        return True

    def action_overrule(self, right: bool) -> None:
        from quiz.session.interview import overrule

        table = self.query_one("#report-table", DataTable)
        position = table.cursor_row
        if not 0 <= position < len(self.report.questions):
            return
        try:
            self.report = overrule(self.app.store, self.report, position, right)
        except QuizError as e:
            self.notify(str(e), severity="warning")
            return
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.report_error(e)
            return
        self._totals()
        q = self.report.questions[position]
        for col, value in zip(table.columns, self._row(q), strict=False):
            table.update_cell(str(position), col, value)
        self.show_detail(position)

    def action_again(self) -> None:
        if self.reopened:
            self.app.pop_screen()
            self.app.open_mode("interview")
        else:
            self.app.switch_screen(InterviewSetupScreen())
