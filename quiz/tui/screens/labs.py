"""Labs: each lab with the claims it checks and its last result; run one (quick or full)
with a progress bar and a live log; the findings in a table and curves as a plot.

The run happens in the App's thread worker (``QuizApp.start_lab``), which only posts
messages; the App publishes them on its ``lab_events`` Signal, which this screen follows.
"""

from __future__ import annotations

import math
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
# Series colours, as plotext and rich name them (same colour on the plot and in the legend).
PALETTE = (("cyan", "cyan"), ("magenta", "magenta"), ("green", "green"),
           ("orange", "dark_orange"), ("blue", "blue"), ("red", "red"))
MAX_SERIES = len(PALETTE)
# Widths the labs table needs besides the lab's title (id, claims, result, date, padding);
# the title gets what is left and disappears first on a narrow terminal (F8).
NARROW = 100


class LabsScreen(QuizScreen):
    CSS_PATH = "../labs.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("r", "run", "Run lab", id="run_lab"),
        Binding("m", "toggle_mode", "Quick/full", id="mode"),
        # Shown only while a lab runs (check_action): cancels it through its handle.
        Binding("x", "stop_lab", "Stop lab", id="stop_lab"),
        # Priority: the page keys scroll the whole screen, not the cursor of a table.
        Binding("pageup", "page(-1)", "Scroll", id="page_up", group=PAGE, priority=True),
        Binding("pagedown", "page(1)", "Scroll", id="page_down", group=PAGE, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.labs: dict[str, Any] = {}
        self.broken: dict[str, str] = {}  # lab id -> why its module does not load
        self.selected: str | None = None
        self._findings: list[dict[str, Any]] = []  # of the run shown
        self._plotted: dict[str, Any] = {}  # the finding whose curves are plotted

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

            # The legend sits beside the plot: plotext draws its own over the curves.
            with Horizontal(id="lab-plot-row"):
                yield PlotextPlot(id="lab-plot", classes="hidden")
                yield Static(id="lab-plot-legend", classes="hidden")
            yield Static(id="lab-statements", classes="panel")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.follow_labs()
        self.sub_title = self.t("labs.title")
        self.labs = labinfo.registry()
        self.broken = {k: v for k, v in labinfo.broken().items() if k not in self.labs}
        st = self.app.lab_state
        log = self.query_one("#lab-log", RichLog)
        for line in st.log:
            log.write(line)
        self.fill_table()
        self.render_mode()
        self.render_status()
        table = self.query_one("#labs-table", DataTable)
        table.focus()
        if not self.labs and not self.broken:
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

    def _width(self) -> int:
        return self.size.width or self.app.size.width or 80

    def fill_table(self) -> None:
        table = self.query_one("#labs-table", DataTable)
        keep = self.selected
        table.clear(columns=True)
        narrow = self._width() < NARROW
        table.add_columns(*(self.t(f"labs.col.{c}") for c in ("lab", "claims", "last", "date")))
        deck = self.app.deck
        rows = []
        for lab_id, lab in self.labs.items():
            claims = deck.claims_for_lab(lab_id) if deck else []
            run = self.last(lab_id)
            verdicts = {(c.id, cl.id): cl.verdict for c, cl in claims}
            last = labinfo.summary(run, verdicts) if run else Text(self.t("labs.never"))
            date = labinfo.run_date(run)
            if narrow and date:
                date = date[5:]  # "12-01 22:48": the year is rarely news
            rows.append((lab_id, pick(getattr(lab, "title", {}) or {}, self.lang),
                         str(len(claims)), last, date))
        for lab_id in self.broken:  # a module that does not load: a row with its error
            rows.append((lab_id, "", "", Text(self.t("labs.broken"), style="bold red"), ""))
        budget = self._title_budget(rows)
        for lab_id, title, n, last, date in rows:
            if len(title) > budget:
                title = title[: budget - 1] + "…" if budget >= 8 else ""
            name = Text.assemble((lab_id, "bold"), f" {title}" if title else "")
            table.add_row(name, n, last, date, key=lab_id)
        keys = [r[0] for r in rows]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        elif keys:
            self.selected = keys[0]
            self.show_lab(self.selected)

    def _title_budget(self, rows: list[tuple]) -> int:
        """Columns left for the labs' titles once the id, count, result and date fit."""
        heads = [self.t(f"labs.col.{c}") for c in ("lab", "claims", "last", "date")]
        from rich.cells import cell_len

        def widest(i: int, head: str) -> int:
            return max([cell_len(head)] + [cell_len(str(r[i])) for r in rows])

        ids = max([cell_len(r[0]) for r in rows] or [0])
        fixed = widest(2, heads[1]) + widest(3, heads[2]) + widest(4, heads[3])
        # 2 cells of padding per column, the body's padding and a scrollbar
        return min(36, self._width() - 4 - 8 - 2 - fixed - ids - 1)

    def on_resize(self, event) -> None:
        if self.is_mounted and (self.labs or self.broken):
            self.fill_table()

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
        self.plot_finding(index)
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
            if lab_id in self.broken:
                self.query_one("#lab-statements", Static).update(Text.assemble(
                    (f"{lab_id} · {self.t('labs.broken')}\n", "bold underline"),
                    (self.broken[lab_id], "red")))
                self.show_result(None)
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
                result = labinfo.claim_outcome(run, card.id, claim.id, claim.verdict)
                out.append(f"  {card.id}/{claim.id}: ", style="dim")
                out.append(claim.statement)
                if result:
                    out.append(f"  → {labinfo.outcome_text(result, self.lang)}",
                               style=f"bold {labinfo.OUTCOME_STYLE[result]}")
                out.append("\n")
        out.rstrip()
        self.query_one("#lab-statements", Static).update(out)
        self.show_result(self.last(lab_id))

    # -- running -----------------------------------------------------------------------------
    def action_run(self) -> None:
        if self.selected is None:
            self.notify(self.t("labs.none"), severity="warning")
            return
        if self.selected in self.broken:
            self.notify(self.t("labs.broken_run", lab=self.selected,
                               error=self.broken[self.selected]), severity="error", timeout=8)
            return
        if self.app.start_lab(self.selected):
            self.query_one("#lab-log", RichLog).clear()

    def action_stop_lab(self) -> None:
        self.app.stop_lab()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_lab":
            return self.app.lab_state.running is not None  # False: not in the footer
        return True

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
            f"{self.t(key)}  (m)  ·  {self.t('labs.run')}  ·  "
            f"{labinfo.LEGEND.get(self.lang, labinfo.LEGEND['en'])}")

    def render_status(self) -> None:
        st = self.app.lab_state
        bar = self.query_one("#lab-progress", ProgressBar)
        bar.update(progress=st.fraction)
        text = st.message if st.running else ""
        self.query_one("#lab-status-text", Static).update(Text(text))

    def on_lab_event(self, msg) -> None:
        """Every message of the lab worker, through the App's lab_events Signal."""
        if not self.is_mounted:
            return
        if isinstance(msg, LabLog):
            self.query_one("#lab-log", RichLog).write(msg.line)
            return
        self.refresh_bindings()  # the stop key shows while a lab runs
        if isinstance(msg, LabProgress):
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
        self._findings = list((run or {}).get("findings") or ())
        self.show_finding(0)
        if not run:
            title.update("")
            table.display = False
            self.plot([])
            self.query_one("#lab-claims", Static).display = False
            return
        table.display = True
        head = f"{self.t('labs.findings')} · {run.get('status', '?')}"
        if run.get("duration_s") is not None:
            head += f" · {float(run['duration_s']):.1f}s"
        head += f" · {'quick' if run.get('quick') else 'full'} · {labinfo.run_date(run)}"
        title.update(head)
        for f in run.get("findings") or ():
            mark, style = HELD.get(f.get("held"), HELD[None])
            table.add_row(f.get("id", ""), Text(mark, style=f"bold {style}"),
                          Text(str(f.get("summary", ""))))
        claims = self.query_one("#lab-claims", Static)
        err = run.get("error")
        claims.display = bool(err)
        if err:
            claims.update(Text(str(err), style="red"))
        self.show_finding(0)

    def plot_finding(self, index: int) -> None:
        """The curves of the highlighted finding, else of the first finding that has some:
        one finding's curves share their axes, another's may not."""
        order = [index] + [i for i in range(len(self._findings)) if i != index]
        for i in order:
            f = self._findings[i]
            series = series_of(f)
            if series:
                self._plotted = f
                self.plot(series, str(f.get("id", "")))
                return
        self.plot([])

    def plot(self, series: list[tuple[str, list[float], list[float], dict[str, Any]]],
             finding_id: str = "") -> None:
        widget = self.query_one("#lab-plot")
        legend = self.query_one("#lab-plot-legend", Static)
        widget.set_class(not series, "hidden")
        legend.set_class(not series, "hidden")
        if not series:
            return
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        key = Text()
        key.append(f"{finding_id}\n", style="bold")
        x_label, y_label = axis_labels(self._plotted)
        if len(series) > 1:
            # "samples/s (TorchScript, 1 thread)" names one series; the axis holds several
            y_label = y_label.split(" (", 1)[0]
        xs_all = sorted({x for _, xs, _, _ in series for x in xs})
        ticks = labinfo.integer_ticks(xs_all)
        # Batch sizes 1, 2, 4 ... 64 are drawn on a log2 axis (labelled with the sizes).
        log = ticks is not None and labinfo.geometric(xs_all)
        where = (lambda x: math.log2(x)) if log else (lambda x: x)
        for (name, xs, ys, _), (pcolor, rcolor) in zip(series, PALETTE, strict=False):
            # no label: plotext would draw its legend over the curves
            plt.plot([where(x) for x in xs], ys, marker="braille", color=pcolor)
            key.append("━━ ", style=f"bold {rcolor}")
            key.append(f"{name}\n")
        if ticks is not None:
            if log:
                ticks = sorted({int(round(x)) for x in xs_all})
                x_label += " (log scale)"
            plt.xticks([where(t) for t in ticks], [str(t) for t in ticks])
            # a margin either side, or plotext drops the label of the first tick
            lo, hi = where(xs_all[0]), where(xs_all[-1])
            pad = max(0.25 if log else 0.5, (hi - lo) * 0.03)
            plt.xlim(lo - pad, hi + pad)
        plt.title("")
        plt.xlabel(x_label)
        plt.ylabel(y_label)
        key.rstrip()
        legend.update(key)
        widget.refresh()


def axis_labels(finding: dict[str, Any]) -> tuple[str, str]:
    """The axis labels any curve of the finding gives (a duplicate dropped from the plot
    may be the one that carries them)."""
    found = [c for _, c in labinfo.curves(finding.get("evidence"))]
    x = next((str(c["x_label"]) for c in found if c.get("x_label")), "x")
    y = next((str(c["y_label"]) for c in found if c.get("y_label")), "y")
    return x, y


def series_of(finding: dict[str, Any]) -> list[tuple[str, list[float], list[float], dict]]:
    """A finding's plottable curves as (name in words, xs, ys, curve), duplicates dropped.

    A lab may give one curve twice (its headline ``curve`` and the same series among
    ``curves``); the named copy is kept. Curves whose x values are not numbers (backend
    names) are left to the findings table."""
    fid = str(finding.get("id", ""))
    found = labinfo.curves(finding.get("evidence"))
    # Headline "curve"s last, so a named duplicate wins.
    found.sort(key=lambda pc: pc[0].rsplit(".", 1)[-1] == "curve")
    out: list[tuple[str, list[float], list[float], dict]] = []
    seen: set[tuple] = set()
    for path, c in found:
        try:
            xs = [float(x) for x in c["x"]]
            ys = [float(y) for y in c["y"]]
        except (TypeError, ValueError):
            continue
        sig = (tuple(xs), tuple(ys))
        if sig in seen:
            continue
        seen.add(sig)
        out.append((labinfo.series_name(fid, path, c), xs, ys, c))
        if len(out) == MAX_SERIES:
            break
    return out
