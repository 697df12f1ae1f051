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
