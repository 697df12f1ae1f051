"""Cut a text into matchable tokens, clauses and negation cues, with offsets.

English and code come out as words (stemmed) and identifiers (``set_num_threads``,
``torch.jit.script``, ``.ptl``) with their parts; Chinese comes out as character bigrams,
after particles and negation cues are taken out of the stream. Every token knows its
clause, and every clause how many negation cues it holds.
"""

from __future__ import annotations

import re
from operator import add
from typing import NamedTuple

from quiz.grading import concepts
from quiz.grading.lexicon import (
    EN_CONDITIONAL,
    EN_CONTRAST,
    EN_COORD,
    EN_CUE_CONTENT,
    EN_CUES,
    EN_NOT_CUES,
    EN_STOP,
    ZH_CONDITIONAL,
    ZH_CONTRAST,
    ZH_CUES,
    ZH_NOT_CUES,
    ZH_STOP,
    stem,
)
from quiz.grading.normalize import Folded, fold

# A word, a number or an identifier; dots, hyphens and underscores inside stay in it so
# `torch.jit.script`, `model.ptl`, `multi-thread` are one token ("+" does not join:
# Conv+BN+ReLU is three words, as Conv、BN、ReLU is). A leading dot keeps
# file suffixes (`.ptl`) whole.
_LATIN = re.compile(r"\.?[a-z0-9_]+(?:[.\-][a-z0-9_]+)*(?:'[a-z]+)?")
_PARTS = re.compile(r"[._\-+]+")


class Token(NamedTuple):
    """One matchable token: its units (main unit first), folded offsets and clause."""

    units: tuple[str, ...]
    start: int
    end: int
    clause: int


class Segmented:
    """A segmented text, its tokens in parallel columns (token i: ``units[i]``,
    ``starts[i]``..``ends[i]`` in the folded text, clause ``clauses[i]``).

    Columns rather than one object per token: grading builds one of these per answer and
    thousands of answers a second, and a tuple per token was most of segment()'s time.
    """

    __slots__ = ("folded", "units", "starts", "ends", "clauses", "clause_cues", "cue_starts",
                 "clause_sentence", "function_words", "conditional")

    def __init__(self, folded: Folded, units: list[tuple[str, ...]], starts: list[int],
                 ends: list[int], clauses: list[int], clause_cues: list[int],
                 cue_starts: list[list[int]], clause_sentence: list[int], function_words: int,
                 conditional: frozenset[int] = frozenset()):
        self.folded = folded
        self.units = units
        self.starts = starts
        self.ends = ends
        self.clauses = clauses
        self.clause_cues = clause_cues  # negation cues per clause
        self.cue_starts = cue_starts  # folded offsets of each clause's cues
        self.clause_sentence = clause_sentence  # sentence index of each clause
        # stop words and particles: a statement has them, a keyword list not
        self.function_words = function_words
        # clauses opened by "if" / 如果: a condition, not a claim, so a polarity that
        # clashes with a key point there contradicts nothing
        self.conditional = conditional

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The tokens as records (for reading and tests; grading uses the columns)."""
        return tuple(map(Token, self.units, self.starts, self.ends, self.clauses))


def latin_units(tok: str) -> tuple[str, ...]:
    """Units of one Latin token: the main unit first, then its parts for looser matches."""
    if "'" in tok:
        tok = tok.split("'", 1)[0]
    if tok.startswith("."):
        tok = tok[1:]  # ".ptl" and "ptl file" are the same suffix
    if not tok:
        return ()
    if tok.isalpha():
        return () if tok in EN_STOP else (stem(tok),)
    parts = [p for p in _PARTS.split(tok) if p]
    if "-" in tok and all(p.isalpha() for p in parts):
        # multi-threading == multithreading; the parts still match "multiple threads"
        main = stem("".join(parts))
    else:
        main = tok
    extra = []
    for p in parts:
        u = stem(p) if p.isalpha() else p
        if p not in EN_STOP and u != main and u not in extra:
            extra.append(u)
    return (main, *extra)


class _State:
    """Tokens and clauses being built; a clause with nothing in it is reused, not left empty."""

    def __init__(self) -> None:
        self.units: list[tuple[str, ...]] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.clauses: list[int] = []
        self.cues = [0]
        self.cue_at: list[list[int]] = [[]]
        self.sent = [0]
        self.mark = 0  # len(tokens) when the current clause began
        self.clause = 0
        self.conditional: set[int] = set()

    def add(self, units: tuple[str, ...], start: int, end: int) -> None:
        self.units.append(units)
        self.starts.append(start)
        self.ends.append(end)
        self.clauses.append(self.clause)

    def cue(self, at: int) -> None:
        self.cues[-1] += 1
        self.cue_at[-1].append(at)

    def new_clause(self, strong: bool) -> None:
        if self.cues[-1] == 0 and len(self.units) == self.mark:
            if strong and len(self.sent) > 1 and self.sent[-1] == self.sent[-2]:
                self.sent[-1] += 1
            return
        self.cues.append(0)
        self.cue_at.append([])
        self.sent.append(self.sent[-1] + 1 if strong else self.sent[-1])
        self.mark = len(self.units)
        self.clause += 1


_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_MASTER = re.compile(
    rf"(?P<cjk>[{_CJK_RANGES}]+)"
    rf"|(?P<lat>{_LATIN.pattern})"
    r"|(?P<strong>[。！？!?；;\n]|\.(?![a-z0-9]))"
    # a dash between spaces ("No - export as is") and an arrow ("control flow -> rewrite")
    # end a clause as a comma does: a cue before them does not reach past them
    # ("torch::NoGradGuard" is one name: a C++ scope is no clause break)
    r"|(?P<weak>[,，：()（）\[\]【】{}→⇒]|(?<!:):(?!:)|(?<!\S)-{1,3}>?(?!\S))"
    r"|(?P<list>、)"
)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Inside a run of Chinese: contrast words, look-alikes that are not negations, negation
# cues and particles; whatever lies between them is content. Not-cues come before cues
# so 不同 is not read as 不 + 同; contrast words first so 不过 ends the clause.
# The lookahead on first characters lets the regex engine skip a plain character at
# once instead of trying every alternative on it (four times faster on answers).
_ZH_FIRST = "".join(sorted({w[0] for w in (*ZH_CONTRAST, *ZH_NOT_CUES, *ZH_CUES)} | ZH_STOP))
_ZH_SPECIAL = re.compile(
    f"(?=[{_ZH_FIRST}])"
    f"(?:(?P<con>{_alt(ZH_CONTRAST)})|(?P<nc>{_alt(ZH_NOT_CUES)})|(?P<cue>{_alt(ZH_CUES)})"
    # 就 after a negation: "不对就 resize" (if it is wrong, resize), "不支持就回退" (where
    # unsupported, fall back): what comes before it is a condition. Not 就是 / 就绪.
    f"|(?P<then>就(?![是绪]))"
    f"|(?P<stop>[{''.join(sorted(ZH_STOP))}]))"
)

# What a Latin token is, once per distinct token: (kind, units, word, function word when
# it has no units, a negation word). kind 1: contrast or coordination (ends a clause unless
# after "nothing"/"none"), 2: a negation cue (unless its neighbours say otherwise), 0: other.
_LAT_INFO: dict[str, tuple[int, tuple[str, ...], str, bool, bool]] = {}


def _lat_info(tok: str) -> tuple[int, tuple[str, ...], str, bool, bool]:
    info = _LAT_INFO.get(tok)
    if info is None:
        word = tok.split("'", 1)[0] if "'" in tok else tok
        if tok in EN_CONTRAST or tok in EN_COORD:
            kind = 1
        elif tok in EN_CUES or tok.endswith("n't"):
            kind = 2
        else:
            kind = 0
        info = (kind, latin_units(tok), word, word in EN_STOP or tok.endswith("'s"),
                tok in EN_CUES)
        if len(_LAT_INFO) < 100_000:
            _LAT_INFO[tok] = info
    return info


def segment(text: str, lexicon: concepts.Lexicon | None = None, mode: str = "both") -> Segmented:
    """Tokenise ``text`` (an answer, a question or a phrasing); the lexicon's forms are
    rewritten first (``Lexicon.rewrite``'s ``mode``; default lexicon: the active one)."""
    lex = lexicon if lexicon is not None else concepts.active()
    f = lex.rewrite(fold(text), mode)
    s = f.text
    st = _State()
    add_u, add_s, add_e, add_c = st.units.append, st.starts.append, st.ends.append, \
        st.clauses.append
    func = 0
    prev_word = ""
    last_break = 0  # where the current stretch between punctuation marks began
    lat_info = _LAT_INFO.get
    for m in _MASTER.finditer(s):
        kind = m.lastindex  # 1 cjk, 2 lat, 3 strong, 4 weak, 5 、 (integers: cheaper than names)
        if kind == 2:
            tok = m[0]
            info = lat_info(tok) or _lat_info(tok)
            k = info[0]
            if k == 0:
                units = info[1]
                if tok in _CEASE and _GERUND.match(s, m.end()):
                    # "stopped including XNNPACK" says what "no longer include" says
                    st.cue(m.start())
                    func += 1
                    prev_word = info[2]
                    continue
                if st.cues[-1] and prev_word != _FALLBACK_TOKEN \
                        and _falls_back_at(tok, s, m.end(), text, f.origin[m.start()]) \
                        and not _keeps_cue(prev_word):
                    # "ops the GPU can't run fall back to the CPU": the negation is inside
                    # the subject's modifier (whatever it cannot run), which works as a
                    # condition; the claim, that they fall back, is positive. Not "does
                    # not fall back" nor "doesn't silently fall back".
                    st.conditional.add(st.clause)
                    st.new_clause(False)
                if units:
                    a, b = m.span()
                    add_u(units)
                    add_s(a)
                    add_e(b)
                    add_c(st.clause)
                elif info[3]:
                    func += 1
            elif k == 1 and prev_word not in ("nothing", "none"):
                st.new_clause(False)
                if tok in EN_CONDITIONAL:
                    st.conditional.add(st.clause)
                func += 1
            elif k == 2 and not _not_cue(prev_word, tok, s, m.end()):
                a, b = m.span()
                st.cue(a)
                func += 1
                if tok in EN_CUE_CONTENT:
                    word = EN_CUE_CONTENT[tok]  # "unsupported": not + support (a concept?)
                    st.add((lex.words.get(word, word),), a, b)
            elif info[4]:
                func += 1  # "not only": neither a cue nor content
            else:
                units = info[1]
                if units:
                    st.add(units, *m.span())
                elif info[3]:
                    func += 1
            prev_word = info[2]
        elif kind == 1:
            a, b = m.span()
            func += _cjk_run(s, a, b, st)
            prev_word = ""
        elif kind == 5:
            if _clause_break_at_list_mark(s, last_break, m.start(), m.end()):
                st.new_clause(False)
            last_break = m.end()
            prev_word = ""
        else:
            cond = st.clause in st.conditional
            st.new_clause(kind == 3)
            if cond and kind == 4 and m[0] in "(（":
                # "if the app doesn't use X (or the harness doesn't use Y)": an aside
                # inside a condition is supposed too
                st.conditional.add(st.clause)
            last_break = m.end()
    return Segmented(f, st.units, st.starts, st.ends, st.clauses, st.cues, st.cue_at,
                     st.sent, func, frozenset(st.conditional))


_STRETCH_END = re.compile(r"[、,，:：()（）\[\]【】{}→⇒。！？!?；;\n]|\.(?![a-z0-9])")
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")


def _stretch_weight(t: str) -> int:
    """Chinese characters plus two per Latin word: about how much a stretch says. The
    lexicon's concept tokens (``lex0...`` beside the words they stand for) are not words the
    writer typed: counted, they made "BN" in "不支持 Conv、BN、ReLU" weigh a statement's worth."""
    return len(_CJK_CHAR.findall(t)) + 2 * sum(
        1 for w in _LATIN.findall(t) if not w.startswith(concepts.PREFIX))


def _has_cue(t: str) -> bool:
    for m in _ZH_SPECIAL.finditer(t):
        if m.lastgroup == "cue":
            return True
    return any(w in EN_CUES or w.endswith("n't") for w in _LATIN.findall(t))


def _clause_break_at_list_mark(s: str, left: int, at: int, right: int) -> bool:
    """Whether a 、 ends a clause. Mostly it joins nouns ("Conv、BN、ReLU"): one clause, so a
    cue before the list negates all of it. Between two stretches that each say something
    (three or more characters' worth) with a cue in one, it joins statements
    ("分支被固化、shape 写死且不报错"): the cue must not reach the other one."""
    m = _STRETCH_END.search(s, right)
    after = s[right:m.start() if m else len(s)]
    before = s[left:at]
    if _stretch_weight(before) < 3 or _stretch_weight(after) < 3:
        return False
    return _has_cue(before) or _has_cue(after)


_CEASE = frozenset(("stop", "stops", "stopped", "stopping", "cease", "ceased", "ceases"))
_GERUND = re.compile(r" [a-z]+ing\b")

_FALL = frozenset(("fall", "falls", "fell", "falling"))
_BACK = re.compile(r"\s+back\b")
_FALL_BACK_VERB = re.compile(r"(?:fall|falls|fell|falling)\s+back\b", re.IGNORECASE)
_FALLBACK_TOKEN = concepts.PREFIX + "fallback"  # the lexicon's token for fall back / fallback
# words between a negation and the verb it negates ("does not ever fall back")
_ADVERBS = frozenset(("ever", "always", "still", "just", "even", "then", "also", "really"))


def _falls_back_at(tok: str, s: str, end: int, original: str, at: int) -> bool:
    """Whether the verb "fall back", not the noun "fallback", starts at this token: the
    lexicon's concept token, where the words it stands for (``original`` at ``at``) are
    the verb, in every rewrite mode (alone, the token cannot tell the two apart); or,
    where no lexicon marks it, its first word (the caller skips the words after a token)."""
    if tok == _FALLBACK_TOKEN:
        return _FALL_BACK_VERB.match(original, at) is not None
    return tok in _FALL and _BACK.match(s, end) is not None


def _keeps_cue(prev: str) -> bool:
    """Whether the word before a verb is its own negation or an adverb after one."""
    return (prev in EN_CUES or prev.endswith("n't") or prev in _ADVERBS
            or prev.endswith("ly"))


def _not_cue(prev: str, tok: str, s: str, end: int) -> bool:
    # "not only", "no matter", "whether or not": negative-looking, not negations
    nxt = _LATIN.match(s, end + 1) if end < len(s) and s[end] == " " else None
    nxt_word = nxt.group() if nxt else ""
    if tok == "not" and nxt_word in ("only", "just"):
        # "not only X but also Y" adds; "X is not only used in training" denies "only"
        rest = s[end:end + 200]
        return " but " in rest or " also " in rest or "as well" in rest
    return (tok, nxt_word) in EN_NOT_CUES or (prev, tok) in EN_NOT_CUES


def _cjk_run(s: str, i: int, j: int, st: _State) -> int:
    """Bigram tokens for one run of Chinese characters; returns the particles dropped."""
    # Content characters of the current clause, as pieces of s: bigrams join across the
    # particles and cues taken out between them (模型的大小 -> 模型, 型大, 大小).
    pieces: list[tuple[int, int]] = []
    func = 0
    k = i
    for m in _ZH_SPECIAL.finditer(s, i, j):
        a, b = m.span()
        kind = m.lastgroup
        if kind == "nc":
            continue  # a look-alike of a cue is content: it stays in the stretch
        if kind == "then" and not st.cues[-1]:
            kind = "stop"  # 就 with no negation before it: a particle, as before
        if a > k:
            pieces.append((k, a))
        if kind == "con":
            _bigrams(s, pieces, st)
            pieces = []
            st.new_clause(False)
            if m[0] in ZH_CONDITIONAL:
                st.conditional.add(st.clause)
        elif kind == "cue":
            if not _a_not_a(s, i, j, a, b):
                st.cue(a)
        elif kind == "then":
            _bigrams(s, pieces, st)
            pieces = []
            st.conditional.add(st.clause)  # the negated part is the condition
            st.new_clause(False)
        func += 1
        k = b
    if j > k:
        pieces.append((k, j))
    _bigrams(s, pieces, st)
    return func


def _a_not_a(s: str, i: int, j: int, a: int, b: int) -> bool:
    """Whether the cue s[a:b] of the run s[i:j] sits in an A-not-A question ("对不对",
    "是不是", "有没有"): the same character on both sides of 不 / 没, which asks, not denies."""
    if a <= i:
        return False
    if b - a == 1:
        return b < j and s[a - 1] == s[b]
    return b - a == 2 and s[a - 1] == s[a + 1]  # 不是 after 是, 没有 after 有


def _bigrams(s: str, pieces: list[tuple[int, int]], st: _State) -> None:
    if not pieces:
        return
    c = st.clause
    if len(pieces) == 1:
        a, b = pieces[0]
        if b - a > 1:  # one stretch: each character joined to the next, as 1-tuples
            st.units.extend(zip(map(add, s[a:b - 1], s[a + 1:b])))
            st.starts.extend(range(a, b - 1))
            st.ends.extend(range(a + 2, b + 1))
            st.clauses.extend([c] * (b - a - 1))
            return
        pos: range | list[int] = range(a, b)
    else:
        pos = [p for a, b in pieces for p in range(a, b)]
    n = len(pos)
    if n == 1:
        p = pos[0]
        st.add((s[p],), p, p + 1)
        return
    nxt = pos[1:]
    chars = [s[p] for p in pos]
    st.units.extend(zip(map(add, chars, chars[1:])))
    st.starts.extend(pos[:-1])
    st.ends.extend([q + 1 for q in nxt])
    st.clauses.extend([c] * (n - 1))
