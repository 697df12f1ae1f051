"""The app's deck cache: same deck as the loader, and any edit to the deck misses it."""

from __future__ import annotations

import os

import pytest

from quiz.deck.errors import DeckError
from quiz.deck.loader import load_deck
from quiz.tui.deckcache import load_deck_cached


def test_cached_deck_equals_loaded_and_follows_edits(tmp_path, deck_path):
    deck_file = tmp_path / "deck.yaml"
    deck_file.write_text(deck_path.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_deck_cached(deck_file, cache)
    assert first == load_deck(deck_file)
    assert list(cache.glob("deck-*.pickle"))
    assert load_deck_cached(deck_file, cache) == first  # served from the cache

    text = deck_file.read_text(encoding="utf-8").replace("Test deck", "Edited deck")
    deck_file.write_text(text, encoding="utf-8")
    st = deck_file.stat()
    os.utime(deck_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert load_deck_cached(deck_file, cache).title["en"] == "Edited deck"


def test_broken_deck_is_not_cached(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ncards: []\n", encoding="utf-8")
    with pytest.raises(DeckError):
        load_deck_cached(bad, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("deck-*.pickle"))


def test_damaged_cache_file_is_ignored(tmp_path, deck_path):
    cache = tmp_path / "cache"
    deck = load_deck_cached(deck_path, cache)
    for f in cache.glob("deck-*.pickle"):
        f.write_bytes(b"garbage")
    assert load_deck_cached(deck_path, cache) == deck


def test_summary_served_without_building_cards(tmp_path, deck_path):
    from quiz.tui.deckcache import load_summary

    cache = tmp_path / "cache"
    assert load_summary(deck_path, cache) is None  # nothing cached yet
    deck = load_deck_cached(deck_path, cache)
    summary = load_summary(deck_path, cache)
    assert summary["ids"] == tuple(deck.ids()) and summary["title"] == deck.title


async def test_app_starts_from_summary_and_loads_deck_on_use(make_app):
    warm = make_app()
    async with warm.run_test() as pilot:  # first start: parses and caches
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.summary is not None and app._deck is None
        assert "3 cards" in str(app.screen.query_one("#home-counts").render())
        await pilot.press("b")
        await pilot.pause()
        assert app._deck is not None and len(app._deck.cards) == 3
