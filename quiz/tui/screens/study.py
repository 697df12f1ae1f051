"""Self-study: ask, grade, show what was hit and missed, fact-check, rate with FSRS.

The StudySession (quiz.session) owns the queue, grading and scheduling; this screen only
shows its state. Phases: ``ask`` (typing), ``graded`` (result and rating), ``empty``
(nothing due: offer practice anyway).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Static, TextArea

from quiz.deck.errors import QuizError
from quiz.deck.model import pick
from quiz.tui.screens.base import QuizScreen, error_text
from quiz.tui.widgets.cardtext import (
    factcheck_text,
    highlighted_answer,
    key_points_text,
    misconceptions_text,
)
from quiz.tui.widgets.footer import QuizFooter

RATE = Binding.Group("Rate", compact=True)
PAGE = Binding.Group("Scroll")


class StudyScreen(QuizScreen):
    CSS_PATH = "../study.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("ctrl+s", "submit", "Submit", id="submit"),
        Binding("ctrl+o", "reveal", "Show answer", id="reveal"),
        # Grouped: the footer shows "1234 Rate" instead of four entries.
        Binding("1", "rate(1)", "Again", id="again", group=RATE),
        Binding("2", "rate(2)", "Hard", id="hard", group=RATE),
        Binding("3", "rate(3)", "Good", id="good", group=RATE),
        Binding("4", "rate(4)", "Easy", id="easy", group=RATE),
        Binding("y", "override(True)", "I was right", id="right"),
        Binding("n", "override(False)", "I was wrong", id="wrong"),
        Binding("r", "run_lab", "Run lab", id="run_lab"),
        Binding("p", "practice", "Practice anyway", id="practice"),
        Binding("pageup", "page(-1)", "Scroll", id="page_up", group=PAGE),
        Binding("pagedown", "page(1)", "Scroll", id="page_down", group=PAGE),
    ]

    def __init__(self, practice: bool = False) -> None:
        super().__init__()
        self.practice = practice
        self.session: Any = None
        self.item: Any = None
        self.answered: Any = None
        self.last_rated: Any = None
        self.phase = "ask"

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="study-scroll"):
            yield Static(id="study-meta")
            yield Static(id="study-question")
            yield TextArea(id="study-answer", soft_wrap=True, show_line_numbers=False,
                           compact=True)
            with Horizontal(id="study-actions"):
                yield Button(id="submit", variant="primary")
                yield Button(id="reveal")
            with Vertical(id="result", classes="hidden"):
                yield Static(id="grade-score")
                yield Static(id="grade-answer", classes="panel")
                yield Static(id="grade-points", classes="panel")
                yield Static(id="grade-misc", classes="panel")
                yield Static(id="grade-model", classes="panel")
                yield Static(id="factcheck", classes="panel")
                yield Static(id="rate-title", classes="section")
                with Horizontal(id="rating-bar"):
                    for n in (1, 2, 3, 4):
                        yield Button(id=f"rate-{n}")
                with Horizontal(id="override-bar"):
                    yield Button(id="override-right", variant="success")
                    yield Button(id="override-wrong", variant="error")
            with Vertical(id="empty", classes="hidden"):
                yield Static(id="empty-text")
                with Horizontal(id="empty-actions"):
                    yield Button(id="practice-anyway", variant="primary")
                    yield Button(id="go-home")
        yield QuizFooter()

    def on_mount(self) -> None:
        ta = self.query_one("#study-answer", TextArea)
        ta.cursor_blink = not self.app.is_headless
        from quiz.session.study import StudySession

        try:
            self.session = StudySession(
                self.app.deck, self.app.store, mode="practice" if self.practice else "study",
                clock=self.app.clock, grader=self.app.grader, lang=self.lang)
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.show_error(self.t("error.db"), error_text(e))
            return
        self.next_card()

    # -- state changes -----------------------------------------------------------------------
    def next_card(self) -> None:
        try:
            self.item = self.session.next_card()
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.show_error(self.t("error.db"), error_text(e))
            return
        self.answered = None
        ta = self.query_one("#study-answer", TextArea)
        ta.read_only = False
        ta.text = ""
        self.phase = "ask" if self.item is not None else "empty"
        self.render_all()
        if self.item is not None:
            ta.focus()
            self.query_one("#study-scroll").scroll_home(animate=False)
        else:
            self.query_one("#practice-anyway", Button).focus()

    def action_submit(self, blank: bool = False) -> None:
        if self.phase != "ask" or self.item is None:
            return
        ta = self.query_one("#study-answer", TextArea)
        text = "" if blank else ta.text
        try:
            self.answered = self.session.submit(text)
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.show_error(self.t("error.title"), error_text(e))
            return
        ta.read_only = True
        self.phase = "graded"
        self.render_all()
        self.query_one(f"#rate-{int(self.answered.suggested)}", Button).focus()
        self.query_one("#result").scroll_visible(animate=False, top=True)

    def action_reveal(self) -> None:
        """Show the answer without typing: recorded as not answered (suggests Again)."""
        self.action_submit(blank=True)

    def action_rate(self, rating: int | None = None) -> None:
        if self.phase != "graded":
            return
        try:
            rated = self.session.rate(rating)
        except Exception as e:  # noqa: BLE001 - shown, never a traceback
            self.app.show_error(self.t("error.db"), error_text(e))
            return
        self.last_rated = rated
        name = self.t(f"rating.{_rating_name(rated.rating)}")
        if rated.due is None:
            self.notify(self.t("study.rated_practice", name=name), timeout=3)
        else:
            self.notify(self.t("study.rated", name=name, label=rated.label), timeout=3)
        self.next_card()

    def action_override(self, right: bool) -> None:
        """drill's one-key override: "I was right" rates Good, "I was wrong" rates Again."""
        self.action_rate(3 if right else 1)

    def action_practice(self) -> None:
        if self.phase != "empty":
            return
        from quiz.session.study import StudySession

        self.practice = True
        self.session = StudySession(self.app.deck, self.app.store, mode="practice",
                                    clock=self.app.clock, grader=self.app.grader, lang=self.lang)
        self.next_card()

    def action_page(self, direction: int) -> None:
        scroll = self.query_one("#study-scroll", VerticalScroll)
        if direction < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    def action_run_lab(self) -> None:
        lab = self._lab_id()
        if lab is not None:
            self.app.start_lab(lab)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit", "reveal"):
            return self.phase == "ask"
        if action in ("rate", "override"):
            return self.phase == "graded"
        if action == "run_lab":
            return self.phase == "graded" and self._lab_id() is not None
        if action == "practice":
            return self.phase == "empty"
        return True

    def _lab_id(self) -> str | None:
        card = self.item.card if self.item is not None else None
        if card is None:
            return None
        return next((c.lab for c in card.claims if c.lab), None)

    # -- rendering ---------------------------------------------------------------------------
    async def apply_lang(self) -> None:
        self._localize()
        if self.session is not None:
            self.session.lang = self.lang
        self.render_all()
        self.refresh_bindings()

    def render_all(self) -> None:
        q = self.query_one
        q("#submit", Button).label = self.t("study.submit")
        q("#reveal", Button).label = self.t("study.reveal")
        q("#practice-anyway", Button).label = self.t("study.practice_anyway")
        q("#go-home", Button).label = self.t("study.home")
        q("#override-right", Button).label = self.t("study.right")
        q("#override-wrong", Button).label = self.t("study.wrong")
        q("#study-answer", TextArea).placeholder = self.t("study.placeholder")
        q("#result").set_class(self.phase != "graded", "hidden")
        q("#empty").set_class(self.phase != "empty", "hidden")
        q("#study-question").set_class(self.phase == "empty", "hidden")
        # Once graded, the answer is shown again (highlighted) in the result.
        q("#study-answer").set_class(self.phase != "ask", "hidden")
        q("#study-actions").set_class(self.phase != "ask", "hidden")
        self.sub_title = self.t("study.practice_title" if self.practice else "study.title")
        if self.phase == "empty":
            self._render_empty()
            q("#study-meta", Static).update("")
            return
        item = self.item
        meta = f"{self.t('study.kind.' + item.kind)} · {item.card.id}"
        if not self.practice:
            try:
                c = self.session.counts()
                meta += " · " + self.t("study.queue", due=c.due, new=c.new)
            except QuizError:
                pass
        q("#study-meta", Static).update(Text(meta))
        q("#study-question", Static).update(Text(pick(item.card.question, self.lang)))
        if self.phase == "graded":
            self._render_result()

    def _render_empty(self) -> None:
        text = self.t("study.nothing_due")
        when = None
        try:
            when = self.session.next_due_at()
        except QuizError:
            pass
        if when is not None:
            from quiz.session.scheduling import humanize

            text += "\n" + self.t("study.next_due", when=humanize(when - self.app.now()))
        self.query_one("#empty-text", Static).update(text)

    def _render_result(self) -> None:
        q = self.query_one
        ans = self.answered
        card = ans.item.card
        g = ans.grade_dict or {}
        score = q("#grade-score", Static)
        for v in ("correct", "partial", "wrong"):
            score.set_class(ans.verdict == v, f"-{v}")
        if ans.answered:
            score.update(self.t("study.score", score=ans.score,
                                verdict=self.t("verdict." + ans.verdict)))
            q("#grade-answer", Static).update(highlighted_answer(ans.answer, g))
            q("#grade-answer").border_title = self.t("study.your_answer")
        else:
            score.update(self.t("study.unanswered"))
        q("#grade-answer").set_class(not ans.answered, "hidden")
        q("#grade-points", Static).update(key_points_text(card, g, self.lang))
        q("#grade-points").border_title = self.t("study.key_points")
        misc = misconceptions_text(card, g, self.lang)
        q("#grade-misc").set_class(misc is None, "hidden")
        if misc is not None:
            q("#grade-misc", Static).update(misc)
            q("#grade-misc").border_title = self.t("study.misconceptions")
        q("#grade-model", Static).update(Text(pick(card.answer, self.lang).strip()))
        q("#grade-model").border_title = self.t("study.model_answer")
        self._render_factcheck()
        q("#factcheck").border_title = self.t("study.factcheck")
        suggested = int(ans.suggested)
        q("#rate-title", Static).update(
            self.t("study.rate", name=self.t(f"rating.{_rating_name(suggested)}")))
        for n in (1, 2, 3, 4):
            btn = q(f"#rate-{n}", Button)
            outcome = self._outcome(n)
            label = f"{n} {self.t('rating.' + _rating_name(n))}"
            if outcome is not None and not self.practice:
                label += f" · {outcome.label}"
            btn.label = label
            btn.variant = "primary" if n == suggested else "default"

    def _render_factcheck(self) -> None:
        if self.answered is None:
            return
        st = self.app.lab_state
        progress = f"{st.fraction:.0%} {st.message}" if st.running else ""
        self.query_one("#factcheck", Static).update(
            factcheck_text(self.answered.item.card, self.lang, self.app.data_dir,
                           st.results, st.running, progress))

    def _outcome(self, n: int):
        for rating, outcome in (self.answered.preview or {}).items():
            if int(rating) == n:
                return outcome
        return None

    def lab_event(self, msg) -> None:
        """Called by the App for lab progress: refresh the fact-check panel of this card."""
        if self.phase == "graded" and self.is_mounted:
            self._render_factcheck()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        event.stop()
        if bid == "submit":
            self.action_submit()
        elif bid == "reveal":
            self.action_reveal()
        elif bid.startswith("rate-"):
            self.action_rate(int(bid[5:]))
        elif bid == "override-right":
            self.action_override(True)
        elif bid == "override-wrong":
            self.action_override(False)
        elif bid == "practice-anyway":
            self.action_practice()
        elif bid == "go-home":
            self.app.pop_screen()


def _rating_name(rating: int) -> str:
    return {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[int(rating)]
