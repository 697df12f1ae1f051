"""Settings: the TOML settings file as a form (the same keys as `quiz config`).

Saving validates every field through quiz.settings; a bad value is a notice naming the
field, and nothing is written until all are valid.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Static

from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.footer import QuizFooter

# (settings key, i18n label key, widget kind). "deck." keys are this deck's limits.
FIELDS = (
    ("lang", "set.lang", "lang"),
    ("theme", "set.theme", "theme"),
    ("deck.new_per_day", "set.new_per_day", "input"),
    ("deck.reviews_per_day", "set.reviews_per_day", "input"),
    ("day_start_hour", "set.day_start_hour", "input"),
    ("timezone", "set.timezone", "input"),
    ("desired_retention", "set.desired_retention", "input"),
    ("quick_answer_seconds", "set.quick_answer_seconds", "input"),
    ("interview.questions", "set.iv_questions", "input"),
    ("interview.seconds_per_question", "set.iv_seconds", "input"),
    ("interview.total_minutes", "set.iv_total", "input"),
    ("interview.tags", "set.iv_tags", "input"),
)


def _wid(key: str) -> str:
    return "set-" + key.replace(".", "-").replace("_", "-")


class SettingsScreen(QuizScreen):
    CSS_PATH = "../study.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("ctrl+s", "save", "Save", id="save"),
    ]

    def _key(self, key: str) -> str:
        from quiz.settings import deck_key

        if key.startswith("deck."):
            return f"decks.{deck_key(self.app.deck_path)}.{key[5:]}"
        return key

    def _value(self, key: str) -> str:
        from quiz import settings as S

        value = S.get(self.app.settings, self._key(key))
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return " ".join(str(v) for v in value)
        return f"{value:g}" if isinstance(value, float) else str(value)

    def compose(self) -> ComposeResult:
        from quiz import settings as S

        yield Header()
        with VerticalScroll():
            yield Static(self.t("set.file", path=self.app.settings_path), id="set-path",
                         classes="dim")
            with Grid(id="set-form"):
                for key, label, kind in FIELDS:
                    yield Label(self.t(label, deck=self._key("deck.x").split(".")[1]))
                    current = self._value(key)
                    if kind == "lang":
                        yield Select([(self.t("set.auto"), "auto"), ("中文", "zh"),
                                      ("English", "en")], value=current or "auto",
                                     allow_blank=False, id=_wid(key), compact=True)
                    elif kind == "theme":
                        yield Select([(t, t) for t in S.THEMES], value=current,
                                     allow_blank=False, id=_wid(key), compact=True)
                    else:
                        yield Input(current, id=_wid(key), compact=True,
                                    placeholder=self.t("set.none"))
            yield Button(self.t("set.save"), id="set-save", variant="primary")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = self.t("set.title")
        for inp in self.query(Input):
            inp.cursor_blink = not self.app.is_headless

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "set-save":
            event.stop()
            self.action_save()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        from quiz import settings as S

        updated = self.app.settings
        for key, _, kind in FIELDS:
            widget = self.query_one(f"#{_wid(key)}")
            # An empty field: "no value" for optional keys, an error naming the key otherwise.
            raw = widget.value if kind != "input" else widget.value.strip()
            try:
                updated = S.with_value(updated, self._key(key), raw, where=self.t("set.title"))
            except S.SettingsError as e:
                self.notify(str(e), severity="error", timeout=8)
                widget.focus()
                return
        if not self.app.save_settings(updated):
            return
        if updated.lang and updated.lang != self.app.lang:
            self.app.lang = updated.lang
        if updated.theme != self.app.theme:
            self.app.theme = updated.theme
        self.notify(self.t("set.saved", path=self.app.settings_path), timeout=4)
        self.app.pop_screen()
