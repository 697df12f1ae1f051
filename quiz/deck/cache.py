"""A pickle cache of the loaded deck, so that opening the app does not re-parse YAML.

Parsing and validating the shipped deck with PyYAML's pure-Python loader takes most of a
second; unpickling the result takes milliseconds. The cache key covers every deck file
(path, size, mtime) and the loader and model sources, so any edit to the deck or to the
validation rules misses the cache and goes through ``load_deck`` (which reports problems
as usual). The app and ``quiz grade --jsonl`` use it; ``quiz lint`` always parses.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")  # as in quiz.deck.loader
KEEP = 8  # cached decks kept, one per deck path


def _deck_files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.suffix in YAML_SUFFIXES and f.is_file())
    return [p]


def cache_key(path: Path) -> str | None:
    """The deck files' identity and that of the code that builds a Deck, as text.

    Kept as plain text inside the cache file and compared whole (no hashlib: loading
    OpenSSL costs more at start-up than the comparison)."""
    import quiz.deck  # the package only: quiz.deck.model costs an import of dataclasses

    here = Path(quiz.deck.__file__).parent
    parts: list[str] = [str(path.resolve())]
    try:
        for f in [*_deck_files(path), here / "loader.py", here / "model.py", here / "errors.py"]:
            st = f.stat()
            parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return None
    return "\n".join(parts)


def _cache_file(cache_dir: Path, path: Path, kind: str = "pickle") -> Path:
    name = "".join(c if c.isalnum() else "_" for c in str(path.resolve()))[-120:]
    return cache_dir / f"deck-{name}.{kind}"


def _deck_path(path: str | os.PathLike | None) -> Path:
    if path is None:
        # quiz.deck.loader.default_deck_path(), without importing the loader (and PyYAML)
        # on a cache hit.
        from quiz.paths import shipped_deck_dir

        return shipped_deck_dir()
    return Path(path)


def summary(deck) -> dict:
    """What the home screen shows of a deck: title, languages, card ids."""
    return {"title": dict(deck.title), "languages": tuple(deck.languages),
            "ids": tuple(c.id for c in deck.cards), "path": deck.path}


def load_summary(path: str | os.PathLike | None, cache_dir: Path) -> dict | None:
    """The cached summary of an unchanged deck (plain data: no Card objects to build), or
    None when there is none yet or the deck changed."""
    p = _deck_path(path)
    key = cache_key(p) if p.exists() else None
    target = _cache_file(cache_dir, p, "summary") if key else None
    if target is None or not target.is_file():
        return None
    try:
        with target.open("rb") as fh:
            stored_key, data = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged cache is ignored
        return None
    return data if stored_key == key and isinstance(data, dict) else None


def load_deck_cached(path: str | os.PathLike | None, cache_dir: Path):
    """``quiz.deck.loader.load_deck(path)``, served from ``cache_dir`` when nothing changed."""
    from quiz.deck.model import Deck

    p = _deck_path(path)
    key = cache_key(p) if p.exists() else None
    target = _cache_file(cache_dir, p) if key else None
    if target is not None and target.is_file():
        try:
            with target.open("rb") as fh:
                stored_key, deck = pickle.load(fh)
            if stored_key == key and isinstance(deck, Deck):
                return deck
        except Exception:  # noqa: BLE001 - a damaged or stale cache is ignored and rewritten
            pass
    from quiz.deck.loader import load_deck

    deck = load_deck(path)  # DeckError propagates: a broken deck is never cached
    if target is not None:
        _store(target, key, deck)
        _store(_cache_file(cache_dir, p, "summary"), key, summary(deck))
    return deck


def _store(target: Path, key: str, data) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump((key, data), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        old = sorted(target.parent.glob(f"deck-*{target.suffix}"),
                     key=lambda f: f.stat().st_mtime)
        for f in old[:-KEEP]:
            f.unlink(missing_ok=True)
    except OSError:
        pass  # no cache is only slower
