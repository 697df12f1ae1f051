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
    assert list(cache.glob("deck-*.json"))
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
    assert not list((tmp_path / "cache").glob("deck-*.json"))


def test_damaged_cache_file_is_ignored(tmp_path, deck_path):
    cache = tmp_path / "cache"
    deck = load_deck_cached(deck_path, cache)
    for f in cache.glob("deck-*.json"):
        f.write_bytes(b"garbage")
    assert load_deck_cached(deck_path, cache) == deck


def test_summary_served_without_building_cards(tmp_path, deck_path):
    from quiz.deck.cache import load_summary

    cache = tmp_path / "cache"
    assert load_summary(deck_path, cache) is None  # nothing cached yet
    deck = load_deck_cached(deck_path, cache)
    summary = load_summary(deck_path, cache)
    assert summary["ids"] == tuple(deck.ids()) and summary["title"] == deck.title


# -- a data folder holds data, never code (reliability review C1, C2, C4) -------------------

class _Plant:
    """Unpickling this runs a command: what a planted cache file did to the old pickle cache."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


def test_a_planted_pickle_is_never_unpickled(tmp_path, deck_path):
    import pickle

    from quiz.deck.cache import _cache_file

    cache = tmp_path / "cache"
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Plant(marker))
    cache.mkdir()
    # At the old names (deck-<path>.pickle / .summary) and at the new ones.
    old = "".join(c if c.isalnum() else "_" for c in str(deck_path.resolve()))[-120:]
    for name in (f"deck-{old}.pickle", f"deck-{old}.summary"):
        (cache / name).write_bytes(payload)
    for kind in ("deck", "summary"):
        _cache_file(cache, deck_path, kind).write_bytes(payload)
    from quiz.deck.cache import load_summary

    assert load_summary(deck_path, cache) is None
    assert load_deck_cached(deck_path, cache) == load_deck(deck_path)
    assert not marker.exists()
    assert load_summary(deck_path, cache)["ids"] == tuple(load_deck(deck_path).ids())


def test_cache_files_another_user_can_write_are_refused_with_a_message(tmp_path, deck_path,
                                                                         capsys):
    from dataclasses import replace

    from quiz.deck.cache import _cache_file, _store, cache_key, load_summary

    cache = tmp_path / "cache"
    real = load_deck_cached(deck_path, cache)
    # A forged deck under the right key: only the file's owner and mode give it away.
    forged = replace(real, title={"zh": "伪", "en": "Forged"})
    target = _cache_file(cache, deck_path)
    _store(target, cache_key(deck_path), forged)
    assert load_deck_cached(deck_path, cache).title["en"] == "Forged"  # our own: trusted
    summary = _cache_file(cache, deck_path, "summary")
    for f in (target, summary):
        f.chmod(0o666)
    assert load_summary(deck_path, cache) is None
    assert load_deck_cached(deck_path, cache) == real
    err = capsys.readouterr().err
    assert str(target) in err and "writable by every user" in err and str(summary) in err
    # Rewritten as this user's own files, which are then used again.
    assert not target.stat().st_mode & 0o022
    assert load_summary(deck_path, cache)["title"] == real.title


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user (chown) needs root")
def test_cache_file_owned_by_another_user_is_refused(tmp_path, deck_path, capsys):
    from quiz.deck.cache import _cache_file

    cache = tmp_path / "cache"
    real = load_deck_cached(deck_path, cache)
    target = _cache_file(cache, deck_path)
    os.chown(target, 65534, 65534)
    assert load_deck_cached(deck_path, cache) == real
    assert "owned by another user (uid 65534" in capsys.readouterr().err


def test_an_edit_keeping_size_and_mtime_is_not_served_stale(tmp_path, deck_path):
    deck_file = tmp_path / "deck.yaml"
    deck_file.write_text(deck_path.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    assert load_deck_cached(deck_file, cache).title["en"] == "Test deck"
    st = deck_file.stat()
    text = deck_file.read_text(encoding="utf-8").replace("Test deck", "Tent deck")
    deck_file.write_text(text, encoding="utf-8")  # same length
    os.utime(deck_file, ns=(st.st_atime_ns, st.st_mtime_ns))  # as cp -p or touch -d leave it
    assert deck_file.stat().st_size == st.st_size
    assert load_deck_cached(deck_file, cache).title["en"] == "Tent deck"


def test_a_refused_summary_is_rewritten_on_the_next_deck_load(tmp_path, deck_path, capsys):
    from quiz.deck.cache import _cache_file, load_summary

    cache = tmp_path / "cache"
    deck = load_deck_cached(deck_path, cache)
    summary = _cache_file(cache, deck_path, "summary")
    summary.chmod(0o666)
    assert load_summary(deck_path, cache) is None  # refused, with a message
    assert load_deck_cached(deck_path, cache) == deck  # served from the deck file
    assert load_summary(deck_path, cache)["ids"] == tuple(deck.ids())
    assert "writable by every user" in capsys.readouterr().err
