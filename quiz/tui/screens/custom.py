"""Custom study (Anki's filtered deck / cram): cards with some tags, in practice mode or as
real reviews. `quiz study --tags T` opens the same."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Static

from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.footer import QuizFooter


class CustomStudyScreen(QuizScreen):
    CSS_PATH = "../study.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("ctrl+s", "start", "Start", id="start"),
    ]

    def compose(self) -> ComposeResult:
        deck = self.app.deck
        tags = sorted({tg for c in deck.cards for tg in c.tags}) if deck else []
        yield Header()
        with VerticalScroll():
            with Grid(id="iv-setup"):
                yield Label(self.t("custom.tags"))
                yield Input(id="custom-tags", placeholder=" ".join(tags[:2]) + " …",
                            compact=True)
                yield Label(self.t("custom.mode"))
                yield Select([(self.t("custom.cram"), "practice"),
                              (self.t("custom.review"), "study")], value="practice",
                             allow_blank=False, id="custom-mode", compact=True)
            yield Static(Text(" ".join(tags)), id="iv-all-tags", classes="dim")
            yield Static(self.t("custom.hint"), classes="dim", id="custom-hint")
            yield Button(self.t("custom.start"), id="custom-start", variant="primary")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = self.t("custom.title")
        self.query_one("#custom-tags", Input).cursor_blink = not self.app.is_headless
        self.query_one("#custom-tags", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "custom-start":
            event.stop()
            self.action_start()

    def action_start(self) -> None:
        from quiz.tui.screens.study import StudyScreen

        deck = self.app.deck
        tags = tuple(self.query_one("#custom-tags", Input).value.replace(",", " ").split())
        known = {tg for c in deck.cards for tg in c.tags} if deck else set()
        unknown = [tg for tg in tags if tg not in known]
        if unknown:
            self.notify(self.t("custom.unknown", tags=", ".join(unknown)), severity="error")
            return
        practice = self.query_one("#custom-mode", Select).value != "study"
        self.app.switch_screen(StudyScreen(practice=practice, tags=tags))
