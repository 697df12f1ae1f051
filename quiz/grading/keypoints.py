"""Match phrasings (of key points and misconceptions) against the clauses of an answer.

A phrasing is compiled once into weighted units (stemmed words, identifiers, Chinese
bigrams) and a polarity (its negation cues, mod 2). An answer is segmented once; each of
its units is mapped to the card's vocabulary, exactly or by rapidfuzz ratio for typos.
Each phrasing is then scored on clauses, and on pairs of neighbouring clauses of one
sentence, as the weighted share of its units found there (less when they lie far apart),
and the window's polarity is compared with the phrasing's. Word order inside a clause
does not matter; clause boundaries do, which keeps a negation in one clause from
reaching another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from quiz.grading import concepts
from quiz.grading.concepts import PREFIX as CONCEPT
from quiz.grading.lexicon import EN_GENERIC, ZH_GENERIC
from quiz.grading.normalize import is_cjk
from quiz.grading.segment import Segmented, segment

# A match across two clauses must beat the best single clause by this factor's margin.
PAIR_FACTOR = 0.96
# In a clause pair, a clause holding less than this share of the matched words keeps its
# negation cues to itself (chosen on tune: 0.2 flags fewer clean answers than 0 or 0.3).
MINOR_SHARE = 0.2


class Phrasing(NamedTuple):
    """One way of saying a key point or misconception, compiled (a named tuple: a card
    has dozens, a deck thousands, and each is built at every start)."""

    text: str
    lang: str
    units: tuple[str, ...]
    weights: tuple[float, ...]
    in_question: tuple[bool, ...]
    parity: int


@dataclass(frozen=True)
class Target:
    """A key point or a misconception, compiled."""

    id: str
    weight: float
    phrasings: tuple[Phrasing, ...]
    essential: bool = False  # key points only: `correct` needs it (docs/grading-rubric.md)
    figures: tuple[tuple[float, str], ...] = ()  # ratios / percentages its phrasings state


class Hit(NamedTuple):
    """The best match of one target in one answer, for one polarity.

    A named tuple rather than a frozen dataclass: a few are built per answer, and a
    frozen dataclass costs three times as much to build.
    """

    score: float  # 0-100
    span: tuple[int, int] | None  # offsets into the original answer
    phrasing: Phrasing | None


NO_HIT = Hit(0.0, None, None)


@lru_cache(maxsize=65536)  # a deck has a few thousand distinct units, each in many phrasings
def unit_weight(unit: str) -> float:
    """Identifiers and API names say most; generic domain words say little."""
    if is_cjk(unit[0]):
        return 0.5 if unit in ZH_GENERIC else (0.6 if len(unit) == 1 else 1.0)
    if unit.startswith(CONCEPT):
        return 1.0  # a concept from the lexicon is a word, not an identifier
    if unit in EN_GENERIC:
        return 0.5
    if unit.isdigit():
        return 0.5  # a bare number ("1", "64") is weak evidence on its own
    if not unit.isalpha():
        return 2.0  # optimize_for_mobile, .ptl, int8, torch.jit.script
    return 1.0


@lru_cache(maxsize=65536)
def fuzzy_cutoff(unit: str) -> float | None:
    """Minimum rapidfuzz ratio for a typo match, or None where only exact will do."""
    if len(unit) <= 3 or unit.isdigit() or is_cjk(unit[0]):
        return None
    if not unit.isalpha():
        # identifiers may have a typo but int8 != int4 and .pt != .ptl
        return None if any(c.isdigit() for c in unit) else 88.0
    return 80.0


def compile_variants(text: str, lang: str, question_units: frozenset[str]) -> list[Phrasing]:
    """A phrasing through the lexicon's concepts and in its own words (one if the same)."""
    out = []
    for mode in ("concept", "plain"):
        ph = compile_phrasing(text, lang, question_units, mode)
        if ph is not None and all(ph.units != o.units or ph.parity != o.parity for o in out):
            out.append(ph)
    return out


def compile_phrasing(text: str, lang: str, question_units: frozenset[str],
                     mode: str = "concept") -> Phrasing | None:
    seg = segment(text, mode=mode)
    units = list(dict.fromkeys([tu[0] for tu in seg.units]))  # first occurrences, in order
    if not units:
        return None
    parity = sum(seg.clause_cues) % 2
    return Phrasing(
        text=text,
        lang=lang,
        units=tuple(units),
        weights=tuple(unit_weight(u) for u in units),
        # A negative statement ("does not support multithreading") says something the
        # question ("does it support multithreading?") does not: its words count in full.
        in_question=tuple(u in question_units and not parity for u in units),
        parity=parity,
    )


def question_units(texts: Iterable[str]) -> frozenset[str]:
    """Every unit of the question (all its languages): echoing them proves nothing."""
    out: set[str] = set()
    for t in texts:
        for tu in segment(t).units:
            out.update(tu)
    return frozenset(out)


class Matcher:
    """Compiled targets of one card (or one set of references), reused for every answer."""

    def __init__(self, points: list[Target], misconceptions: list[Target], qunits: frozenset[str],
                 lexicon: concepts.Lexicon | None = None):
        self.points = tuple(points)
        self.misconceptions = tuple(misconceptions)
        self.point_group = TargetGroup(self.points)
        self.misconception_group = TargetGroup(self.misconceptions,
                                               offset=len(self.point_group.phrasings))
        # One inverted index over both groups (misconception phrasings numbered after the
        # points'), so stage 1 of matching reads the answer's occurrences once.
        self.post: dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]] = {}
        for g in (self.point_group, self.misconception_group):
            for u, (pn, pq) in g.post.items():
                new, q = self.post.setdefault(u, ([], []))
                off = g.offset
                new += [(off + fi, w) for fi, w in pn]
                q += [(off + fi, w) for fi, w in pq]
        self.n_flat = len(self.point_group.phrasings) + len(self.misconception_group.phrasings)
        self.totals = self.point_group.totals + self.misconception_group.totals
        self._new_totals = [t[0] for t in self.totals]
        self._all_totals = [t[1] for t in self.totals]
        self.question_units = qunits
        vocab: set[str] = set()
        for t in (*self.points, *self.misconceptions):
            for p in t.phrasings:
                vocab.update(p.units)
        self.vocab = frozenset(vocab)
        self._latin = sorted(u for u in vocab if not is_cjk(u[0]) and fuzzy_cutoff(u) is not None)
        # A typo of a lexicon form ("multithreded") cannot be fuzzily matched to the concept
        # token that replaced the form, so the forms' stems stand in for their concept.
        self._alias: dict[str, str] = {}
        for st, unit in (lexicon or concepts.active()).stems.items():
            if unit in vocab and st not in vocab and fuzzy_cutoff(st) is not None:
                self._alias[st] = unit
        if self._alias:
            self._latin = sorted({*self._latin, *self._alias})
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def lookup(self, unit: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary units this answer unit stands for, with a similarity in (0, 1]."""
        hit = self._cache.get(unit)
        if hit is not None:
            return hit
        if unit in self.vocab:
            hit = ((unit, 1.0),)
        elif fuzzy_cutoff(unit) is None or not self._latin:
            hit = ()
        else:
            found = process.extract(
                unit, self._latin, scorer=fuzz.ratio, limit=3, score_cutoff=80.0
            )
            alias = self._alias
            best: dict[str, float] = {}
            for v, s, _ in found:
                if s >= max(fuzzy_cutoff(v) or 101.0, fuzzy_cutoff(unit) or 101.0):
                    v = alias.get(v, v)
                    best[v] = max(best.get(v, 0.0), s / 100.0)
            hit = tuple(best.items())
        if len(self._cache) < 50_000:
            self._cache[unit] = hit
        return hit

    def bounds(self, occ: dict) -> list[tuple[int, float]]:
        """Stage 1 of matching, for both groups at once: (phrasing, bound) for every
        phrasing with some unit in the answer, phrasings in order (the points' first).

        The bound is the phrasing's score with each unit at its best anywhere in the
        answer; no clause or pair of clauses can score more.
        """
        nh_all, qh_all = _unit_sums(self.post, self.n_flat, occ)
        new_totals, all_totals = self._new_totals, self._all_totals
        # the same expression as in _windows, so a bound equals the exact score to the last
        # bit where all units fall in one clause (which phrasing wins a tie depends on it)
        return [(fi, 100.0 * (nh + nh / new_totals[fi] * qh_all[fi]) / all_totals[fi])
                for fi, nh in enumerate(nh_all) if nh]

    def occurrences(self, seg: Segmented) -> dict[str, dict[int, tuple[float, int]]]:
        """For each vocabulary unit, its best occurrence in each clause: (similarity, token)."""
        occ: dict[str, dict[int, tuple[float, int]]] = {}
        cached = self._cache.get
        lookup = self.lookup
        get = occ.get
        for ti, (units, clause) in enumerate(zip(seg.units, seg.clauses, strict=True)):
            for u in units:
                hits = cached(u)
                if hits is None:
                    hits = lookup(u)
                for v, sim in hits:
                    per = get(v)
                    if per is None:
                        occ[v] = {clause: (sim, ti)}
                    else:
                        cur = per.get(clause)
                        if cur is None or sim > cur[0]:
                            per[clause] = (sim, ti)
        return occ


NO_PAIR = (NO_HIT, NO_HIT)


class TargetGroup:
    """Key points (or misconceptions) with an inverted index from unit to phrasing.

    Phrasings are numbered in one flat list; everything a match needs of phrasing ``fi``
    sits in plain lists indexed by ``fi``, so the per-answer loops below read list items
    and local names only (grading runs thousands of answers a second on one core).
    """

    def __init__(self, targets: tuple[Target, ...], offset: int = 0):
        self.targets = targets
        self.offset = offset  # where this group's phrasings start in Matcher.unit_sums
        self.flat: list[tuple[int, Phrasing]] = [
            (ti, ph) for ti, t in enumerate(targets) for ph in t.phrasings
        ]
        self.owner = [ti for ti, _ in self.flat]
        self.phrasings = [ph for _, ph in self.flat]
        # (unit, weight, 1 if a question word else 0) for each unit of each phrasing
        self.items = [
            tuple((u, w, 1 if inq else 0)
                  for u, w, inq in zip(ph.units, ph.weights, ph.in_question, strict=True))
            for ph in self.phrasings
        ]
        # unit -> ([(phrasing, weight)] as a new word, [(phrasing, weight)] as a question word)
        self.post: dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]] = {}
        # (weight of new words, weight of all words) per phrasing
        self.totals: list[tuple[float, float]] = []
        for fi, ph in enumerate(self.phrasings):
            new = q = 0.0
            for u, w, inq in zip(ph.units, ph.weights, ph.in_question, strict=True):
                self.post.setdefault(u, ([], []))[1 if inq else 0].append((fi, w))
                if inq:
                    q += w
                else:
                    new += w
            self.totals.append((new, new + q))

    def match(self, seg: Segmented, occ: dict, floor: float, opposite_floor: float,
              bounds: list[tuple[int, float]]) -> list[tuple[Hit, Hit]]:
        """For each target: its best hit with the phrasing's polarity, and with the opposite.

        The weighted share of a phrasing's units in each clause is summed through the
        inverted index; it bounds the exact window score (which also weighs compactness
        and may join two clauses). Windows are scored exactly in order of that bound,
        and the search stops once no bound can beat the best hits. Hits below ``floor``
        (opposite polarity: ``opposite_floor``) are not looked for: they change no verdict;
        nor is an opposite hit that cannot beat the best same-polarity one, since only such
        a hit makes a point negated (and only then is the opposite hit shown).
        """
        # Stage 1 (``bounds``: Matcher.bounds, computed once for both groups): each
        # phrasing's bound with every unit at its best anywhere in the answer, phrasings
        # numbered from this group's offset.
        offset = self.offset
        end = offset + len(self.phrasings)
        lowest = min(floor, opposite_floor)
        owner = self.owner
        by_target: dict[int, list[tuple[float, int]]] = {}
        for gfi, b in bounds:
            if b < lowest or gfi < offset:
                continue
            if gfi >= end:
                break
            fi = gfi - offset
            ti = owner[fi]
            lst = by_target.get(ti)
            if lst is None:
                by_target[ti] = [(b, fi)]
            else:
                lst.append((b, fi))
        out = [NO_PAIR] * len(self.targets)
        if not by_target:
            return out
        cues = seg.clause_cues
        sent = seg.clause_sentence
        same_min = floor - 1e-9
        opp_min = opposite_floor - 1e-9
        for ti, cands in by_target.items():
            if len(cands) > 1:
                cands.sort(reverse=True)
            same, opposite = NO_HIT, NO_HIT
            for b, fi in cands:
                if (b <= max(same.score, same_min)
                        and b <= max(opposite.score, opp_min, same.score)):
                    break
                # Stage 2, only for phrasings that can still matter: clause by clause.
                windows = self._windows(fi, occ, cues, sent, lowest, seg.conditional)
                if len(windows) > 1:
                    windows.sort(key=_first, reverse=True)  # stable: ties keep text order
                same, opposite = self._search(fi, windows, seg, occ, same_min, opp_min,
                                              same, opposite)
            out[ti] = (same, opposite)
        return out

    def _windows(self, fi: int, occ: dict, cues, sent, lowest: float,
                 conditional: frozenset[int]) -> list:
        """(bound, clauses, polarity agrees) for each clause and clause pair of phrasing fi."""
        items = self.items[fi]
        new_total, tot = self.totals[fi]
        parity = self.phrasings[fi].parity
        acc: dict[int, list[float]] = {}
        for u, w, inq in items:
            per = occ.get(u)
            if per is None:
                continue
            for c, x in per.items():
                a = acc.get(c)
                if a is None:
                    a = acc[c] = [0.0, 0.0]
                a[inq] += w * x[0]
        lst = []
        multi = len(items) > 1
        for c, (n1, q1) in acc.items():
            if n1 == 0.0:
                continue
            b = 100.0 * (n1 + n1 / new_total * q1) / tot
            agrees = (cues[c] + parity) % 2 == 0
            if b >= lowest and (agrees or c not in conditional):
                lst.append((b, (c,), agrees))
            if multi:
                d = c + 1
                other = acc.get(d)
                if other is not None and sent[d] == sent[c]:
                    n2, q2 = n1 + other[0], q1 + other[1]
                    b2 = min(100.0, 100.0 * (n2 + n2 / new_total * q2) / tot) * PAIR_FACTOR
                    if b2 >= lowest:
                        # a clause that lends the pair a word or two ("（可以用 ORT 格式），
                        # PyTorch Mobile 打不开") does not lend it its negation
                        cc = cues[c] if n1 >= MINOR_SHARE * n2 else 0
                        cd = cues[d] if other[0] >= MINOR_SHARE * n2 else 0
                        agrees = (cc + cd + parity) % 2 == 0
                        if agrees or not (c in conditional or d in conditional):
                            lst.append((b2, (c, d), agrees))
        return lst

    def _search(self, fi: int, cands, seg: Segmented, occ: dict, same_min: float,
                opp_min: float, same: Hit, opposite: Hit) -> tuple[Hit, Hit]:
        """Score windows exactly, best bound first; keep the best hit of each polarity."""
        items = self.items[fi]
        for b, clauses, polarity_ok in cands:
            need_same = max(same.score, same_min)
            # An opposite hit counts only where it beats the same-polarity one (a negated
            # point); one that cannot is not worth scoring.
            need_opp = max(opposite.score, opp_min, same.score)
            if b <= need_same and b <= need_opp:
                break
            need = need_same if polarity_ok else need_opp
            if b <= need:
                continue
            if len(clauses) == 1:
                score, lo, hi = _window_score(items, occ, clauses[0], -1)
            else:
                c, d = clauses
                single = max(_window_score(items, occ, c, -1)[0],
                             _window_score(items, occ, d, -1)[0])
                score, lo, hi = _window_score(items, occ, c, d)
                score *= PAIR_FACTOR
                if score <= single:
                    continue  # the pair adds nothing: its singles stand on their own
            if score <= need:
                continue
            # tokens are in text order, so the first and last used token bound the span
            start = seg.starts[lo]
            end = seg.ends[hi]
            for c in clauses:
                # a cue just before the words belongs to the statement: highlight it too
                # ("does not support", "不支持")
                for at in seg.cue_starts[c]:
                    if start - 12 <= at < start:
                        start = at
            hit = Hit(score, seg.folded.span(start, end), self.phrasings[fi])
            if polarity_ok:
                same = hit
            else:
                opposite = hit
        return same, opposite


def _unit_sums(post: dict, n_flat: int, occ: dict) -> tuple[list[float], list[float]]:
    nh_all = [0.0] * n_flat
    qh_all = [0.0] * n_flat
    for u, per in occ.items():
        p = post.get(u)
        if p is None:
            continue
        new, q = p
        if len(per) == 1:
            for x in per.values():
                sim = x[0]
        else:
            sim = max(per.values())[0]
        if sim == 1.0:  # an exact hit, nearly all of them: w * 1.0 is w
            for fi, w in new:
                nh_all[fi] += w
            for fi, w in q:
                qh_all[fi] += w
        else:
            for fi, w in new:
                nh_all[fi] += w * sim
            for fi, w in q:
                qh_all[fi] += w * sim
    return nh_all, qh_all


def _first(x: tuple) -> float:
    return x[0]


def _window_score(items: tuple, occ: dict, c: int, d: int) -> tuple[float, int, int]:
    """(0-100, first token, last token) of a phrasing on clause ``c``, or on clauses ``c``
    and ``d`` together (``d`` -1: ``c`` alone), each unit at its best occurrence there.

    The score is the weighted share of units found, times compactness. Question words
    count only beside new ones. Units of a phrasing scattered over a long clause are more
    likely chance than a statement; up to twice the units plus three tokens in between
    cost nothing, more spread costs a square-root factor.
    """
    new_total = new_hit = q_total = q_hit = 0.0
    lo = hi = -1
    k = 0
    for u, w, inq in items:
        per = occ.get(u)
        x = None
        if per is not None:
            x = per.get(c)
            if d >= 0:
                y = per.get(d)
                if y is not None and (x is None or x[0] < y[0]):
                    x = y
        if x is not None:
            sim, ti = x
            k += 1
            if lo < 0 or ti < lo:
                lo = ti
            if ti > hi:
                hi = ti
        else:
            sim = 0.0
        if inq:
            q_total += w
            q_hit += w * sim
        else:
            new_total += w
            new_hit += w * sim
    if new_total == 0:
        return 0.0, lo, hi  # made only of the question's words: cannot be told from echo
    g = new_hit / new_total
    score = 100.0 * (new_hit + g * q_hit) / (new_total + q_total)
    if k <= 1:
        return score, lo, hi
    spread = hi - lo + 1
    allowed = 2 * k + 3
    return (score if spread <= allowed else score * (allowed / spread) ** 0.5), lo, hi
