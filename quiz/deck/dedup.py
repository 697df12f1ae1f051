"""Find duplicate and near-duplicate questions, fast enough for 10,000 cards.

Two items are *duplicates* when both question and answer are near-identical after
normalisation (they get merged); *near* when the answer or the whole text is similar but the
pair is not a duplicate (a person decides). Candidate pairs come from a prefix-filtered
MinHash-LSH over character 3-grams (numpy), so no double loop over all pairs runs; each
candidate is then scored exactly with rapidfuzz.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

DUPLICATE_SCORE = 97.0  # question and answer both at least this similar: same card
DEFAULT_THRESHOLD = 85.0  # answer or whole text at least this similar: worth a look
# MinHash-LSH shape: 50 bands of 3 rows (150 hashes); see candidate_pairs.
LSH_ROWS = 3
LSH_BANDS = 50
# Up to this many items every pair is scored (125k pairs, under a second in C++);
# above it, MinHash-LSH picks the candidates.
EXACT_UP_TO = 500

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Item:
    key: str | int  # a seed number (markdown) or a card id (deck)
    question: str
    answer: str


@dataclass(frozen=True)
class Group:
    members: tuple[str | int, ...]
    score: float  # 0-100
    kind: str  # "duplicate" | "near"
    question_score: float
    answer_score: float

    def to_dict(self) -> dict:
        return {
            "members": list(self.members),
            "score": round(self.score, 1),
            "kind": self.kind,
            "question_score": round(self.question_score, 1),
            "answer_score": round(self.answer_score, 1),
        }


def normalise(text: str) -> str:
    """NFKC, lower case, no whitespace, punctuation or markdown marks: what is left is content."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def candidate_pairs(
    texts: Sequence[str], rows: int = LSH_ROWS, bands: int = LSH_BANDS
) -> set[tuple[int, int]]:
    """Pairs (i < j) likely to be similar, by MinHash-LSH over character 3-grams.

    A pair with 3-gram Jaccard J becomes a candidate with probability 1 - (1 - J^rows)^bands
    (0.94 at J = 0.38, roughly what ratio 85 leaves after scattered edits; 0.6% at J = 0.05).
    Everything is vectorised in numpy; the only Python loops run per text or per candidate.
    """
    import numpy as np  # only dedup needs it; keeps `import quiz.deck` light

    grams, owners = [], []
    for i, t in enumerate(texts):
        cp = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if len(cp) < 3:
            cp = np.concatenate([cp, np.zeros(3 - len(cp), dtype=np.uint64)]) if len(cp) else cp
        if len(cp) == 0:
            continue
        # A 3-gram as one integer: code points are below 2**21.
        g = (cp[:-2] << np.uint64(42)) | (cp[1:-1] << np.uint64(21)) | cp[2:]
        grams.append(np.unique(g))
        owners.append(np.full(len(grams[-1]), i, dtype=np.int64))
    if len(grams) < 2:
        return set()
    gram = np.concatenate(grams)
    owner = np.concatenate(owners)
    # Every 3-gram counts. (Dropping frequent ones per text looked attractive, but it is not
    # stable: one edit that adds a rare gram changes which grams a near-copy keeps.)
    _, inverse = np.unique(gram, return_inverse=True)
    x = inverse.astype(np.uint64) + np.uint64(1)
    docs, starts = np.unique(owner, return_index=True)

    rng = np.random.default_rng(1234)  # fixed: the same input always gives the same pairs
    n_hash = rows * bands
    a = rng.integers(1, 2**63, size=n_hash, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=n_hash, dtype=np.uint64)
    sig = np.empty((n_hash, len(docs)), dtype=np.uint64)
    with np.errstate(over="ignore"):  # multiply-shift hashing relies on wrap-around
        for k in range(n_hash):
            sig[k] = np.minimum.reduceat((a[k] * x + b[k]) >> np.uint64(20), starts)
        mix = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
        pairs: set[tuple[int, int]] = set()
        for band in range(bands):
            block = sig[band * rows : (band + 1) * rows]
            key = np.zeros(len(docs), dtype=np.uint64)
            for r in range(rows):
                key = (key ^ block[r]) * mix[r]
            order = np.argsort(key, kind="stable")
            bounds = np.r_[0, np.flatnonzero(np.diff(key[order])) + 1, len(order)]
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
                if hi - lo > 1:  # only shared buckets cost Python time
                    members = sorted(int(docs[m]) for m in order[lo:hi])
                    for p in range(len(members)):
                        for q in range(p + 1, len(members)):
                            pairs.add((members[p], members[q]))
    return pairs


def exact_pairs(texts: Sequence[str], cutoff: float) -> set[tuple[int, int]]:
    """Every pair (i < j) with ratio >= cutoff, all pairs scored in rapidfuzz's C++ (2 threads)."""
    import numpy as np
    from rapidfuzz import process

    m = process.cdist(
        texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1
    )
    ii, jj = np.nonzero(np.triu(m, k=1))
    return {(int(i), int(j)) for i, j in zip(ii, jj, strict=True)}


def find_groups(
    items: Sequence[Item],
    threshold: float = DEFAULT_THRESHOLD,
    duplicate_score: float = DUPLICATE_SCORE,
) -> list[Group]:
    """Duplicate groups (merged by transitivity) and near pairs, most similar first."""
    nq = [normalise(it.question) for it in items]
    na = [normalise(it.answer) for it in items]
    whole = [q + a for q, a in zip(nq, na, strict=True)]
    if len(items) <= EXACT_UP_TO:
        # Small decks: score every pair, so nothing above the threshold is missed.
        cut = max(0.0, threshold - 1)
        cands = exact_pairs(whole, cut) | exact_pairs(na, cut)
    else:
        cands = candidate_pairs(whole) | candidate_pairs(na)

    parent = list(range(len(items)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    dup_edges: list[tuple[int, int, float, float]] = []
    near_pairs: list[tuple[int, int, float, float, float]] = []
    for i, j in sorted(cands):
        a = fuzz.ratio(na[i], na[j])
        w = fuzz.ratio(whole[i], whole[j])
        if max(a, w) < threshold:
            continue
        q = fuzz.ratio(nq[i], nq[j])
        if q >= duplicate_score and a >= duplicate_score:
            dup_edges.append((i, j, q, a))
            parent[find(i)] = find(j)
        else:
            near_pairs.append((i, j, max(a, w), q, a))

    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        comps[find(i)].append(i)
    groups: list[Group] = []
    for members in comps.values():
        if len(members) < 2:
            continue
        edges = [e for e in dup_edges if find(e[0]) == find(members[0])]
        q = min(e[2] for e in edges)
        a = min(e[3] for e in edges)
        groups.append(
            Group(tuple(items[m].key for m in sorted(members)), min(q, a), "duplicate", q, a)
        )
    # Near pairs are reported between merged groups, each named by its first member, so a
    # duplicate's twin does not repeat the same finding.
    rep = {find(i): min(comps[find(i)]) for i in range(len(items))}
    best: dict[tuple[int, int], tuple[float, float, float]] = {}
    for i, j, score, q, a in near_pairs:
        ri, rj = sorted((rep[find(i)], rep[find(j)]))
        if ri != rj and score > best.get((ri, rj), (-1.0,))[0]:
            best[(ri, rj)] = (score, q, a)
    near = [
        Group((items[i].key, items[j].key), s, "near", q, a) for (i, j), (s, q, a) in best.items()
    ]
    order = {it.key: n for n, it in enumerate(items)}
    groups.sort(key=lambda g: (-g.score, order[g.members[0]]))
    near.sort(key=lambda g: (-g.score, order[g.members[0]]))
    return groups + near
