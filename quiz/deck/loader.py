"""Load a deck from a YAML file or a folder of YAML files, with strict validation.

Only safe YAML loading is used. Every problem is collected (not just the first) and
named by file, line and field, e.g. ``content/x.yaml:42: cards[3].claims[0].verdict: ...``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from quiz.deck.errors import DeckError, Problem
from quiz.deck.model import LANGS, VERDICTS, Card, Claim, Deck, KeyPoint, Misconception

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
URL = re.compile(r"^https?://\S+$")
YAML_SUFFIXES = (".yaml", ".yml")
LEXICON_FILE = "lexicon.yaml"
# libyaml's safe loader when PyYAML was built with it (10x faster on the shipped deck:
# 0.09 s instead of 0.87 s); both keep node marks, which the line numbers come from.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[Any, ...]


def default_deck_path() -> Path:
    """The shipped deck: package data in a wheel, ``content/`` in a checkout."""
    from quiz.paths import shipped_deck_dir

    return shipped_deck_dir()


def load_deck(path: str | Path | None = None) -> Deck:
    """Load and validate a deck; raise DeckError listing every problem found."""
    p = Path(path) if path is not None else default_deck_path()
    if not p.exists():
        raise DeckError([Problem(str(p), 0, "", "no such file or folder")])
    if p.is_dir():
        # a deck folder's lexicon.yaml is the grader's concept lexicon, not cards
        files = sorted(f for f in p.rglob("*") if f.suffix in YAML_SUFFIXES and f.is_file()
                       and f.name != LEXICON_FILE)
        if not files:
            raise DeckError([Problem(str(p), 0, "", "folder holds no .yaml or .yml deck files")])
    else:
        files = [p]

    problems: list[Problem] = []
    parts = [_load_file(f, problems) for f in files]
    parts = [x for x in parts if x is not None]

    title: dict[str, str] = {}
    languages: tuple[str, ...] = ()
    cards: list[Card] = []
    for fname, ftitle, flangs, fcards in parts:
        if not title:
            title, languages = ftitle, flangs
        elif flangs != languages:
            problems.append(
                Problem(
                    fname,
                    1,
                    "languages",
                    f"{list(flangs)} differs from {list(languages)} "
                    f"in {parts[0][0]}; all files of a deck share one language list",
                )
            )
        cards.extend(fcards)

    _check_across_cards(cards, problems)
    if not problems and not cards:
        problems.append(Problem(str(p), 0, "cards", "the deck has no cards"))
    if problems:
        raise DeckError(problems)
    return Deck(title=title, languages=languages, cards=share_misconceptions(cards), path=str(p))


def share_misconceptions(cards: list[Card]) -> tuple[Card, ...]:
    """Each card with the deck's shared misconceptions of other cards (``shared: true``: a
    statement false whatever the question, such as "ExecuTorch only runs on Android"), which
    its answers are also checked against. A card's own misconception of the same id wins;
    of two shared ones with one id, the first in deck order."""
    pool: dict[str, Misconception] = {}
    home: dict[str, str] = {}
    for c in cards:
        for m in c.misconceptions:
            if m.shared and m.id not in pool:
                pool[m.id] = m
                home[m.id] = c.id
    if not pool:
        return tuple(cards)
    out = []
    for c in cards:
        own = {m.id for m in c.misconceptions}
        extra = tuple(m for mid, m in pool.items() if mid not in own and home[mid] != c.id)
        out.append(replace(c, shared_misconceptions=extra) if extra else c)
    return tuple(out)


def _check_across_cards(cards: list[Card], problems: list[Problem]) -> None:
    seen: dict[str, Card] = {}
    seeds: dict[int, Card] = {}
    for c in cards:
        if c.id in seen:
            first = seen[c.id]
            problems.append(
                Problem(
                    c.source,
                    c.line,
                    "id",
                    f"duplicate card id {c.id!r} (first at {first.source}:{first.line})",
                )
            )
        else:
            seen[c.id] = c
        for n in c.seed:
            if n in seeds and seeds[n].id != c.id:
                problems.append(
                    Problem(
                        c.source,
                        c.line,
                        f"{c.id}.seed",
                        f"seed question {n} is already covered by card {seeds[n].id!r}; "
                        "merge duplicates into one card",
                    )
                )
            seeds.setdefault(n, c)


def _load_file(f: Path, problems: list[Problem]):
    parsed = read_yaml(f, problems, "a deck needs title, languages and cards")
    if parsed is None:
        return None
    node, data = parsed
    name = str(f)
    lines: dict[PathKey, int] = {}
    _index_lines(node, (), lines, name, problems)
    v = _Validator(name, lines, problems)
    return v.deck_file(data)


def read_yaml(f: Path, problems: list[Problem], empty_hint: str):
    """(node, data) of one YAML file, or None with the reason added to ``problems``."""
    name = str(f)
    try:
        raw = f.read_bytes()
    except OSError as e:
        problems.append(Problem(name, 0, "", f"cannot read: {e.strerror or e}"))
        return None
    if b"\x00" in raw:
        problems.append(Problem(name, 0, "", "binary file, not YAML text"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(name, 0, "", f"not UTF-8 text (byte {e.start})"))
        return None
    if not text.strip():
        problems.append(Problem(name, 0, "", f"empty file; {empty_hint}"))
        return None
    try:
        loader = _SafeLoader(text)
        try:
            node = loader.get_single_node()
            # Bounded before anything walks the data: aliases can make a tiny file expand
            # without limit ("billion laughs") or refer to themselves, and deep nesting
            # would exhaust Python's stack in the walks below.
            if node is not None and not _within_bounds(node, name, problems):
                return None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        problems.append(Problem(name, line, "", f"YAML syntax: {e.problem or e}"))
        return None
    except yaml.YAMLError as e:
        problems.append(Problem(name, 0, "", f"YAML error: {e}"))
        return None
    return node, data


# A deck nests 7 levels deep (cards[i].key_points[j].en[k]); far beyond that is not a deck.
MAX_DEPTH = 32
# Values that aliases may add by repeating what they point at: generous for shared lists
# (tags, sources), far below what would take memory or minutes to walk.
ALIAS_BUDGET = 100_000


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _within_bounds(root, name: str, problems: list[Problem]) -> bool:
    """Check the composed node graph (iteratively: no recursion) for a cycle, nesting
    deeper than MAX_DEPTH, or aliases that expand it by more than ALIAS_BUDGET values;
    report the first found as a problem at its line."""

    def fail(node, message: str) -> bool:
        problems.append(Problem(name, node.start_mark.line + 1, "", message))
        return False

    sizes: dict[int, int] = {}  # id(node) -> how many values it expands to
    on_path = {id(root)}
    frames = [[root, iter(_children(root)), 1]]  # node, children left, size so far
    extra = 0  # values added by aliases, beyond the file's own nodes
    while frames:
        frame = frames[-1]
        node, children, _ = frame
        child = next(children, None)
        if child is None:
            frames.pop()
            on_path.discard(id(node))
            sizes[id(node)] = frame[2]
            if frames:
                frames[-1][2] += frame[2]
            continue
        if id(child) in on_path:
            return fail(node, "an alias refers to a node that contains it (a recursive "
                        f"structure, anchored at line {child.start_mark.line + 1})")
        if id(child) in sizes:  # the node an alias points at, met again
            frame[2] += sizes[id(child)]
            extra += sizes[id(child)]
            if extra > ALIAS_BUDGET:
                return fail(node, f"aliases expand the file by more than {ALIAS_BUDGET:,} "
                            "values (nested aliases, a \"billion laughs\"); write the values "
                            "out instead")
            continue
        if len(frames) >= MAX_DEPTH:
            return fail(child, f"nested more than {MAX_DEPTH} levels deep (a deck needs 7)")
        on_path.add(id(child))
        frames.append([child, iter(_children(child)), 1])
    return True


def _index_lines(node, path: PathKey, lines: dict, name: str, problems: list[Problem]) -> None:
    """Map each field path to its line; also catch duplicate keys, which YAML silently drops."""
    if node is None:
        return
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for k, val in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else repr(k)
            if key in seen:
                problems.append(
                    Problem(
                        name,
                        k.start_mark.line + 1,
                        _fmt(path + (key,)),
                        "duplicate key (YAML would keep only the last)",
                    )
                )
            seen.add(key)
            lines[path + (key,)] = k.start_mark.line + 1
            _index_lines(val, path + (key,), lines, name, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _index_lines(item, path + (i,), lines, name, problems)


def _fmt(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _kind(value: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


class _Validator:
    def __init__(self, name: str, lines: dict[PathKey, int], problems: list[Problem]):
        self.name, self.lines, self.problems = name, lines, problems
        self.langs: tuple[str, ...] = LANGS
        self.ok = True

    # -- reporting -------------------------------------------------------------------
    def err(self, path: PathKey, message: str) -> None:
        self.ok = False
        line = 0
        for i in range(len(path), -1, -1):
            if path[:i] in self.lines:
                line = self.lines[path[:i]]
                break
        self.problems.append(Problem(self.name, line, _fmt(path), message))

    def keys(self, data: dict, path: PathKey, required: set[str], optional: set[str]) -> None:
        for k in data:
            if k not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.err(path + (k,), f"unknown key (allowed: {allowed})")
        for k in sorted(required - set(data)):
            self.err(path + (k,), "missing")

    # -- typed readers: return None after reporting a problem ------------------------
    def mapping(self, v: Any, path: PathKey) -> dict | None:
        if not isinstance(v, dict):
            self.err(path, f"expected a mapping, got {_kind(v)}")
            return None
        return v

    def seq(self, v: Any, path: PathKey) -> list | None:
        if not isinstance(v, list):
            self.err(path, f"expected a list, got {_kind(v)}")
            return None
        return v

    def text(self, v: Any, path: PathKey) -> str | None:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)  # YAML reads `2.0` as a number; as text it is fine
        if not isinstance(v, str):
            self.err(path, f"expected text, got {_kind(v)}")
            return None
        if not v.strip():
            self.err(path, "is empty")
            return None
        return v.strip()

    def slug(self, v: Any, path: PathKey) -> str | None:
        s = self.text(v, path)
        if s is not None and not SLUG.match(s):
            self.err(path, f"{s!r} is not a valid id (lowercase letters, digits, '.', '_', '-')")
            return None
        return s

    def bilingual(self, v: Any, path: PathKey) -> dict[str, str] | None:
        m = self.mapping(v, path)
        if m is None:
            return None
        out: dict[str, str] = {}
        for k in m:
            if k not in LANGS:
                self.err(path + (k,), f"unknown language (allowed: {', '.join(LANGS)})")
        for lang in self.langs:
            if lang not in m:
                self.err(path + (lang,), "missing")
                continue
            t = self.text(m[lang], path + (lang,))
            if t is not None:
                out[lang] = t
        for lang in LANGS:
            if lang in m and lang not in out and lang not in self.langs:
                t = self.text(m[lang], path + (lang,))
                if t is not None:
                    out[lang] = t
        return out if len(out) >= len(self.langs) else None

    def phrasings(self, m: dict, path: PathKey) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            if lang not in m:
                if lang in self.langs:
                    self.err(path + (lang,), "missing: list the phrasings in this language")
                continue
            items = self.seq(m[lang], path + (lang,))
            if items is None:
                continue
            if not items:
                self.err(path + (lang,), "needs at least one phrasing")
            got = [self.text(x, path + (lang, i)) for i, x in enumerate(items)]
            out[lang] = tuple(x for x in got if x is not None)
        return out

    def unique_ids(self, items: list, path: PathKey, what: str) -> None:
        seen: set[str] = set()
        for i, it in enumerate(items):
            if isinstance(it, dict) and isinstance(it.get("id"), str):
                if it["id"] in seen:
                    self.err(path + (i, "id"), f"duplicate {what} id {it['id']!r}")
                seen.add(it["id"])

    # -- structure -------------------------------------------------------------------
    def deck_file(self, data: Any):
        top = self.mapping(data, ())
        if top is None:
            return None
        self.keys(top, (), {"title", "languages", "cards"}, set())
        langs = self.seq(top.get("languages", list(LANGS)), ("languages",))
        if langs is not None:
            good = []
            for i, lang in enumerate(langs):
                if lang not in LANGS:
                    self.err(
                        ("languages", i), f"{lang!r} is not supported (use {', '.join(LANGS)})"
                    )
                else:
                    good.append(lang)
            if not langs:
                self.err(("languages",), "needs at least one language")
            if good:
                self.langs = tuple(good)
        title_raw = top.get("title")
        title: dict[str, str] = {}
        if isinstance(title_raw, str):
            title = {lang: title_raw.strip() for lang in self.langs}
        elif "title" in top:
            title = self.bilingual(title_raw, ("title",)) or {}
        cards_raw = self.seq(top.get("cards", []), ("cards",)) if "cards" in top else None
        cards: list[Card] = []
        if cards_raw is not None:
            self.unique_ids(cards_raw, ("cards",), "card")
            for i, raw in enumerate(cards_raw):
                c = self.card(raw, ("cards", i))
                if c is not None:
                    cards.append(c)
        return (self.name, title, self.langs, cards)

    def card(self, raw: Any, path: PathKey) -> Card | None:
        m = self.mapping(raw, path)
        if m is None:
            return None
        before = len(self.problems)
        self.keys(
            m,
            path,
            {"id", "question", "answer"},
            {"seed", "key_points", "misconceptions", "claims", "tags", "difficulty"},
        )
        cid = self.slug(m.get("id"), path + ("id",)) if "id" in m else None
        question = (
            self.bilingual(m.get("question"), path + ("question",)) if "question" in m else None
        )
        answer = self.bilingual(m.get("answer"), path + ("answer",)) if "answer" in m else None

        seed: list[int] = []
        for i, n in enumerate(self.seq(m.get("seed", []), path + ("seed",)) or []):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                self.err(path + ("seed", i), f"expected a seed question number >= 1, got {n!r}")
            elif n in seed:
                self.err(path + ("seed", i), f"seed question {n} listed twice")
            else:
                seed.append(n)

        kps = []
        kp_raw = self.seq(m.get("key_points", []), path + ("key_points",)) or []
        self.unique_ids(kp_raw, path + ("key_points",), "key point")
        for i, kr in enumerate(kp_raw):
            kps.append(self.key_point(kr, path + ("key_points", i)))

        mcs = []
        mc_raw = self.seq(m.get("misconceptions", []), path + ("misconceptions",)) or []
        self.unique_ids(mc_raw, path + ("misconceptions",), "misconception")
        for i, mr in enumerate(mc_raw):
            mcs.append(self.misconception(mr, path + ("misconceptions", i)))

        cls = []
        cl_raw = self.seq(m.get("claims", []), path + ("claims",)) or []
        self.unique_ids(cl_raw, path + ("claims",), "claim")
        for i, cr in enumerate(cl_raw):
            cls.append(self.claim(cr, path + ("claims", i)))

        tags = []
        for i, t in enumerate(self.seq(m.get("tags", []), path + ("tags",)) or []):
            s = self.slug(t, path + ("tags", i))
            if s is not None:
                tags.append(s)

        difficulty = m.get("difficulty", 2)
        if (
            isinstance(difficulty, bool)
            or not isinstance(difficulty, int)
            or not 1 <= difficulty <= 5
        ):
            self.err(path + ("difficulty",), f"expected a whole number 1-5, got {difficulty!r}")
            difficulty = 2

        if len(self.problems) != before or None in (cid, question, answer):
            return None
        if any(x is None for x in (*kps, *mcs, *cls)):
            return None
        return Card(
            id=cid,
            seed=tuple(seed),
            question=question,
            answer=answer,
            key_points=tuple(kps),
            misconceptions=tuple(mcs),
            claims=tuple(cls),
            tags=tuple(tags),
            difficulty=difficulty,
            source=self.name,
            line=self.lines.get(path, 0),
        )

    def key_point(self, raw: Any, path: PathKey) -> KeyPoint | None:
        m = self.mapping(raw, path)
        if m is None:
            return None
        self.keys(m, path, {"id"}, {"weight", "essential", *LANGS})
        kid = self.slug(m.get("id"), path + ("id",)) if "id" in m else None
        w = m.get("weight", 1.0)
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 < w <= 10:
            self.err(path + ("weight",), f"expected a number in (0, 10], got {w!r}")
            w = None
        essential = m.get("essential", False)
        if not isinstance(essential, bool):
            self.err(path + ("essential",), f"expected true or false, got {essential!r}")
            essential = None
        ph = self.phrasings(m, path)
        if kid is None or w is None or essential is None:
            return None
        return KeyPoint(id=kid, weight=float(w), phrasings=ph, essential=essential)

    def misconception(self, raw: Any, path: PathKey) -> Misconception | None:
        m = self.mapping(raw, path)
        if m is None:
            return None
        self.keys(m, path, {"id", "feedback"}, {*LANGS, "shared"})
        mid = self.slug(m.get("id"), path + ("id",)) if "id" in m else None
        ph = self.phrasings(m, path)
        fb = self.bilingual(m.get("feedback"), path + ("feedback",)) if "feedback" in m else None
        shared = m.get("shared", False)
        if not isinstance(shared, bool):
            self.err(path + ("shared",), f"expected true or false, got {shared!r}")
            shared = None
        if mid is None or fb is None or shared is None:
            return None
        return Misconception(id=mid, phrasings=ph, feedback=fb, shared=shared)

    def claim(self, raw: Any, path: PathKey) -> Claim | None:
        m = self.mapping(raw, path)
        if m is None:
            return None
        self.keys(
            m,
            path,
            {"id", "statement", "verdict"},
            {"seed", "correction", "sources", "lab", "finding"},
        )
        clid = self.slug(m.get("id"), path + ("id",)) if "id" in m else None
        stmt = self.text(m.get("statement"), path + ("statement",)) if "statement" in m else None
        verdict = m.get("verdict")
        if isinstance(verdict, bool):  # YAML 1.1 reads bare true/false as booleans
            verdict = "true" if verdict else "false"
        if "verdict" in m and verdict not in VERDICTS:
            self.err(path + ("verdict",), f"{verdict!r} is not one of {', '.join(VERDICTS)}")
            verdict = None
        seed = m.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 1):
            self.err(path + ("seed",), f"expected a seed question number >= 1, got {seed!r}")
        correction: dict[str, str] | None = {}
        if "correction" in m:
            correction = self.bilingual(m["correction"], path + ("correction",))
        elif verdict not in (None, "true"):
            self.err(
                path + ("correction",),
                f"missing: a {verdict!r} claim needs a correction in " + " and ".join(self.langs),
            )
        sources: list[str] = []
        if "sources" in m:
            for i, s in enumerate(self.seq(m["sources"], path + ("sources",)) or []):
                t = self.text(s, path + ("sources", i))
                if t is not None and not URL.match(t):
                    self.err(path + ("sources", i), f"{t!r} is not an http(s) URL")
                elif t is not None:
                    sources.append(t)
        if verdict not in (None, "true") and not sources:
            self.err(
                path + ("sources",), f"missing: a {verdict!r} claim needs at least one source URL"
            )
        lab = self.slug(m["lab"], path + ("lab",)) if "lab" in m else None
        finding = self.slug(m["finding"], path + ("finding",)) if "finding" in m else None
        if finding and "lab" not in m:
            self.err(path + ("finding",), "a finding needs the lab that produces it (add `lab:`)")
        if None in (clid, stmt, verdict, correction):
            return None
        return Claim(
            id=clid,
            seed=seed if isinstance(seed, int) else None,
            statement=stmt,
            verdict=verdict,
            correction=correction or {},
            sources=tuple(sources),
            lab=lab,
            finding=finding,
        )
