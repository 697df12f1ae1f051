"""A pickle cache of the loaded deck, so that opening the app does not re-parse YAML.

Parsing and validating the shipped deck with PyYAML's pure-Python loader takes most of a
second; unpickling the result takes milliseconds. The cache key covers every deck file
(path, size, mtime) and the loader and model sources, so any edit to the deck or to the
validation rules misses the cache and goes through ``load_deck`` (which reports problems
as usual). Only the app uses this; ``quiz lint`` and the headless commands always parse.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")  # as in quiz.deck.loader
KEEP = 4  # cached decks kept (one per deck path in use, roughly)


def _deck_files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.suffix in YAML_SUFFIXES and f.is_file())
    return [p]


def cache_key(path: Path) -> str | None:
    """A digest of the deck files' identity and of the code that builds a Deck."""
    import quiz.deck.model as model

    here = Path(model.__file__).parent
    parts: list[str] = [str(path.resolve())]
    try:
        for f in [*_deck_files(path), here / "loader.py", here / "model.py", here / "errors.py"]:
            st = f.stat()
            parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def load_deck_cached(path: str | os.PathLike | None, cache_dir: Path):
    """``quiz.deck.loader.load_deck(path)``, served from ``cache_dir`` when nothing changed."""
    from quiz.deck.model import Deck

    if path is None:
        # quiz.deck.loader.default_deck_path(), without importing the loader (and PyYAML)
        # on a cache hit: content/ beside the quiz package.
        import quiz.deck.model as model

        p = Path(model.__file__).resolve().parents[2] / "content"
    else:
        p = Path(path)
    key = cache_key(p) if p.exists() else None
    target = cache_dir / f"deck-{key}.pickle" if key else None
    if target is not None and target.is_file():
        try:
            with target.open("rb") as fh:
                deck = pickle.load(fh)
            if isinstance(deck, Deck):
                return deck
        except Exception:  # noqa: BLE001 - a damaged cache is ignored and rewritten
            pass
    from quiz.deck.loader import load_deck

    deck = load_deck(path)  # DeckError propagates: a broken deck is never cached
    if target is not None:
        _store(target, deck)
    return deck


def _store(target: Path, deck) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump(deck, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        old = sorted(target.parent.glob("deck-*.pickle"), key=lambda f: f.stat().st_mtime)
        for f in old[:-KEEP]:
            f.unlink(missing_ok=True)
    except OSError:
        pass  # no cache is only slower
