"""A JSON cache of the loaded deck, so that opening the app does not re-parse YAML.

Parsing and validating the shipped deck with PyYAML takes a tenth of a second or more;
reading the cached result takes milliseconds. The cache key covers every deck file
(path, size, mtime and a CRC-32 of its bytes, so an edit that keeps size and mtime, as
``cp -p`` or ``touch -d`` do, still misses) and the sources of the loader and the model, so
any edit to the deck or to the validation rules goes through ``load_deck`` (which reports
problems as usual). The app and ``quiz grade --jsonl`` use it; ``quiz lint`` always parses.

A data folder may be shared or copied, so the cache holds data only: JSON, whose reading
cannot run code (it was a pickle, and unpickling a planted file ran it). The key is the
first line and is compared before the rest is decoded, the dataclasses are rebuilt by name
from a fixed list, and a file owned or writable by another user is not read at all
(quiz.ownership): it is reported on stderr and the deck is parsed instead.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")  # as in quiz.deck.loader
KEEP = 8  # cached decks kept, one per deck path
FORMAT = 2  # 1 was a pickle; part of the key, so a change of layout misses the cache


def _deck_files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.suffix in YAML_SUFFIXES and f.is_file())
    return [p]


def cache_key(path: Path) -> str | None:
    """The deck files' identity and that of the code that builds a Deck, as text.

    Kept as a JSON string on the cache file's first line and compared whole. A CRC-32 of each
    file's bytes (zlib: no OpenSSL to load at start-up, as hashlib would) catches edits
    that keep size and mtime; it guards against stale data, not against an attacker,
    whom the ownership check keeps out."""
    import quiz.deck  # the package only: quiz.deck.model costs an import of dataclasses

    here = Path(quiz.deck.__file__).parent
    parts: list[str] = [f"v{FORMAT}", str(path.resolve())]
    try:
        for f in [*_deck_files(path), here / "loader.py", here / "model.py", here / "errors.py"]:
            with open(f, "rb") as fh:
                st = os.fstat(fh.fileno())
                crc = zlib.crc32(fh.read())
            parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}:{crc:08x}")
    except OSError:
        return None
    return "\n".join(parts)


def _cache_file(cache_dir: Path, path: Path, kind: str = "deck") -> Path:
    name = "".join(c if c.isalnum() else "_" for c in str(path.resolve()))[-120:]
    return cache_dir / f"deck-{name}.{kind}.json"


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


def load_summary(path: str | os.PathLike | None, cache_dir: Path,
                 warn=None) -> dict | None:
    """The cached summary of an unchanged deck (plain data: no Card objects to build), or
    None when there is none yet or the deck changed."""
    p = _deck_path(path)
    key = cache_key(p) if p.exists() else None
    target = _cache_file(cache_dir, p, "summary") if key else None
    data = _read(target, key, warn) if target is not None else None
    if not isinstance(data, dict) or not {"title", "languages", "ids", "path"} <= data.keys():
        return None
    return {**data, "languages": tuple(data["languages"]), "ids": tuple(data["ids"])}


def load_deck_cached(path: str | os.PathLike | None, cache_dir: Path, warn=None):
    """``quiz.deck.loader.load_deck(path)``, served from ``cache_dir`` when nothing changed.

    ``warn(message)`` (default: a line on stderr) hears of a cache file that was refused
    because another user owns it or may write it."""
    from quiz.ownership import foreign_reason

    p = _deck_path(path)
    key = cache_key(p) if p.exists() else None
    target = _cache_file(cache_dir, p) if key else None
    if target is not None:
        deck = _read(target, key, warn, _decode_object)
        if deck is not None and type(deck).__name__ == "Deck":
            s = _cache_file(cache_dir, p, "summary")
            if not s.is_file() or foreign_reason(s):  # refused or lost: this user's again
                _store(s, key, summary(deck))
            return deck
    from quiz.deck.loader import load_deck

    deck = load_deck(path)  # DeckError propagates: a broken deck is never cached
    if target is not None:
        _store(target, key, deck)
        _store(_cache_file(cache_dir, p, "summary"), key, summary(deck))
    return deck


def _read(target: Path, key: str, warn, hook=None):
    """The data stored under ``key`` in ``target``, or None (missing, stale, damaged or
    refused). Nothing is decoded before the key on the first line matches."""
    try:
        fh = open(target, "rb")
    except OSError:
        return None
    with fh:
        try:
            from quiz.ownership import foreign_reason, refusal

            reason = foreign_reason(target, os.fstat(fh.fileno()))
            if reason:
                (warn or _warn_stderr)(refusal(target, reason) + "; the deck was parsed instead")
                return None
            if fh.readline().rstrip(b"\n") != _key_line(key):
                return None
            return json.loads(fh.read(), object_hook=hook)
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None  # a damaged or stale cache is ignored, and rewritten


def _key_line(key: str) -> bytes:
    return json.dumps(key).encode("ascii")  # ASCII, one line whatever the paths hold


def _warn_stderr(message: str) -> None:
    print(f"quiz: {message}", file=sys.stderr)


def _classes() -> dict:
    from quiz.deck import model

    return {c.__name__: c for c in (model.Deck, model.Card, model.KeyPoint,
                                    model.Misconception, model.Claim)}


_CLASSES: dict = {}
TAG = "__dataclass__"


def _decode_object(obj: dict):
    """json object_hook: a tagged object back into its model dataclass (one of a fixed
    list, built with keyword arguments only); the model's sequences are tuples."""
    name = obj.pop(TAG, None)
    for k, v in obj.items():
        if type(v) is list:
            obj[k] = tuple(v)
    if name is None:
        return obj
    if not _CLASSES:
        _CLASSES.update(_classes())
    return _CLASSES[name](**obj)  # KeyError/TypeError: not ours, the cache is ignored


def _encode_object(o):
    from dataclasses import fields, is_dataclass

    if is_dataclass(o) and not isinstance(o, type):
        return {TAG: type(o).__name__, **{f.name: getattr(o, f.name) for f in fields(o)}}
    raise TypeError(f"cannot cache a {type(o).__name__}")


def _store(target: Path, key: str, data) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                          default=_encode_object)
        with tmp.open("wb") as fh:
            fh.write(_key_line(key) + b"\n")
            fh.write(body.encode("utf-8"))
        os.replace(tmp, target)
        old = sorted(target.parent.glob(f"deck-*{target.name[target.name.index('.'):]}"),
                     key=lambda f: f.stat().st_mtime)
        for f in old[:-KEEP]:
            f.unlink(missing_ok=True)
        for f in target.parent.glob("deck-*.pickle"):  # the old format's files
            f.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        pass  # no cache is only slower
