"""Match phrasings (of key points and misconceptions) against the clauses of an answer.

A phrasing is compiled once into weighted units (stemmed words, identifiers, Chinese
bigrams) and a polarity (its negation cues, mod 2). An answer is segmented once; each of
its units is mapped to the card's vocabulary, exactly or by rapidfuzz ratio for typos.
Each phrasing is then scored on every clause, and on every pair of neighbouring clauses
of one sentence, as the weighted share of its units found there, and the window's
polarity is compared with the phrasing's. Word order inside a clause does not matter;
clause boundaries do, which keeps a negation in one clause from reaching another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from quiz.grading.lexicon import EN_GENERIC, ZH_GENERIC
from quiz.grading.normalize import is_cjk
from quiz.grading.segment import Segmented, segment

# A match across two clauses must beat the best single clause by this factor's margin.
PAIR_FACTOR = 0.96


@dataclass(frozen=True)
class Phrasing:
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


@dataclass(frozen=True)
class Hit:
    """The best match of one target in one answer, for one polarity."""

    score: float  # 0-100
    span: tuple[int, int] | None  # offsets into the original answer
    phrasing: Phrasing | None


NO_HIT = Hit(0.0, None, None)


def unit_weight(unit: str) -> float:
    """Identifiers and API names say most; generic domain words say little."""
    if is_cjk(unit[0]):
        return 0.5 if unit in ZH_GENERIC else (0.6 if len(unit) == 1 else 1.0)
    if unit in EN_GENERIC:
        return 0.5
    if unit.isdigit():
        return 0.5  # a bare number ("1", "64") is weak evidence on its own
    if not unit.isalpha():
        return 2.0  # optimize_for_mobile, .ptl, int8, torch.jit.script
    return 1.0


def fuzzy_cutoff(unit: str) -> float | None:
    """Minimum rapidfuzz ratio for a typo match, or None where only exact will do."""
    if len(unit) <= 3 or unit.isdigit() or is_cjk(unit[0]):
        return None
    if not unit.isalpha():
        # identifiers may have a typo but int8 != int4 and .pt != .ptl
        return None if any(c.isdigit() for c in unit) else 88.0
    return 80.0


def compile_phrasing(text: str, lang: str, question_units: frozenset[str]) -> Phrasing | None:
    seg = segment(text)
    units: list[str] = []
    for t in seg.tokens:
        if t.units[0] not in units:
            units.append(t.units[0])
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
        for tok in segment(t).tokens:
            out.update(tok.units)
    return frozenset(out)


class Matcher:
    """Compiled targets of one card (or one set of references), reused for every answer."""

    def __init__(self, points: list[Target], misconceptions: list[Target], qunits: frozenset[str]):
        self.points = tuple(points)
        self.misconceptions = tuple(misconceptions)
        self.point_group = TargetGroup(self.points)
        self.misconception_group = TargetGroup(self.misconceptions)
        self.question_units = qunits
        vocab: set[str] = set()
        for t in (*self.points, *self.misconceptions):
            for p in t.phrasings:
                vocab.update(p.units)
        self.vocab = frozenset(vocab)
        self._latin = sorted(u for u in vocab if not is_cjk(u[0]) and fuzzy_cutoff(u) is not None)
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
            hit = tuple(
                (v, s / 100.0)
                for v, s, _ in found
                if s >= max(fuzzy_cutoff(v) or 101.0, fuzzy_cutoff(unit) or 101.0)
            )
        if len(self._cache) < 50_000:
            self._cache[unit] = hit
        return hit

    def occurrences(self, seg: Segmented) -> dict[str, list[tuple[int, float, int]]]:
        """For each vocabulary unit, where the answer has it: (clause, similarity, token)."""
        occ: dict[str, list[tuple[int, float, int]]] = {}
        for ti, tok in enumerate(seg.tokens):
            for u in tok.units:
                for v, sim in self.lookup(u):
                    occ.setdefault(v, []).append((tok.clause, sim, ti))
        return occ


class TargetGroup:
    """Key points (or misconceptions) with an inverted index from unit to phrasing."""

    def __init__(self, targets: tuple[Target, ...]):
        self.targets = targets
        self.flat: list[tuple[int, Phrasing]] = [
            (ti, ph) for ti, t in enumerate(targets) for ph in t.phrasings
        ]
        self.postings: dict[str, list[tuple[int, float, bool]]] = {}
        self.totals: list[tuple[float, float]] = []
        for fi, (_, ph) in enumerate(self.flat):
            new = q = 0.0
            for u, w, inq in zip(ph.units, ph.weights, ph.in_question, strict=True):
                self.postings.setdefault(u, []).append((fi, w, inq))
                if inq:
                    q += w
                else:
                    new += w
            self.totals.append((new, q))

    def match(
        self, seg: Segmented, occ: dict, floor: float, opposite_floor: float
    ) -> list[tuple[Hit, Hit]]:
        """For each target: its best hit with the phrasing's polarity, and with the opposite.

        A phrasing can score no more than if every unit the answer has anywhere stood in
        one compact clause. Phrasings are tried in order of that bound, and the search
        stops once the bound cannot beat the best hits, which is exact and skips most of
        the work. Hits below ``floor`` (opposite polarity: ``opposite_floor``) are not
        looked for: they change no verdict.
        """
        new_hit: dict[int, float] = {}
        q_hit: dict[int, float] = {}
        for u, v in occ.items():
            post = self.postings.get(u)
            if post is None:
                continue
            sim = max(x[1] for x in v)
            for fi, w, inq in post:
                if inq:
                    q_hit[fi] = q_hit.get(fi, 0.0) + w * sim
                else:
                    new_hit[fi] = new_hit.get(fi, 0.0) + w * sim
        lowest = min(floor, opposite_floor)
        cands: dict[int, list[tuple[float, Phrasing]]] = {}
        for fi, nh in new_hit.items():
            new_total, q_total = self.totals[fi]
            b = 100.0 * (nh + nh / new_total * q_hit.get(fi, 0.0)) / (new_total + q_total)
            if b >= lowest:
                ti, ph = self.flat[fi]
                cands.setdefault(ti, []).append((b, ph))
        out = []
        for ti in range(len(self.targets)):
            same, opposite = NO_HIT, NO_HIT
            found = cands.get(ti)
            if found:
                found.sort(key=lambda x: -x[0])
                same, opposite = _search(found, seg, occ, floor, opposite_floor)
            out.append((same, opposite))
        return out


def _search(cands, seg: Segmented, occ: dict, floor: float, opposite_floor: float):
    same_min = floor - 1e-9
    opp_min = opposite_floor - 1e-9
    same, opposite = NO_HIT, NO_HIT
    for b, ph in cands:
        if b <= max(same.score, same_min) and b <= max(opposite.score, opp_min):
            break
        for score, used, parity in _windows(ph, seg, occ):
            polarity_ok = parity == ph.parity
            if polarity_ok:
                if score <= max(same.score, same_min):
                    continue
            elif score <= max(opposite.score, opp_min):
                continue
            start = min(seg.tokens[i].start for i in used)
            end = max(seg.tokens[i].end for i in used)
            hit = Hit(score, seg.folded.span(start, end), ph)
            if polarity_ok:
                same = hit
            else:
                opposite = hit
    return same, opposite


def _windows(ph: Phrasing, seg: Segmented, occ: dict):
    """(score, token indices used, cue parity) for each clause window the phrasing touches."""
    n = len(ph.units)
    per_clause: dict[int, list[tuple[float, int] | None]] = {}
    for k, u in enumerate(ph.units):
        for clause, sim, ti in occ.get(u, ()):
            row = per_clause.get(clause)
            if row is None:
                row = per_clause[clause] = [None] * n
            cur = row[k]
            if cur is None or sim > cur[0]:
                row[k] = (sim, ti)
    if not per_clause:
        return
    sent = seg.clause_sentence
    toks = seg.tokens
    singles: dict[int, float] = {}
    for c, row in per_clause.items():
        score = _score(ph, row) * _compact(row)
        singles[c] = score
        used = {x[1] for x in row if x}
        yield score, used, _parity(seg, (c,), max(toks[i].start for i in used))
    for c, row in per_clause.items():
        d = c + 1
        other = per_clause.get(d)
        if other is not None and sent[d] == sent[c]:
            merged = [a if b is None or (a is not None and a[0] >= b[0]) else b
                      for a, b in zip(row, other, strict=True)]
            score = _score(ph, merged) * _compact(merged) * PAIR_FACTOR
            if score > max(singles[c], singles.get(d, 0.0)):
                used = {x[1] for x in merged if x}
                yield score, used, _parity(seg, (c, d), max(toks[i].start for i in used))


def _parity(seg: Segmented, clauses: tuple[int, ...], last: int) -> int:
    """Negation parity of a match: the cues of the clauses it lies in.

    Clauses end at punctuation, contrast, "and" and subordinators, so a cue rarely
    reaches a statement it does not belong to; a cue after the match still counts
    because predicates follow their subject ("_save_for_lite_interpreter 没有必要").
    """
    return sum(len(seg.cue_starts[c]) for c in clauses) % 2


def _compact(row: list) -> float:
    """1 when the matched tokens sit close together; less as they spread over the clause.

    Units of a phrasing scattered over a long clause are more likely chance than a
    statement; up to twice the units plus three tokens in between cost nothing.
    """
    idx = [x[1] for x in row if x]
    k = len(idx)
    if k <= 1:
        return 1.0
    spread = max(idx) - min(idx) + 1
    allowed = 2 * k + 3
    return 1.0 if spread <= allowed else (allowed / spread) ** 0.5


def _score(ph: Phrasing, row: list) -> float:
    """0-100: weighted share of units found; question words count only beside new ones."""
    new_total = new_hit = q_total = q_hit = 0.0
    for w, inq, x in zip(ph.weights, ph.in_question, row, strict=True):
        sim = x[0] if x else 0.0
        if inq:
            q_total += w
            q_hit += w * sim
        else:
            new_total += w
            new_hit += w * sim
    if new_total == 0:
        return 0.0  # a phrasing made only of the question's words cannot be told from echo
    g = new_hit / new_total
    return 100.0 * (new_hit + g * q_hit) / (new_total + q_total)
