"""The footer, minus redundant rebuilds.

Textual's Footer recomposes (every key widget anew) whenever the screen publishes a
bindings change, which also happens on each focus move. This one rebuilds only when what
it shows (keys, descriptions, enabled state) actually changed: a cheaper start-up and
no flicker when tabbing through a form.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class QuizFooter(Footer):
    _shown: tuple | None = None

    def _signature(self, screen: Screen) -> tuple:
        return tuple((key, b.description, b.id, enabled, b.group.description if b.group else "")
                     for key, (_, b, enabled, _tip) in screen.active_bindings.items()
                     if b.show)

    def on_resize(self) -> None:
        # Narrow terminals: drop the padding between keys so more of them fit.
        self.compact = self.size.width < 110

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            signature = self._signature(screen)
            if signature == self._shown and self._bindings_ready:
                return
            self._shown = signature
        super().bindings_changed(screen)
