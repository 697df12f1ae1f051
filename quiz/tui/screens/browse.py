"""Browse: every card in a table with fuzzy search; a card view with all that a card holds."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Input, Static

from quiz.deck.model import Card, pick
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.cardtext import factcheck_text
from quiz.tui.widgets.footer import QuizFooter

# rapidfuzz scores (0-100) below this do not match; ids and tags also match by substring.
MIN_SCORE = 60


def search_cards(cards: tuple[Card, ...] | list[Card], query: str, lang: str) -> list[Card]:
    """Cards matching ``query`` (fuzzy, over ids, tags and questions in both languages),
    best first; all cards in deck order for an empty query."""
    q = query.strip().lower()
    if not q:
        return list(cards)
    from rapidfuzz import fuzz

    scored = []
    for i, c in enumerate(cards):
        # Relevance: a hit in the id or a tag outranks one in the question text, and an
        # exact substring outranks a fuzzy match (F4: "quantizaton" put the quantization
        # card 5th, behind cards that merely mention the word).
        best = 0.0
        for f, bonus in ((c.id, 6.0), (" ".join(c.tags), 4.0),
                         *((qt, 0.0) for qt in c.question.values())):
            f = f.lower()
            if q in f:
                score = 100.0 + bonus + (2.0 if f.startswith(q) else 0.0)
            else:
                score = max(fuzz.partial_ratio(q, f), fuzz.token_set_ratio(q, f) - 5)
                score += bonus if score >= MIN_SCORE else 0.0
            best = max(best, score)
        if best >= MIN_SCORE:
            scored.append((-best, i, c))
    return [c for _, _, c in sorted(scored)]


class BrowseScreen(QuizScreen):
    CSS_PATH = "../labs.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+f,slash", "focus_search", "Search", id="search"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(id="browse-search", placeholder=self.t("browse.search"), compact=True)
        yield Static(id="browse-count")
        yield DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
        yield QuizFooter()

    def on_mount(self) -> None:
        self.populate()
        # Typing filters at once (F4): the search box has focus; arrows and Enter in it
        # move to and open the top hit.
        self.query_one("#browse-search", Input).focus()

    def on_key(self, event) -> None:
        # A printable key typed while the table has focus goes to the search box.
        search = self.query_one("#browse-search", Input)
        if not search.has_focus and event.is_printable and event.character \
                and event.character not in "/":
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
        elif search.has_focus and event.key == "down":
            self.query_one("#browse-table", DataTable).focus()
            event.stop()

    def populate(self, query: str = "") -> None:
        self.sub_title = self.t("browse.title")
        search = self.query_one("#browse-search", Input)
        search.cursor_blink = not self.app.is_headless
        search.value = query
        table = self.query_one("#browse-table", DataTable)
        table.add_columns(*(self.t(f"browse.col.{c}") for c in ("id", "question", "tags",
                                                                  "seed")))
        self.fill(query)

    async def apply_lang(self) -> None:
        query = self.query_one("#browse-search", Input).value
        self._localize()
        await self.recompose()
        self.populate(query)
        self.refresh_bindings()

    def fill(self, query: str) -> None:
        deck = self.app.deck
        cards = search_cards(deck.cards, query, self.lang) if deck else []
        table = self.query_one("#browse-table", DataTable)
        table.clear()
        for c in cards:
            q = pick(c.question, self.lang).replace("\n", " ")
            table.add_row(c.id, Text(q[:80]), " ".join(c.tags),
                          ",".join(str(n) for n in c.seed) or "-", key=c.id)
        total = len(deck.cards) if deck else 0
        self.query_one("#browse-count", Static).update(
            self.t("browse.count", n=len(cards), total=total))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one("#browse-table", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key((0, 0)).row_key.value
            if key:
                self.app.open_card(key)  # Enter opens the top hit

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_card(event.row_key.value)

    def action_focus_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#browse-search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.app.pop_screen()


class CardScreen(QuizScreen):
    """Everything a card holds: texts, seed numbers merged, key points with their
    phrasings, misconceptions with feedback, checked claims with their last lab run."""

    CSS_PATH = "../labs.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("s", "study_card", "Study this card now", id="study_card"),
        Binding("r", "run_lab", "Run lab", id="run_lab"),
    ]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="card-body"):
            yield Static(self.body(), id="card-text")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.follow_labs()
        self.populate()

    def populate(self) -> None:
        self.sub_title = self.card.id
        self.query_one("#card-body").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_lab":
            return any(c.lab for c in self.card.claims)
        return True

    def action_study_card(self) -> None:
        """A real review of this card now, due or not (its rating reschedules it)."""
        from quiz.tui.screens.study import StudyScreen

        try:
            self.app.store  # noqa: B018 - a broken database stops here
        except Exception as e:  # noqa: BLE001 - reported, never a traceback
            self.app.report_error(e)
            return
        self.app.push_screen(StudyScreen(card_id=self.card.id))

    def on_screen_resume(self) -> None:
        if self.is_mounted:  # back from studying it: the schedule and history changed
            self.query_one("#card-text", Static).update(self.body())

    def action_run_lab(self) -> None:
        lab = next((c.lab for c in self.card.claims if c.lab), None)
        if lab:
            self.app.start_lab(lab)

    def on_lab_event(self, msg) -> None:
        if self.is_mounted:
            self.query_one("#card-text", Static).update(self.body())

    def _info(self) -> Text:
        """Due, interval, FSRS state and the answer history (or why it is unavailable)."""
        from quiz.session.cardinfo import card_info
        from quiz.tui.screens.base import error_text
        from quiz.tui.widgets.cardinfo import card_info_text

        try:
            info = card_info(self.app.store, self.card.id, self.app.now())
        except Exception as e:  # noqa: BLE001 - shown in place, never a traceback
            return Text(error_text(e) + "\n", style="red")
        return card_info_text(info, self.lang, self.app.now())

    def body(self) -> Text:
        c, lang = self.card, self.lang
        out = Text()

        def section(key: str) -> None:
            out.append(f"\n{self.t(key)}\n", style="bold underline")

        out.append(f"{c.id}\n", style="bold")
        out.append_text(self._info())
        out.append(f"{self.t('card.study_now')}\n", style="dim")
        seeds = ", ".join(f"#{n}" for n in c.seed) or self.t("card.seed_none")
        out.append(f"{self.t('card.seed')}: {seeds} · {self.t('card.tags')}: "
                   f"{', '.join(c.tags) or '-'} · {self.t('card.difficulty')}: {c.difficulty}\n",
                   style="dim")
        section("card.question")
        for code in (lang, *(k for k in c.question if k != lang)):
            if c.question.get(code):
                out.append(f"[{code}] ", style="dim")
                out.append(c.question[code].strip() + "\n")
        section("card.answer")
        out.append(pick(c.answer, lang).strip() + "\n")
        section("card.key_points")
        for kp in c.key_points:
            out.append(f"• {kp.id}", style="bold")
            out.append(f" ({kp.weight:g})\n", style="dim")
            for code, phr in kp.phrasings.items():
                out.append(f"    [{code}] " + " | ".join(phr) + "\n")
        if c.misconceptions:
            section("card.misconceptions")
            for m in c.misconceptions:
                out.append(f"⚠ {m.id}\n", style="bold yellow")
                for code, phr in m.phrasings.items():
                    out.append(f"    [{code}] " + " | ".join(phr) + "\n", style="dim")
                out.append(f"    → {pick(m.feedback, lang)}\n")
        section("card.claims")
        st = self.app.lab_state
        progress = f"{st.fraction:.0%} {st.message}" if st.running else ""
        out.append_text(factcheck_text(c, lang, self.app.data_dir, st.results, st.running,
                                       progress))
        if c.source:
            out.append(f"\n\n{self.t('card.source')}: {c.source}:{c.line}", style="dim")
        return out
