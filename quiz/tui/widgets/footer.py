"""The footer: every active key binding on one line, drawn by a single widget.

Textual's Footer builds one widget per key and rebuilds them all on every bindings change
(each focus move). With a dozen keys that was the largest cost of opening the app, so
this footer renders the same information (keys, descriptions, groups, disabled keys
dimmed, the command palette key on the right) as one line of text, re-rendered when the
screen's bindings change. A click on a key presses it, as with Textual's footer.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

DISABLED = Style(dim=True)
NARROW = 110  # below this many columns the keys are drawn compact, so more of them fit


class Item(NamedTuple):
    key: str  # what a click simulates
    display: str  # "^s", "1234"
    description: str
    enabled: bool


class QuizFooter(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer--key", "footer--description", "footer--palette"}
    DEFAULT_CSS = """
    QuizFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        & > .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer--palette {
            color: $foreground 20%;
        }
    }
    """

    compact = reactive(False)

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(QuizFooter.compact, self.app.size.width < NARROW)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each key drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < NARROW

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def items(self) -> tuple[list[Item], Item | None]:
        """The keys to show, grouped as Textual's footer groups them; and the palette key."""
        active = self.screen.active_bindings
        by_action: dict[str, list] = defaultdict(list)
        for _node, binding, enabled, _tip in active.values():
            if binding.show and binding.key != self.app.COMMAND_PALETTE_BINDING:
                by_action[binding.action].append((binding, enabled))
        items: list[Item] = []
        for group, members in groupby(by_action.values(), lambda m: m[0][0].group):
            members = list(members)
            if group is not None and len(members) > 1:
                keys = [self.app.get_key_display(m[0][0]) for m in members]
                sep = "" if group.compact else " "
                items.append(Item(members[0][0][0].key, sep.join(keys), group.description,
                                  any(m[0][1] for m in members)))
            else:
                for m in members:
                    binding, enabled = m[0]
                    items.append(Item(binding.key, self.app.get_key_display(binding),
                                      binding.description, enabled))
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = Item(binding.key, self.app.get_key_display(binding),
                           binding.description or "palette", enabled)
        return items, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer--key")
        desc_style = self.get_component_rich_style("footer--description")
        items, palette = self.items()
        # Compact (narrow terminals): "^s Submit ^o Show" rather than " ^s Submit  ^o Show".
        pad, gap = ("", " ") if self.compact else (" ", "  ")
        text = Text(no_wrap=True, overflow="ellipsis")
        spans: list[tuple[int, int, str]] = []
        for item in items:
            start = text.cell_len
            extra = Style() if item.enabled else DISABLED
            text.append(f"{pad}{item.display}{pad}", style=key_style + extra)
            if item.description:
                text.append(f" {item.description}" if not pad else item.description,
                            style=desc_style + extra)
            spans.append((start, text.cell_len, item.key))
            text.append(gap)
        width = self.size.width
        if palette is not None and width:
            right = Text.assemble(("▏", self.get_component_rich_style("footer--palette")),
                                  (f"{palette.display} ", key_style),
                                  (palette.description, desc_style), " ")
            room = width - right.cell_len
            if text.cell_len > room:
                text.truncate(max(0, room - 1))  # the text's overflow adds the ellipsis
            text.append(" " * max(0, room - text.cell_len))
            spans.append((text.cell_len, text.cell_len + right.cell_len, palette.key))
            text.append_text(right)
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
