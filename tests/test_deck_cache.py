"""The deck cache (app and `quiz grade --jsonl`): same deck as the loader; any edit misses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quiz.deck.cache import load_deck_cached
from quiz.deck.errors import DeckError
from quiz.deck.loader import load_deck


@pytest.fixture
def deck_path() -> Path:
    return Path(__file__).parent / "tui" / "deck.yaml"


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
    from quiz.deck.cache import load_summary

    cache = tmp_path / "cache"
    assert load_summary(deck_path, cache) is None  # nothing cached yet
    deck = load_deck_cached(deck_path, cache)
    summary = load_summary(deck_path, cache)
    assert summary["ids"] == tuple(deck.ids()) and summary["title"] == deck.title
