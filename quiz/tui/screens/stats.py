"""Stats: the figures of `quiz stats` (quiz.session.compute_stats) and reviews per day."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from quiz.tui.screens.base import QuizScreen, error_text
from quiz.tui.widgets.footer import QuizFooter


class StatsScreen(QuizScreen):
    CSS_PATH = "../labs.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("f5", "refresh_stats", "Refresh", id="refresh"),
    ]

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
            yield DataTable(id="stats-interviews", zebra_stripes=True)
            yield Static(id="stats-orphans", classes="dim")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.populate()

    def populate(self) -> None:
        self.sub_title = self.t("stats.title")
        self.action_refresh_stats()

    def action_refresh_stats(self) -> None:
        from quiz.session.stats import compute_stats

        try:
            st = compute_stats(self.app.store, self.app.deck, self.app.now())
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.show_error(self.t("error.db"), error_text(e))
            return
        retention = "-" if st.retention is None else f"{st.retention:.0%}"
        total = sum(n for _, n in st.reviews_per_day)
        self.query_one("#stats-summary", Static).update(
            self.t("stats.summary", cards=st.cards, reviewed=st.reviewed_cards,
                   new=st.new_cards, due=st.due_now, week=st.due_within_7_days,
                   retention=retention) + "\n" + self.t("stats.reviews_30", n=total)
            + "\n" + self.t("stats.due_days") + ": "
            + ", ".join(f"{d[5:]} {n}" for d, n in st.due_next_7_days))
        self.plot(st.reviews_per_day)
        tags = self.query_one("#stats-tags", DataTable)
        tags.clear(columns=True)
        tags.add_columns(self.t("stats.col.tag"), self.t("stats.col.mean"),
                         self.t("stats.col.correct"))
        for ta in st.accuracy_by_tag:
            tags.add_row(ta.tag, f"{ta.mean_score:.0%}", f"{ta.correct}/{ta.attempts}")
        ivs = self.query_one("#stats-interviews", DataTable)
        ivs.clear(columns=True)
        ivs.add_columns(self.t("stats.col.iv"), self.t("stats.col.started"),
                        self.t("stats.col.answered"), self.t("stats.col.mean"))
        for iv in st.interviews:
            score = "-" if iv.mean_score is None else f"{iv.mean_score:.0%}"
            if not iv.finished:
                score += f" ({self.t('stats.unfinished')})"
            ivs.add_row(f"#{iv.id}", iv.started[:16].replace("T", " "),
                        f"{iv.answered}/{iv.questions}", score)
        self.query_one("#stats-orphans", Static).update(
            Text(self.t("stats.orphans", ids=", ".join(st.orphans))) if st.orphans else "")

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
