"""Stats: the figures of `quiz stats` (quiz.session.compute_stats) and reviews per day.

Enter on an interview row reopens its report (where a grade can be overruled).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from quiz.tui.screens.base import QuizScreen, guarded
from quiz.tui.widgets.footer import QuizFooter

INTERVIEW_ROWS = 50


class StatsScreen(QuizScreen):
    CSS_PATH = "../labs.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("f5", "refresh_stats", "Refresh", id="refresh"),
    ]

    _shown = False  # the first resume is the first showing: on_mount already filled it

    def on_screen_resume(self) -> None:
        # Back from a report whose grades were overruled: the figures changed.
        if self._shown:
            self.action_refresh_stats()
        self._shown = True

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-summary")
            yield Static(self.t("stats.reviews_per_day"), classes="section")
            yield PlotextPlot(id="stats-plot")
            yield Static(self.t("stats.by_tag"), classes="section")
            yield DataTable(id="stats-tags", zebra_stripes=True)
            yield Static(self.t("stats.interviews"), classes="section")
            yield DataTable(id="stats-interviews", zebra_stripes=True, cursor_type="row")
            yield Static(self.t("stats.open_hint"), classes="dim")
            yield Static(id="stats-orphans", classes="dim")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.populate()

    def populate(self) -> None:
        self.sub_title = self.t("stats.title")
        self.action_refresh_stats()

    @guarded
    def action_refresh_stats(self) -> None:
        from quiz.session.stats import compute_stats

        app = self.app
        st = compute_stats(app.store, app.deck, app.now(), day=app.study_day,
                           scheduler=_scheduler(app.settings, app.store))
        total = sum(n for _, n in st.reviews_per_day)
        buckets = ", ".join(f"{b.interval} {_pct(b.rate)} ({b.reviews})"
                            for b in st.retention_measured if b.reviews)
        self.query_one("#stats-summary", Static).update(Text(
            self.t("stats.summary", cards=st.cards, reviewed=st.reviewed_cards,
                   new=st.new_cards, due=st.due_today, overdue=st.overdue,
                   week=st.due_within_7_days)
            + "\n" + self.t("stats.measured", rate=_pct(st.retention_measured_total),
                             buckets=buckets or "-")
            + "\n" + self.t("stats.predicted", rate=_pct(st.retention_predicted),
                             desired=f"{st.desired_retention:.0%}")
            + "\n" + self.t("stats.reviews_30", n=total)
            + "\n" + self.t("stats.due_days") + ": "
            + ", ".join(f"{d[5:]} {n}" for d, n in st.due_next_7_days)))
        self.plot(st.reviews_per_day)
        tags = self.query_one("#stats-tags", DataTable)
        tags.clear(columns=True)
        tags.add_columns(self.t("stats.col.tag"), self.t("stats.col.mean"),
                         self.t("stats.col.correct"), self.t("stats.col.revealed"),
                         self.t("stats.col.overruled"))
        for ta in st.accuracy_by_tag:
            revealed = f"{ta.recalled}/{ta.revealed}" if ta.revealed else "-"
            tags.add_row(ta.tag, f"{ta.mean_score:.0%}" if ta.graded else "-",
                         f"{ta.correct}/{ta.attempts}", revealed, str(ta.overruled or "-"))
        ivs = self.query_one("#stats-interviews", DataTable)
        ivs.clear(columns=True)
        ivs.add_columns(self.t("stats.col.iv"), self.t("stats.col.started"),
                        self.t("stats.col.answered"), self.t("stats.col.mean"))
        # The newest ones: a table of hundreds of rows costs more than all the queries
        # (a year of interviews is ~500); older reports stay in `quiz stats --json`.
        for iv in st.interviews[:INTERVIEW_ROWS]:
            score = "-" if iv.mean_score is None else f"{iv.mean_score:.0%}"
            if not iv.finished:
                score += f" ({self.t('stats.unfinished')})"
            ivs.add_row(f"#{iv.id}", iv.started[:16].replace("T", " "),
                        f"{iv.answered}/{iv.questions}", score, key=str(iv.id))
        older = len(st.interviews) - INTERVIEW_ROWS
        notes = [self.t("stats.older", n=older)] if older > 0 else []
        if st.orphans:
            notes.append(self.t("stats.orphans", ids=", ".join(st.orphans)))
        self.query_one("#stats-orphans", Static).update(Text("\n".join(notes)))

    @guarded
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "stats-interviews" or event.row_key.value is None:
            return
        from quiz.session.interview import report_from_store
        from quiz.tui.screens.interview import InterviewReportScreen

        report = report_from_store(self.app.store, self.app.deck, int(event.row_key.value))
        self.app.push_screen(InterviewReportScreen(report, reopened=True))

    def plot(self, per_day: list[tuple[str, int]]) -> None:
        widget = self.query_one("#stats-plot")
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [d[5:] for d, _ in per_day]  # MM-DD
        values = [n for _, n in per_day]
        plt.bar(list(range(len(values))), values, width=0.6)
        step = max(1, len(labels) // 6)
        plt.xticks(list(range(0, len(labels), step)), labels[::step])
        top = max([*values, 1])
        plt.ylim(0, top)
        plt.yticks(sorted({0, top // 2, top}))
        widget.refresh()


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _scheduler(settings, store=None):
    from quiz.session.scheduling import make_scheduler

    try:
        if settings.fsrs_parameters:
            return make_scheduler(desired_retention=settings.desired_retention,
                                  parameters=settings.fsrs_parameters)
    except Exception:  # noqa: BLE001 - bad fitted weights: the defaults, never a crash
        pass
    # without parameters in the settings, those `quiz optimize` fitted (found via the store)
    return make_scheduler(store, desired_retention=settings.desired_retention)
