"""The bilingual concept lexicon: surface forms in zh and en read as one concept.

Before a text is cut into tokens, every surface form of a concept found in it is replaced by
one token that stands for the concept (``lex0deprecated``), in answers and in phrasings
alike; so "不再维护" in an answer meets "deprecated" in a phrasing, and a synonym needs no new
phrasing on every card. The replacement keeps the offsets of the original text, so spans
still point at what the user typed.

Pure: a ``Lexicon`` is built from plain data (``quiz.deck.lexicon`` reads the YAML file).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter

from quiz.grading.lexicon import EN_CUES, ZH_CUES, stem
from quiz.grading.normalize import Folded, fold, is_cjk

# Concept tokens look like identifiers with a digit: never stemmed, never split, never
# fuzzily matched (segment.fuzzy_cutoff returns None for tokens with digits).
PREFIX = "lex0"


def concept_unit(concept_id: str) -> str:
    return PREFIX + re.sub(r"[^a-z0-9]", "", concept_id.lower())


_WORD = "a-z0-9_."  # a Latin form starts after none of these
_GUARD = rf"(?<![{_WORD}])"
_WS = r"\s+"
# what a form ending in 的 must not stand before: punctuation or the end of the text
_BEFORE_NOUN = r"(?!\s*(?:[，。,.;；:：!?！？、)）\]】]|$))"


def _form_pattern(form: str) -> tuple[str, str, str | None, str]:
    """(first character, the guard before it, the second character, the regex of the rest
    after those two) of one form. The second is " " where the first word is one character
    (the words' whitespace, ``\\s+``, follows), None for a form of one character."""
    f = fold(form).text.strip()
    star = f.endswith("*")
    if star:
        f = f[:-1]
    words = f.split()
    first = f[0]
    if len(words[0]) > 1:  # "abc def" -> "b", "c\s+def"; "ab def" -> "b", "\s+def"
        second = f[1]
        words[0] = words[0][2:]
    else:  # "a def" -> " ", "def"; "a" -> None, ""
        second = " " if len(words) > 1 else None
        words = words[1:]
    tail = _WS.join(re.escape(w) for w in words)
    latin_head = not is_cjk(first)
    latin_tail = not is_cjk(f[-1])
    head = _GUARD if latin_head else ""
    if star and latin_tail:
        tail += r"[a-z]*"
    if latin_tail:
        tail += r"(?![a-z0-9_])"
    if f.endswith("的") and len(f) > 1:
        # "不支持的算子" (unsupported ops) names a thing; "LLM 是不支持的。" says something is
        # not supported, and keeps its negation: a 的-form is read only before its noun
        tail += _BEFORE_NOUN
    return first, head, second, tail


def _rest(second: str | None, tail: str) -> str:
    """The regex of a form after its first character."""
    if second is None:
        return tail
    return (_WS if second == " " else re.escape(second)) + tail


class Lexicon:
    """Concepts and their forms, compiled into one regex (longest forms first at each start,
    dispatched on the first two characters: ``_dispatch``)."""

    def __init__(self, concepts: Mapping[str, Mapping[str, Sequence[str]]]):
        self.concepts = {cid: {lang: tuple(fs) for lang, fs in forms.items()}
                         for cid, forms in concepts.items()}
        entries: list[tuple[int, str, str, str | None, str, str]] = []
        self.words: dict[str, str] = {}  # a one-word English form -> its concept unit
        self.stems: dict[str, str] = {}  # its stem (as segment makes it) -> the unit
        for cid, forms in self.concepts.items():
            unit = concept_unit(cid)
            for fs in forms.values():
                for form in fs:
                    f = fold(form).text.strip()
                    if f:
                        entries.append((len(f.rstrip("*")), *_form_pattern(form), unit))
                        word = f.rstrip("*")
                        if word.isalpha() and word.isascii():
                            if not f.endswith("*"):
                                self.words[f] = unit
                            self.stems[stem(word)] = unit
        # Order of preference: at one start, forms longest first (ties in lexicon order).
        entries.sort(key=lambda e: (e[1], e[2], -e[0]))
        # (length, first character, guard, second character, rest, unit), in that order
        self.entries = tuple(entries)
        self.units = [e[-1] for e in self.entries]
        self._re, self._forms = _scanner(self.entries)
        # (form as found, unit, mode) -> its replacement and the picker of its characters'
        # origins (a pure function of the three, kept: the same forms recur in every answer)
        self._replacement: dict[tuple[str, str, str], tuple[str, Callable]] = {}

    def __len__(self) -> int:
        return len(self.concepts)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, concept unit) of each form in ``text``, left to right, as the plain
        alternation of the forms (``plain_pattern``) finds them."""
        rx = self._re
        if rx is None:
            return []
        out = []
        forms = self._forms
        for m in rx.finditer(text):
            a = m.end(1)
            b = m.end()
            if a != b:
                form, units = forms[text[a]]
                out.append((a, b, units[form.match(text, a).lastindex - 1]))
        return out

    def rewrite(self, f: Folded, mode: str = "both") -> Folded:
        """``f`` with each form replaced, offsets kept.

        ``mode`` "concept": by its concept token; "plain": left in its own words; "both":
        the token, then those words. A form with a negation cue inside is always read as
        its token alone (it states the concept, not the opposite of its other words). Answers
        are read "both"; a phrasing is compiled "concept" and "plain", so an answer meets it
        through the concept or through its own words.
        """
        text = f.text
        matches = self.find(text)
        if not matches:
            return f
        origin = f.origin
        out: list[str] = []
        org: list[int] = []
        pos = 0
        replace = self._replacement
        for a, b, unit in matches:
            out.append(text[pos:a])
            org.extend(origin[pos:a])
            form = text[a:b]
            key = (form, unit, mode)
            rep = replace.get(key)
            if rep is None:
                rep = _replacement(form, unit, mode)
                if len(replace) < 50_000:
                    replace[key] = rep
            token, pick = rep
            out.append(token)
            # every character of the replacement points into the form it replaced: a word's
            # first character at the form's start, the others at its end, so a span over
            # any word of the replacement covers the whole form
            org.extend(pick((origin[a], origin[b - 1])))
            pos = b
        out.append(text[pos:])
        org.extend(origin[pos:])
        return Folded("".join(out), tuple(org))


def _dispatch(entries: tuple, capture: bool = True) -> tuple[list[str], str]:
    """The alternation of all forms, dispatching on a form's first two characters.

    It matches what the plain alternation of every form (``guard first rest``, each a group,
    in ``entries``' order: ``plain_pattern``) matches: at one start, the first form in that
    order that matches there. But only forms that can start where the engine stands are
    tried: a top branch per first character (a literal, which the engine tests at once),
    the guard of a Latin form after that character (it starts no word inside another),
    then a branch per second character (a literal, or whitespace for ``\\s+``), and last
    the forms of one character, which come last in ``entries``' order too (longest first).
    With ``capture`` each form is one group, numbered in the order of the units returned.
    """
    by_first: dict[str, dict[str | None, list[tuple[str, str]]]] = {}
    for _, first, _head, second, tail, unit in entries:
        by_first.setdefault(first, {}).setdefault(second, []).append((tail, unit))
    units: list[str] = []
    branches = []
    open_ = "(" if capture else "(?:"
    for first in sorted(by_first):
        seconds = by_first[first]
        subs = []
        for second in sorted(k for k in seconds if k is not None):
            alts = []
            for tail, unit in seconds[second]:
                alts.append(f"{open_}{tail})")
                units.append(unit)
            subs.append(f"{_rest(second, '')}(?:{'|'.join(alts)})")
        for tail, unit in seconds.get(None, ()):
            subs.append(f"{open_}{tail})")
            units.append(unit)
        # the guard looks behind the first character, already consumed: one character more
        guard = "" if is_cjk(first) else _GUARD[:-1] + ".)"
        branches.append(f"{re.escape(first)}{guard}(?:{'|'.join(subs)})")
    return units, "|".join(branches)


def _scanner(entries: tuple) -> tuple[re.Pattern | None, dict[str, tuple[re.Pattern, list[str]]]]:
    """One regex whose matches are the forms found left to right (as ``finditer`` of the
    plain alternation finds them), each match a stretch skipped (group 1), then a form;
    and for each first character, the regex of its forms with a group each, and their
    units (which form matched, asked only where one did: a regex with a group per form of
    the lexicon makes every match and every step of the engine dearer).

    The regex engine would try the forms at every character; most characters cannot start
    one, and skipping them inside the regex is several times faster. A form can start only
    at a character some form starts with, and a Latin form only where no word character
    (``_WORD``) stands before it. So the skip is possessive: before each piece the forms
    are tried (and fail), and a piece is a run of word characters, or one other character,
    then what cannot start a form: characters that start no form and are no word
    characters, and runs of word characters whose first starts no Latin form. The match
    ends at a form, or at the end of the text (group 1 only: no form).
    """
    if not entries:
        return None, {}
    _, plain = _dispatch(entries, capture=False)
    by_first: dict[str, list] = {}
    for e in entries:
        by_first.setdefault(e[1], []).append(e)
    forms = {}
    for first, es in by_first.items():
        units, alternation = _dispatch(tuple(es))
        forms[first] = (re.compile(alternation), units)
    firsts = set(by_first)
    word = set("abcdefghijklmnopqrstuvwxyz0123456789_.")  # the class _WORD
    latin = {c for c in firsts if not is_cjk(c)}

    def cls(chars: set[str]) -> str:
        return "".join(re.escape(c) for c in sorted(chars))

    w = _WORD
    quiet = word - latin  # word characters that start no Latin form
    runs = f"|[{cls(quiet)}][{w}]*" if quiet else ""
    piece = f"(?:[{w}]+|(?s:.))(?:[^{cls(firsts | word)}]+{runs})*+"
    return re.compile(f"((?:(?!{plain}){piece})*+)(?:{plain}|\\Z)"), forms


def plain_pattern(entries: tuple) -> str:
    """The straightforward alternation of every form in ``entries``' order (its group i+1
    for form i): what ``_dispatch``'s regex must agree with (tests compare the two)."""
    return "|".join(f"({head}{re.escape(first)}{_rest(second, tail)})"
                    for _, first, head, second, tail, _ in entries)


def _replacement(form: str, unit: str, mode: str) -> tuple[str, Callable]:
    """What ``Lexicon.rewrite`` puts in place of ``form`` (found as the form of ``unit``),
    and a function that maps (the form's first origin, its last) to the origins of that
    text's characters: the first for a character that starts a word, else the last."""
    if _strip_cues(form) != form:
        # a form with a negation inside ("no longer maintained", "不匹配") is read as
        # its concept only: its words without the cue would state the opposite
        # ("maintained") and meet the misconceptions that say so
        token = f" {unit} "
    else:
        token = f" {unit} " if mode != "plain" else " "
        if mode != "concept":
            token += form + " "
    # a token is at least " x ": itemgetter of two or more indices returns a tuple
    return token, itemgetter(*(0 if i == 0 or token[i - 1] == " " else 1
                               for i in range(len(token))))


_EN_CUE_WORD = re.compile(
    r"(?<![a-z0-9_])(?:" + "|".join(sorted(EN_CUES, key=len, reverse=True))
    + r"|[a-z]+n't)(?![a-z0-9_])")
_ZH_CUE = re.compile("|".join(sorted(ZH_CUES, key=len, reverse=True)))


def _strip_cues(form_text: str) -> str:
    return _ZH_CUE.sub("", _EN_CUE_WORD.sub(" ", form_text))


EMPTY = Lexicon({})


_ACTIVE: Lexicon | None = None


def active() -> Lexicon:
    """The lexicon grading uses: the shipped one, read once on first use."""
    global _ACTIVE
    if _ACTIVE is None:
        # late: reading YAML is I/O, done once per process at the edge of the core
        from quiz.deck.lexicon import load_lexicon, shipped_lexicon_path

        p = shipped_lexicon_path()
        _ACTIVE = Lexicon(load_lexicon(p)) if p.is_file() else EMPTY
    return _ACTIVE


def use(lexicon: Lexicon | None) -> None:
    """Grade with ``lexicon`` from now on (None: the shipped one again); for tests and
    measurements. Compiled cards are rebuilt, since their phrasings depend on it."""
    global _ACTIVE
    _ACTIVE = lexicon
