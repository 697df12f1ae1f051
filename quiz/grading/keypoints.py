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
    for tu in seg.units:
        if tu[0] not in units:
            units.append(tu[0])
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

    def occurrences(self, seg: Segmented) -> dict[str, dict[int, tuple[float, int]]]:
        """For each vocabulary unit, its best occurrence in each clause: (similarity, token)."""
        occ: dict[str, dict[int, tuple[float, int]]] = {}
        for ti, (units, clause) in enumerate(zip(seg.units, seg.clauses, strict=True)):
            for u in units:
                for v, sim in self.lookup(u):
                    per = occ.get(v)
                    if per is None:
                        occ[v] = {clause: (sim, ti)}
                    else:
                        cur = per.get(clause)
                        if cur is None or sim > cur[0]:
                            per[clause] = (sim, ti)
        return occ


class TargetGroup:
    """Key points (or misconceptions) with an inverted index from unit to phrasing."""

    def __init__(self, targets: tuple[Target, ...]):
        self.targets = targets
        self.flat: list[tuple[int, Phrasing]] = [
            (ti, ph) for ti, t in enumerate(targets) for ph in t.phrasings
        ]
        # unit -> [(phrasing, weight)], apart for the question's words and new words
        self.post_new: dict[str, list[tuple[int, float]]] = {}
        self.post_q: dict[str, list[tuple[int, float]]] = {}
        self.totals: list[tuple[float, float]] = []
        for fi, (_, ph) in enumerate(self.flat):
            new = q = 0.0
            for u, w, inq in zip(ph.units, ph.weights, ph.in_question, strict=True):
                if inq:
                    self.post_q.setdefault(u, []).append((fi, w))
                    q += w
                else:
                    self.post_new.setdefault(u, []).append((fi, w))
                    new += w
            self.totals.append((new, q))

    def match(self, seg: Segmented, occ: dict, floor: float,
              opposite_floor: float) -> list[tuple[Hit, Hit]]:
        """For each target: its best hit with the phrasing's polarity, and with the opposite.

        The weighted share of a phrasing's units in each clause is summed through the
        inverted index; it bounds the exact window score (which also weighs compactness
        and may join two clauses). Windows are scored exactly in order of that bound,
        and the search stops once no bound can beat the best hits. Hits below ``floor``
        (opposite polarity: ``opposite_floor``) are not looked for: they change no verdict.
        """
        # Stage 1: each phrasing's bound with every unit at its best anywhere in the answer.
        n_flat = len(self.flat)
        nh_all = [0.0] * n_flat
        qh_all = [0.0] * n_flat
        post_new, post_q = self.post_new, self.post_q
        for u, per in occ.items():
            pn = post_new.get(u)
            pq = post_q.get(u)
            if pn is None and pq is None:
                continue
            sim = max(x[0] for x in per.values()) if len(per) > 1 else next(iter(per.values()))[0]
            if pn:
                for fi, w in pn:
                    nh_all[fi] += w * sim
            if pq:
                for fi, w in pq:
                    qh_all[fi] += w * sim
        lowest = min(floor, opposite_floor)
        cues = seg.clause_cues
        sent = seg.clause_sentence
        by_target: dict[int, list[tuple[float, int]]] = {}
        for fi in range(n_flat):
            nh = nh_all[fi]
            if nh == 0.0:
                continue
            new_total, q_total = self.totals[fi]
            b = 100.0 * (nh + nh / new_total * qh_all[fi]) / (new_total + q_total)
            if b >= lowest:
                by_target.setdefault(self.flat[fi][0], []).append((b, fi))
        out = []
        for ti in range(len(self.targets)):
            same, opposite = NO_HIT, NO_HIT
            for b, fi in sorted(by_target.get(ti, ()), reverse=True):
                if (b <= max(same.score, floor - 1e-9)
                        and b <= max(opposite.score, opposite_floor - 1e-9)):
                    break
                # Stage 2, only for phrasings that can still matter: clause by clause.
                windows = self._windows(fi, occ, cues, sent, lowest)
                windows.sort(key=lambda x: -x[0])
                same, opposite = self._search(windows, seg, occ, floor, opposite_floor,
                                              same, opposite)
            out.append((same, opposite))
        return out

    def _windows(self, fi: int, occ: dict, cues, sent, lowest: float) -> list:
        """(bound, phrasing, clauses, polarity agrees) for each clause and clause pair."""
        ph = self.flat[fi][1]
        new_total, q_total = self.totals[fi]
        tot = new_total + q_total
        acc: dict[int, list[float]] = {}
        for u, w, inq in zip(ph.units, ph.weights, ph.in_question, strict=True):
            per = occ.get(u)
            if per is None:
                continue
            for c, (sim, _) in per.items():
                a = acc.get(c)
                if a is None:
                    a = acc[c] = [0.0, 0.0]
                a[inq] += w * sim
        lst = []
        for c, (n1, q1) in acc.items():
            if n1 == 0.0:
                continue
            b = 100.0 * (n1 + n1 / new_total * q1) / tot
            if b >= lowest:
                lst.append((b, fi, (c,), (cues[c] + ph.parity) % 2 == 0))
            d = c + 1
            other = acc.get(d)
            if other is not None and sent[d] == sent[c] and len(ph.units) > 1:
                n2, q2 = n1 + other[0], q1 + other[1]
                b2 = min(100.0, 100.0 * (n2 + n2 / new_total * q2) / tot) * PAIR_FACTOR
                if b2 >= lowest:
                    lst.append((b2, fi, (c, d), (cues[c] + cues[d] + ph.parity) % 2 == 0))
        return lst

    def _search(self, cands, seg: Segmented, occ: dict, floor: float, opposite_floor: float,
                same: Hit, opposite: Hit) -> tuple[Hit, Hit]:
        """Score windows exactly, best bound first; keep the best hit of each polarity."""
        same_min = floor - 1e-9
        opp_min = opposite_floor - 1e-9
        for b, fi, clauses, polarity_ok in cands:
            need_same = max(same.score, same_min)
            need_opp = max(opposite.score, opp_min)
            if b <= need_same and b <= need_opp:
                break
            if b <= (need_same if polarity_ok else need_opp):
                continue
            ph = self.flat[fi][1]
            if len(clauses) == 1:
                row = _row(ph, occ, clauses[0])
                score = _score(ph, row) * _compact(row)
            else:
                r1, r2 = _row(ph, occ, clauses[0]), _row(ph, occ, clauses[1])
                single = max(_score(ph, r1) * _compact(r1), _score(ph, r2) * _compact(r2))
                row = [a if y is None or (a is not None and a[0] >= y[0]) else y
                       for a, y in zip(r1, r2, strict=True)]
                score = _score(ph, row) * _compact(row) * PAIR_FACTOR
                if score <= single:
                    continue  # the pair adds nothing: its singles stand on their own
            if score <= (need_same if polarity_ok else need_opp):
                continue
            used = [x[1] for x in row if x]
            start = min(seg.starts[i] for i in used)
            end = max(seg.ends[i] for i in used)
            for c in clauses:
                # a cue just before the words belongs to the statement: highlight it too
                # ("does not support", "不支持")
                for at in seg.cue_starts[c]:
                    if start - 12 <= at < start:
                        start = at
            hit = Hit(score, seg.folded.span(start, end), ph)
            if polarity_ok:
                same = hit
            else:
                opposite = hit
        return same, opposite


def _row(ph: Phrasing, occ: dict, clause: int) -> list:
    """For each unit of the phrasing, its best (similarity, token) in the clause, or None."""
    out = []
    for u in ph.units:
        per = occ.get(u)
        out.append(per.get(clause) if per is not None else None)
    return out


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
