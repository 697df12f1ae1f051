"""What every quizlab screen shares: the UI language and localized footer keys."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual.screen import ModalScreen, Screen

from quiz.errors import QuizError
from quiz.tui.bindings import localize_bindings
from quiz.tui.i18n import t

T = TypeVar("T")


def error_text(e: BaseException) -> str:
    """A user-facing error as is; anything else with its type, so a bug is still legible."""
    return str(e) if isinstance(e, QuizError) else f"{type(e).__name__}: {e}"


def error_title(e: BaseException) -> str:
    """The i18n key of the title an error is shown under: its type's own (a StoreError is a
    "Database error", a DiskError a "Disk error"); anything that is not a QuizError is a
    bug, and says so, rather than posing as a database error."""
    return e.title if isinstance(e, QuizError) else "error.bug"


def guarded(method: Callable[..., T]) -> Callable[..., T | None]:
    """The one guard on screens: an action or handler that raises shows the error through
    the app's reporter (a modal titled by the error's type) and the app goes on."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T | None:
        try:
            return method(self, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 - reported, never a traceback
            self.app.report_error(e)
            return None

    return wrapper


class LangMixin:
    """``self.t(key)`` in the app's language; ``apply_lang`` re-renders after a switch."""

    @property
    def lang(self) -> str:
        return self.app.lang  # type: ignore[attr-defined]

    def t(self, key: str, **fmt: object) -> str:
        return t(key, self.lang, **fmt)

    def _localize(self) -> None:
        localize_bindings(self, self.lang)  # type: ignore[arg-type]

    async def apply_lang(self) -> None:
        """Called by the App after a language switch. Default: rebuild the screen, then
        ``populate()`` it again (what on_mount filled in is gone after a recompose)."""
        self._localize()
        await self.recompose()  # type: ignore[attr-defined]
        self.populate()
        self.refresh_bindings()  # type: ignore[attr-defined]

    def _follow_lang(self) -> None:
        """Re-render on a language switch: Textual's own watcher on the app's ``lang``
        (dropped when the screen closes), not a fan-out from the app."""
        self.watch(self.app, "lang", self._lang_changed, init=False)  # type: ignore[attr-defined]

    def _lang_changed(self, lang: str) -> None:
        self.app.call_later(self.apply_lang)  # type: ignore[attr-defined]

    def populate(self) -> None:
        """Fill widgets with data after compose (tables, figures); called on mount too."""

    def follow_labs(self) -> None:
        """Call ``self.on_lab_event(msg)`` for every message of the lab worker: a
        subscription to the App's ``lab_events`` Signal (dropped when the screen unmounts),
        not a fan-out over the screens. Called from a screen's on_mount."""
        self.app.lab_events.subscribe(self, self.on_lab_event,  # type: ignore[attr-defined]
                                      immediate=True)

    def on_lab_event(self, msg: Any) -> None:
        """A lab's progress, log line, result or failure (after the App kept its state)."""


class QuizScreen(LangMixin, Screen):
    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO, so subclasses need not chain.
        self._localize()
        self._follow_lang()


class QuizModal(LangMixin, ModalScreen):
    def on_mount(self) -> None:
        self._localize()
        self._follow_lang()
