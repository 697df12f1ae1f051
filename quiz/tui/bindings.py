"""Binding texts in the app's language: the one place that edits Textual's binding table.

A leaf of the TUI: the App and every screen import it, and it imports neither of them
(it used to live in ``quiz/tui/app.py``, which made ``quiz.tui.screens.base`` import the
App that imports every screen: a cycle of eleven modules).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from quiz.tui.i18n import BINDING_GROUPS, t


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Give every binding with an id the description ``key.<id>`` in ``lang``."""
    for bindings in node._bindings.key_to_bindings.values():
        for i, b in enumerate(bindings):
            if b.id in BINDING_GROUPS and b.group is not None:
                b = bindings[i] = replace(b, group=Binding.Group(
                    t(BINDING_GROUPS[b.id], lang), compact=b.group.compact))
            if b.id:
                text = t(f"key.{b.id}", lang)
                if text != f"key.{b.id}" and text != b.description:
                    bindings[i] = replace(b, description=text)
