"""Self-study: ask, grade, show what was hit and missed, fact-check, rate with FSRS.

The StudySession (quiz.session) owns the queue, grading and scheduling; this screen only
shows its state. Phases: ``ask`` (typing), ``graded`` (result and rating), ``empty``
(nothing due: offer practice anyway).

Layout: the question stays at the top and the rating row (with each rating's next
interval) is docked at the bottom, so both are on screen at 80x24 whatever the length of
the answer; the panels between them scroll, and long ones start collapsed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Collapsible, Header, Static, TextArea

from quiz.deck.model import pick
from quiz.errors import QuizError
from quiz.tui.screens.base import QuizScreen, error_text, guarded
from quiz.tui.widgets.cardinfo import card_info_text, verdict_label
from quiz.tui.widgets.cardtext import (
    factcheck_text,
    highlighted_answer,
    key_points_text,
    misconceptions_text,
)
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.writes import SavingSteps

RATE = Binding.Group("Rate", compact=True)
PAGE = Binding.Group("Scroll")
# An echoed answer longer than this starts collapsed (F1: a 4.9k-character answer filled
# two screens before the key points); so does a model answer twice as long.
LONG_CHARS, LONG_LINES = 480, 6
PANELS = (("c-answer", "study.your_answer"), ("c-points", "study.key_points"),
          ("c-misc", "study.misconceptions"), ("c-model", "study.model_answer"),
          ("c-fact", "study.factcheck"), ("c-info", "study.card_info"))


def is_long(text: str, factor: int = 1) -> bool:
    return len(text) > LONG_CHARS * factor or text.count("\n") >= LONG_LINES * factor


class StudyScreen(SavingSteps, QuizScreen):
    CSS_PATH = "../study.tcss"
    ANSWER_ID, STATUS_ID = "study-answer", "study-meta"  # for SavingSteps
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "submit", "Submit", id="submit"),
        Binding("ctrl+o", "reveal", "Show answer", id="reveal"),
        # Grouped: the footer shows "1234 Rate" instead of four entries.
        Binding("1", "rate(1)", "Again", id="again", group=RATE),
        Binding("2", "rate(2)", "Hard", id="hard", group=RATE),
        Binding("3", "rate(3)", "Good", id="good", group=RATE),
        Binding("4", "rate(4)", "Easy", id="easy", group=RATE),
        Binding("y", "override(True)", "I was right", id="right"),
        Binding("n", "override(False)", "I was wrong", id="wrong"),
        # priority: also while the answer box has focus (which then gets its own text undo
        # while something is typed, see action_undo).
        Binding("ctrl+z", "undo", "Undo rating", id="undo", priority=True),
        Binding("c", "toggle_info", "Card info", id="card_info"),
        Binding("r", "run_lab", "Run lab", id="run_lab"),
        Binding("p", "practice", "Practice anyway", id="practice"),
        Binding("pageup", "page(-1)", "Scroll", id="page_up", group=PAGE),
        Binding("pagedown", "page(1)", "Scroll", id="page_down", group=PAGE),
    ]

    def __init__(self, practice: bool = False, tags: tuple[str, ...] = (),
                 card_id: str | None = None) -> None:
        super().__init__()
        self.practice = practice
        self.tags = tuple(tags)  # custom study: only cards with any of these tags
        self.card_id = card_id  # "study this card now": practice on this one card
        self.session: Any = None
        self.item: Any = None
        self.answered: Any = None
        self.last_rated: Any = None
        self.phase = "ask"
        # True while a write waits for another program's lock (on a worker): no other step
        # starts until it is saved, and the screen says so.
        self.saving = False

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="study-top"):
            yield Static(id="study-meta")
            yield Static(id="study-question")
        with VerticalScroll(id="study-scroll"):
            yield TextArea(id="study-answer", soft_wrap=True, show_line_numbers=False,
                           compact=True)
            with Horizontal(id="study-actions"):
                yield Button(id="submit", variant="primary")
                yield Button(id="reveal")
            with Vertical(id="result", classes="hidden"):
                yield Static(id="grade-score")
                yield Static(id="grade-note")
                for cid, _ in PANELS:
                    with Collapsible(id=cid, collapsed=cid in ("c-fact", "c-info")):
                        yield Static(id=cid.replace("c-", "panel-"))
            with Vertical(id="empty", classes="hidden"):
                yield Static(id="empty-text")
                with Horizontal(id="empty-actions"):
                    yield Button(id="practice-anyway", variant="primary")
                    yield Button(id="go-home")
        with Vertical(id="rate-dock", classes="hidden"):
            yield Static(id="rate-title")
            with Horizontal(id="rating-bar"):
                for n in (1, 2, 3, 4):
                    yield Button(id=f"rate-{n}", compact=True)
            with Horizontal(id="override-bar"):
                yield Button(id="override-right", variant="success", compact=True)
                yield Button(id="override-wrong", variant="error", compact=True)
        yield QuizFooter()

    def on_mount(self) -> None:
        self.follow_labs()
        ta = self.query_one("#study-answer", TextArea)
        ta.cursor_blink = not self.app.is_headless
        self._start()

    @guarded
    def _start(self) -> None:
        self.session = self._new_session("practice" if self.practice else "study")
        self.next_card()

    def _new_session(self, mode: str):
        """A StudySession with this deck's limits and the user's settings."""
        from quiz.session.scheduling import make_scheduler
        from quiz.session.study import StudySession

        st, limits = self.app.settings, self.app.deck_limits()
        options: dict[str, Any] = {"desired_retention": st.desired_retention}
        if st.fsrs_parameters:
            options["parameters"] = st.fsrs_parameters
        try:
            scheduler = make_scheduler(self.app.store, **options)
        except Exception:  # noqa: BLE001 - bad fitted weights: the defaults, never a crash
            scheduler = make_scheduler(self.app.store, desired_retention=st.desired_retention)
        session = StudySession(self.app.deck, self.app.store, mode=mode, clock=self.app.clock,
                               grader=self.app.grader, lang=self.lang, tags=self.tags,
                               new_per_day=limits.new_per_day,
                               reviews_per_day=limits.reviews_per_day,
                               easy_seconds=st.quick_answer_seconds, scheduler=scheduler,
                               day=self.app.study_day, only=self.card_id)
        return session

    # -- state changes -----------------------------------------------------------------------
    @guarded
    def next_card(self) -> None:
        self.item = self.session.next_card()
        if self.item is None and self.card_id is not None and self.last_rated is not None:
            self.app.pop_screen()  # "study this card now" done: back to the card
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
        if self.saving:
            self.notify(self.t("db.saving"), timeout=2)
            return
        if self.phase != "ask" or self.item is None:
            return
        ta = self.query_one("#study-answer", TextArea)
        text = "" if blank else ta.text
        at, card_id = self.app.now(), self.item.card.id

        def done(answered) -> None:
            self.answered = answered
            self._show_graded()

        self._step(lambda: self.session.submit(text, at=at), done,
                   unsaved=f"your answer to {card_id}:\n{text}" if text.strip() else "")

    def _writes_settled(self) -> None:
        self.query_one("#study-answer", TextArea).read_only = self.phase != "ask"
        self.render_all()

    def _show_graded(self) -> None:
        self.query_one("#study-answer", TextArea).read_only = True
        self.phase = "graded"
        self.render_all()
        self._focus_suggestion()
        # After the new layout is made: the score line, not the middle of the last card.
        scroll = self.query_one("#study-scroll")
        self.call_after_refresh(scroll.scroll_home, animate=False)

    def _focus_suggestion(self) -> None:
        suggested = self.answered.suggested if self.answered is not None else None
        if suggested is None:
            # No suggestion (unsure, revealed): nothing pre-selected, so Enter cannot rate
            # by accident; 1-4 pick.
            self.query_one("#study-scroll").focus()
        else:
            self.query_one(f"#rate-{int(suggested)}", Button).focus()

    def action_reveal(self) -> None:
        """Show the answer without typing: recorded as revealed; the learner rates it."""
        self.action_submit(blank=True)

    def action_rate(self, rating: int | None = None) -> None:
        if self.saving:
            self.notify(self.t("db.saving"), timeout=2)
            return
        if self.phase != "graded":
            return
        if rating is None and self.answered.suggested is None:
            self.notify(self.t("study.rate_yourself"), severity="warning", timeout=3)
            return
        card_id = self.answered.item.card.id
        self._step(lambda: self.session.rate(rating), self._rated,
                   unsaved=f"your rating of {card_id} ({rating or 'the suggested one'}); "
                           "the answer itself was saved")

    def _rated(self, rated) -> None:
        self.last_rated = rated
        name = self.t(f"rating.{_rating_name(rated.rating)}")
        if rated.due is None:
            self.notify(self.t("study.rated_practice", name=name), timeout=3)
        else:
            self.notify(self.t("study.rated", name=name, label=rated.label), timeout=3)
        self.next_card()

    def action_override(self, right: bool) -> None:
        """"I was right" / "I was wrong": the attempt's verdict becomes correct / wrong (the
        grader's is kept beside it); the suggestion follows, and the learner picks 1-4."""
        if self.saving:
            return
        if self.phase != "graded" or not self.answered.answered:
            return
        card_id = self.answered.item.card.id
        self._step(lambda: self.session.override(right), self._overridden,
                   unsaved=f"marking your answer to {card_id} as "
                           f"{'right' if right else 'wrong'}; the answer itself was saved")

    def _overridden(self, answered) -> None:
        self.answered = answered
        self.render_all()
        self._focus_suggestion()
        self.notify(self.t("study.overridden", verdict=verdict_label(self.answered.verdict,
                                                                     self.lang)), timeout=3)

    def action_undo(self) -> None:
        if self.saving:
            self.notify(self.t("db.saving"), timeout=2)
            return
        ta = self.query_one("#study-answer", TextArea)
        if self.phase == "ask" and ta.has_focus and ta.text:
            ta.undo()  # typing: ctrl+z undoes text, as in any editor
            return
        if self.session is None or not self.session.can_undo:
            self.notify(self.t("study.nothing_to_undo"), timeout=2)
            return
        self._step(self.session.undo, self._undone,
                   unsaved="the undo of your last rating")

    def _undone(self, answered) -> None:
        self.answered = answered
        ta = self.query_one("#study-answer", TextArea)
        self.item = self.answered.item
        ta.text = self.answered.answer
        self._show_graded()
        self.notify(self.t("study.undone"), timeout=3)

    def action_back(self) -> None:
        if self.saving:
            self.notify(self.t("db.saving"), timeout=2)
            return
        ta = self.query_one("#study-answer", TextArea)
        if self.phase == "ask" and ta.text.strip():
            from quiz.tui.screens.modals import ConfirmModal

            def done(discard: bool | None) -> None:
                if discard:
                    self.app.pop_screen()
                else:
                    ta.focus()

            self.app.push_screen(ConfirmModal(self.t("study.discard"), self.t("study.discard_yes"),
                                              self.t("study.discard_no")), done)
            return
        self.app.pop_screen()

    def action_toggle_info(self) -> None:
        if self.phase == "graded":
            info = self.query_one("#c-info", Collapsible)
            info.collapsed = not info.collapsed
            if not info.collapsed:
                self.query_one("#study-scroll").scroll_end(animate=False)

    def action_practice(self) -> None:
        if self.phase != "empty":
            return
        self.practice = True
        self.card_id = None
        self.session = self._new_session("practice")
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
        if self.saving and action in ("submit", "reveal", "rate", "override", "undo", "back",
                                      "practice", "run_lab"):
            return False
        if action in ("submit", "reveal"):
            return self.phase == "ask"
        if action == "rate":
            return self.phase == "graded"
        if action == "override":
            return self.phase == "graded" and self.answered is not None \
                and self.answered.answered
        if action == "toggle_info":
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
        for cid, key in PANELS:
            q(f"#{cid}", Collapsible).title = self.t(key)
        q("#result").set_class(self.phase != "graded", "hidden")
        q("#rate-dock").set_class(self.phase != "graded", "hidden")
        q("#empty").set_class(self.phase != "empty", "hidden")
        q("#study-top").set_class(self.phase == "empty", "hidden")
        # Once graded, the answer is shown again (highlighted) in the result.
        q("#study-answer").set_class(self.phase != "ask", "hidden")
        q("#study-actions").set_class(self.phase != "ask", "hidden")
        title = "study.practice_title" if self.practice else "study.title"
        self.sub_title = self.t(title) + (f" · {' '.join(self.tags)}" if self.tags else "")
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
        if when is not None and when > self.app.now():
            from quiz.session.scheduling import humanize

            text += "\n" + self.t("study.next_due", when=humanize(when - self.app.now()))
        self.query_one("#empty-text", Static).update(text)

    def _render_result(self) -> None:
        q = self.query_one
        ans = self.answered
        card = ans.item.card
        g = ans.grade_dict or {}
        score = q("#grade-score", Static)
        for v in ("correct", "partial", "wrong", "unsure"):
            score.set_class(ans.verdict == v, f"-{v}")
        note = ""
        if ans.answered:
            score.update(self.t("study.score", score=ans.score or 0.0,
                                verdict=verdict_label(ans.verdict, self.lang)))
            q("#panel-answer", Static).update(highlighted_answer(ans.answer, g))
            if ans.overridden:
                note = self.t("study.grader_said", verdict=verdict_label(ans.grader_verdict,
                                                                         self.lang),
                              score=ans.score or 0.0)
            elif ans.needs_rating:
                note = self.t("study.unsure_note")
        else:
            score.update(self.t("study.unanswered"))
            note = self.t("study.revealed_note")
        q("#grade-note", Static).update(Text(note))
        q("#grade-note").set_class(not note, "hidden")
        long_answer = is_long(ans.answer)
        answer_box = q("#c-answer", Collapsible)
        answer_box.set_class(not ans.answered, "hidden")
        answer_box.collapsed = long_answer
        if long_answer:
            answer_box.title = self.t("study.your_answer_long", n=len(ans.answer))
        q("#panel-points", Static).update(key_points_text(card, g, self.lang))
        q("#c-points").set_class(not card.key_points, "hidden")
        misc = misconceptions_text(card, g, self.lang)
        q("#c-misc").set_class(misc is None, "hidden")
        if misc is not None:
            q("#panel-misc", Static).update(misc)
        model = pick(card.answer, self.lang).strip()
        q("#panel-model", Static).update(Text(model))
        # To rate an answer yourself you need the model answer: open then, whatever its length.
        q("#c-model", Collapsible).collapsed = is_long(model, 2) and not ans.needs_rating
        self._render_factcheck()
        self._render_info()
        suggested = ans.suggested
        if suggested is None:
            q("#rate-title", Static).update(self.t("study.rate_yourself"))
        else:
            q("#rate-title", Static).update(
                self.t("study.rate", name=self.t(f"rating.{_rating_name(int(suggested))}")))
        for n in (1, 2, 3, 4):
            btn = q(f"#rate-{n}", Button)
            outcome = self._outcome(n)
            label = f"{n} {self.t('rating.' + _rating_name(n))}"
            if outcome is not None and not self.practice:
                label += f" · {outcome.label}"
            btn.label = label
            btn.variant = "primary" if suggested is not None and n == int(suggested) \
                else "default"
        q("#override-bar").set_class(not ans.answered, "hidden")

    def _render_info(self) -> None:
        from quiz.session.cardinfo import card_info

        try:
            info = card_info(self.app.store, self.answered.item.card.id, self.app.now(),
                             self.session.scheduler)
        except Exception as e:  # noqa: BLE001 - shown in the panel, never a traceback
            self.query_one("#panel-info", Static).update(error_text(e))
            return
        self.query_one("#panel-info", Static).update(
            card_info_text(info, self.lang, self.app.now()))

    def _render_factcheck(self) -> None:
        if self.answered is None:
            return
        st = self.app.lab_state
        progress = f"{st.fraction:.0%} {st.message}" if st.running else ""
        self.query_one("#panel-fact", Static).update(
            factcheck_text(self.answered.item.card, self.lang, self.app.data_dir,
                           st.results, st.running, progress))

    def _outcome(self, n: int):
        for rating, outcome in (self.answered.preview or {}).items():
            if int(rating) == n:
                return outcome
        return None

    def on_lab_event(self, msg) -> None:
        """Lab progress (the lab_events Signal): refresh the fact-check panel of this card."""
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
