"""Studying a deck just imported from markdown: no key points, graded against the model
answer, and the screen says so (B5)."""

from __future__ import annotations

DECK = """\
title: notes
languages: [en]
cards:
- id: dynamic-quant
  seed: [1]
  question:
    en: What does dynamic quantization do?
  answer:
    en: It stores weights as int8 and quantizes activations on the fly at run time.
"""


async def test_an_imported_card_is_graded_against_its_model_answer(make_app, tmp_path):
    deck = tmp_path / "d.yaml"
    deck.write_text(DECK, encoding="utf-8")
    app = make_app(deck_path=deck)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        await pilot.press(*"It stores weights as int8 and quantizes activations at run time")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.phase == "graded"
        assert screen.answered.verdict == "correct"
        points = str(screen.query_one("#panel-points").render())
        assert "graded against its model answer" in points
        assert "✓" in points
