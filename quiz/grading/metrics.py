"""Agreement figures for judging the grader against human labels (no sklearn)."""

from __future__ import annotations

from collections.abc import Sequence


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], n_classes: int) -> float:
    """Cohen's kappa with quadratic weights for ordinal labels 0..n_classes-1."""
    if len(a) != len(b) or not a:
        raise ValueError("need two label lists of the same, non-zero length")
    n = len(a)
    observed = [[0.0] * n_classes for _ in range(n_classes)]
    for x, y in zip(a, b, strict=True):
        observed[x][y] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(n_classes)) for j in range(n_classes)]
    num = den = 0.0
    for i in range(n_classes):
        for j in range(n_classes):
            w = (i - j) ** 2 / (n_classes - 1) ** 2
            num += w * observed[i][j]
            den += w * hist_a[i] * hist_b[j] / n
    return 1.0 if den == 0 else 1.0 - num / den


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Unweighted mean of the per-class F1 over the classes in ``gold``."""
    scores = []
    for c in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return 0.0 if sxx == 0 or syy == 0 else sxy / (sxx * syy) ** 0.5


def folds_by_group(groups: Sequence[str], k: int = 5, seed: int = 13) -> list[set[str]]:
    """``k`` disjoint sets of group names (questions, cards), shuffled by a fixed seed."""
    import random

    g = sorted(set(groups))
    random.Random(seed).shuffle(g)
    return [set(g[i::k]) for i in range(k)]


def best_threshold(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """The threshold (a score rounded to 3 places) that maximises the two-class macro-F1 of
    ``score >= threshold``; the lowest of equals. A sweep over sorted scores, not a
    recount per candidate, so thousands of answers take milliseconds."""
    from bisect import bisect_left

    pos = sorted(s for s, p in zip(scores, positive, strict=True) if p)
    neg = sorted(s for s, p in zip(scores, positive, strict=True) if not p)
    best_t, best_f = 0.0, -1.0
    for t in sorted({round(s, 3) for s in scores}):
        tp = len(pos) - bisect_left(pos, t)  # positives predicted positive
        fp = len(neg) - bisect_left(neg, t)
        fn = len(pos) - tp
        tn = len(neg) - fp
        f_pos = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        f_neg = 2 * tn / (2 * tn + fn + fp) if tn else 0.0
        f = (f_pos + f_neg) / 2
        if f > best_f:
            best_t, best_f = t, f
    return best_t


def cv_macro_f1(scores: Sequence[float], positive: Sequence[bool], groups: Sequence[str],
                k: int = 5) -> tuple[float, list[float]]:
    """Macro-F1 of one threshold on ``scores``, the threshold fitted on the other folds
    (folds grouped by ``groups``: no group is in both); returns it and each fold's
    threshold."""
    pred = [False] * len(scores)
    chosen = []
    for test in folds_by_group(groups, k):
        train = [i for i, g in enumerate(groups) if g not in test]
        t = best_threshold([scores[i] for i in train], [positive[i] for i in train])
        chosen.append(t)
        for i, g in enumerate(groups):
            if g in test:
                pred[i] = scores[i] >= t
    label = {True: "correct", False: "incorrect"}
    return macro_f1([label[p] for p in positive], [label[p] for p in pred]), chosen


def _ranks(v: Sequence[float]) -> list[float]:
    """Ranks from 0, ties sharing their mean rank."""
    order = sorted(range(len(v)), key=v.__getitem__)
    out = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Rank correlation: how well ``x`` orders the items as ``y`` does, whatever the scale
    (a score need not be linear in a 0-10 human grade to rank answers right)."""
    return pearson(_ranks(x), _ranks(y))
