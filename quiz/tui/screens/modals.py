"""Modal screens: an error message the app survives, and the key list (F1 / ?)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from quiz.tui.screens.base import QuizModal


class ErrorModal(QuizModal):
    """A deck, database or lab error: its text, and OK to go on using the app."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close", id="close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box", classes="modal-box"):
            yield Static(self.title_text, id="error-title")
            with VerticalScroll(id="error-scroll"):
                yield Static(Text(self.message), id="error-message")
            yield Button(self.t("error.ok"), id="error-ok", variant="error")

    def on_mount(self) -> None:
        self.query_one("#error-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()


class HelpScreen(QuizModal):
    """The keys of the screen underneath and of the app, with their ids (for keymaps)."""

    BINDINGS = [Binding("escape,f1,question_mark", "dismiss", "Close", id="close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            yield Static(self.t("help.title"), id="help-title")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
            yield Static(self.t("help.close"), classes="dim")

    def _table(self) -> Text:
        out = Text()
        sections = ((self.t("help.screen"), self.under), (self.t("help.app"), self.app))
        for title, node in sections:
            # One row per action, all its keys together ("f1 ?  Help").
            rows: dict[str, list] = {}
            for _key, b in node._bindings:
                desc = b.description
                if b.action == "command_palette":
                    desc = self.t("key.palette")
                elif not b.id:
                    continue  # Textual's own keys (focus moves, copy), not quizlab's
                row = rows.setdefault(b.action, [[], desc, b.id or ""])
                row[0].append(self.app.get_key_display(b))
            if not rows:
                continue
            out.append(f"{title}\n", style="bold underline")
            for keys, desc, bid in rows.values():
                out.append(f"  {' '.join(keys):<14}", style="bold")
                out.append(f" {desc}")
                if bid:
                    out.append(f"  [{bid}]", style="dim")
                out.append("\n")
            out.append("\n")
        return out


class ConfirmModal(QuizModal):
    """A yes/no question (discard a draft?): dismisses with True or False."""

    BINDINGS = [Binding("escape,n", "answer(False)", "No", id="confirm-no"),
                Binding("y", "answer(True)", "Yes", id="confirm-yes")]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal-box"):
            yield Static(Text(self.question), id="confirm-text")
            with Horizontal(id="confirm-actions"):
                yield Button(self.yes, id="confirm-yes", variant="error")
                yield Button(self.no, id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # the safe choice is the default

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")
