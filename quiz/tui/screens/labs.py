"""Labs: each lab with the claims it checks and its last result; run one (quick or full)
with a progress bar and a live log; the findings in a table and curves as a plot.

The run happens in the App's thread worker (``QuizApp.start_lab``), which only posts
messages; the App forwards them here through ``lab_event``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, ProgressBar, RichLog, Static

from quiz.deck.model import pick
from quiz.tui import labinfo
from quiz.tui.messages import LabFailed, LabFinished, LabLog, LabProgress
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.footer import QuizFooter

PAGE = Binding.Group("Scroll")
HELD = {True: ("✓", "green"), False: ("✗", "red"), None: ("?", "yellow")}


class LabsScreen(QuizScreen):
    CSS_PATH = "../labs.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("r", "run", "Run lab", id="run_lab"),
        Binding("m", "toggle_mode", "Quick/full", id="mode"),
        # Priority: the page keys scroll the whole screen, not the cursor of a table.
        Binding("pageup", "page(-1)", "Scroll", id="page_up", group=PAGE, priority=True),
        Binding("pagedown", "page(1)", "Scroll", id="page_down", group=PAGE, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.labs: dict[str, Any] = {}
        self.selected: str | None = None
        self._findings: list[dict[str, Any]] = []  # of the run shown

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="labs-body"):
            yield Static(id="lab-mode")
            yield DataTable(id="labs-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="lab-status"):
                yield Static(id="lab-status-text")
                yield ProgressBar(id="lab-progress", total=1.0, show_eta=False)
            yield RichLog(id="lab-log", wrap=True, markup=False, max_lines=500)
            yield Static(id="lab-findings-title", classes="section")
            yield DataTable(id="lab-findings", zebra_stripes=True, cursor_type="row")
            # The table cuts long summaries to its width: the highlighted one in full here.
            yield Static(id="lab-finding-detail", classes="panel")
            yield Static(id="lab-claims", classes="panel")
            from textual_plotext import PlotextPlot

            yield PlotextPlot(id="lab-plot", classes="hidden")
            yield Static(id="lab-statements", classes="panel")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = self.t("labs.title")
        self.labs = labinfo.registry()
        st = self.app.lab_state
        log = self.query_one("#lab-log", RichLog)
        for line in st.log:
            log.write(line)
        self.fill_table()
        self.render_mode()
        self.render_status()
        table = self.query_one("#labs-table", DataTable)
        table.focus()
        if not self.labs:
            self.query_one("#lab-statements", Static).update(self.t("labs.none"))

    async def apply_lang(self) -> None:
        self._localize()
        self.sub_title = self.t("labs.title")
        self.query_one("#lab-findings", DataTable).clear(columns=True)
        self.fill_table()
        self.render_mode()
        self.render_status()
        self.refresh_bindings()

    # -- the list ----------------------------------------------------------------------------
    def last(self, lab_id: str) -> dict[str, Any] | None:
        return self.app.lab_state.results.get(lab_id) or labinfo.last_run(self.app.data_dir,
                                                                           lab_id)

    def fill_table(self) -> None:
        table = self.query_one("#labs-table", DataTable)
        keep = self.selected
        table.clear(columns=True)
        table.add_columns(*(self.t(f"labs.col.{c}") for c in ("lab", "claims", "last", "date")))
        deck = self.app.deck
        for lab_id, lab in self.labs.items():
            title = pick(getattr(lab, "title", {}) or {}, self.lang)
            if len(title) > 36:
                title = title[:35] + "…"
            claims = deck.claims_for_lab(lab_id) if deck else []
            run = self.last(lab_id)
            last = labinfo.summary(run) if run else self.t("labs.never")
            table.add_row(Text.assemble((lab_id, "bold"), f" {title}"), str(len(claims)), last,
                          labinfo.run_date(run), key=lab_id)
        if keep in self.labs:
            table.move_cursor(row=list(self.labs).index(keep))
        elif self.labs:
            self.selected = next(iter(self.labs))
            self.show_lab(self.selected)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "labs-table" and event.row_key.value is not None:
            self.selected = event.row_key.value
            self.show_lab(self.selected)
        elif event.data_table.id == "lab-findings":
            self.show_finding(event.cursor_row)

    def show_finding(self, index: int) -> None:
        """The finding at ``index`` of the shown run in full: id, verdict, whole summary."""
        detail = self.query_one("#lab-finding-detail", Static)
        findings = self._findings
        if not 0 <= index < len(findings):
            detail.display = False
            return
        f = findings[index]
        mark, style = HELD.get(f.get("held"), HELD[None])
        detail.update(Text.assemble((f"{f.get('id', '')} ", "bold"), (mark, f"bold {style}"),
                                    "\n", str(f.get("summary", ""))))
        detail.display = True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "labs-table":
            self.action_run()

    def show_lab(self, lab_id: str) -> None:
        """The statements the lab tests and the deck claims it settles; its last findings."""
        lab = self.labs.get(lab_id)
        if lab is None:
            return
        out = Text()
        out.append(f"{lab_id} · {pick(getattr(lab, 'title', {}) or {}, self.lang)}\n",
                   style="bold underline")
        out.append(f"{self.t('labs.statements')}\n", style="bold")
        for s in getattr(lab, "statements", ()) or ():
            out.append(f"  • {pick(s.text, self.lang)}", style="")
            out.append(f"  [{s.id}]\n", style="dim")
        deck = self.app.deck
        claims = deck.claims_for_lab(lab_id) if deck else []
        if claims:
            out.append(f"{self.t('labs.claims')}\n", style="bold")
            run = self.last(lab_id)
            for card, claim in claims:
                verdict = labinfo.claim_verdict(run, card.id, claim.id)
                out.append(f"  {card.id}/{claim.id}: ", style="dim")
                out.append(claim.statement)
                if verdict:
                    style = {"supported": "green", "refuted": "red"}.get(verdict, "yellow")
                    out.append(f"  → {self.t('lab.' + verdict)}", style=f"bold {style}")
                out.append("\n")
        out.rstrip()
        self.query_one("#lab-statements", Static).update(out)
        self.show_result(self.last(lab_id))

    # -- running -----------------------------------------------------------------------------
    def action_run(self) -> None:
        if self.selected is None:
            self.notify(self.t("labs.none"), severity="warning")
            return
        if self.app.start_lab(self.selected):
            self.query_one("#lab-log", RichLog).clear()

    def action_page(self, direction: int) -> None:
        body = self.query_one("#labs-body", VerticalScroll)
        if direction < 0:
            body.scroll_page_up()
        else:
            body.scroll_page_down()

    def action_toggle_mode(self) -> None:
        st = self.app.lab_state
        st.quick = not st.quick
        self.render_mode()

    def render_mode(self) -> None:
        st = self.app.lab_state
        key = "labs.mode.quick" if st.quick else "labs.mode.full"
        self.query_one("#lab-mode", Static).update(
            f"{self.t(key)}  (m)  ·  {self.t('labs.run')}  ·  {self.t('labs.legend')}")

    def render_status(self) -> None:
        st = self.app.lab_state
        bar = self.query_one("#lab-progress", ProgressBar)
        bar.update(progress=st.fraction)
        text = st.message if st.running else ""
        self.query_one("#lab-status-text", Static).update(Text(text))

    def lab_event(self, msg) -> None:
        """Called by the App for every message of the lab worker."""
        if not self.is_mounted:
            return
        if isinstance(msg, LabLog):
            self.query_one("#lab-log", RichLog).write(msg.line)
        elif isinstance(msg, LabProgress):
            self.render_status()
        elif isinstance(msg, LabFinished):
            self.render_status()
            self.fill_table()
            if msg.lab_id == self.selected:
                self.show_lab(msg.lab_id)
            if msg.result.get("error"):
                self.query_one("#lab-log", RichLog).write(str(msg.result["error"]))
        elif isinstance(msg, LabFailed):
            self.render_status()
            self.query_one("#lab-log", RichLog).write(msg.error)

    # -- results -----------------------------------------------------------------------------
    def show_result(self, run: dict[str, Any] | None) -> None:
        title = self.query_one("#lab-findings-title", Static)
        table = self.query_one("#lab-findings", DataTable)
        # Rows only: clearing the columns too, twice in one frame (row highlight, then the
        # finished message), left the columns as narrow as their headers.
        table.clear()
        if not table.columns:
            table.add_columns(*(self.t(f"labs.col.{c}") for c in ("finding", "held", "summary")))
        plot_widget = self.query_one("#lab-plot")
        self._findings = list((run or {}).get("findings") or ())
        self.show_finding(0)
        if not run:
            title.update("")
            table.display = False
            plot_widget.set_class(True, "hidden")
            self.query_one("#lab-claims", Static).display = False
            return
        table.display = True
        head = f"{self.t('labs.findings')} · {run.get('status', '?')}"
        if run.get("duration_s") is not None:
            head += f" · {float(run['duration_s']):.1f}s"
        head += f" · {'quick' if run.get('quick') else 'full'} · {labinfo.run_date(run)}"
        title.update(head)
        curves: list[tuple[str, dict[str, Any]]] = []
        for f in run.get("findings") or ():
            mark, style = HELD.get(f.get("held"), HELD[None])
            table.add_row(f.get("id", ""), Text(mark, style=f"bold {style}"),
                          Text(str(f.get("summary", ""))))
            curves.extend((f"{f.get('id')}{'.' + p if p else ''}", c)
                          for p, c in labinfo.curves(f.get("evidence")))
        claims = self.query_one("#lab-claims", Static)
        err = run.get("error")
        claims.display = bool(err)
        if err:
            claims.update(Text(str(err), style="red"))
        self.plot(curves)

    def plot(self, curves: list[tuple[str, dict[str, Any]]]) -> None:
        widget = self.query_one("#lab-plot")
        widget.set_class(not curves, "hidden")
        if not curves:
            return
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        name, first = curves[0]
        for label, c in curves[:4]:
            try:
                xs = [float(x) for x in c["x"]]
                ys = [float(y) for y in c["y"]]
            except (TypeError, ValueError):
                continue
            # One curve: its name is the title; several: a legend tells them apart.
            plt.plot(xs, ys, marker="braille", label=label if len(curves) > 1 else None)
        plt.title(name if len(curves) == 1 else "")
        plt.xlabel(str(first.get("x_label", "x")))
        plt.ylabel(str(first.get("y_label", "y")))
        widget.refresh()
