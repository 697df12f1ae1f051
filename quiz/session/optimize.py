"""Fit FSRS parameters to the learner's own review log (`quiz optimize`).

The fit is fsrs's own Optimizer (``fsrs[optimizer]``, which needs torch: the labs extra).
Everything else here is plain fsrs and needs no torch: how many reviews the log holds that
the fit can learn from, the log loss of a set of parameters on the log (shown before and
after), and the parameters file in the data folder that the scheduler reads.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from fsrs import Card as FsrsCard
from fsrs import Rating, ReviewLog, Scheduler

from quiz.errors import QuizError

# The parameters file lives in quiz.session.parameters (the scheduler reads it without
# loading this module); re-exported here, where `quiz optimize` writes it.
from quiz.session.parameters import (  # noqa: F401
    PARAMETERS_FILE,
    load_parameters,
    parameters_path,
    save_parameters,
)
from quiz.session.scheduling import fsrs_id

# fsrs's Optimizer learns only from reviews made a day or more after the card's previous
# one, among each card's first 64, and returns the defaults unchanged when it has fewer
# than one mini-batch (512) of them; below that count we refuse instead of pretending.
MIN_REVIEWS = 512
MAX_SEQ_LEN = 64
INSTALL_HINT = ("quiz optimize needs fsrs's optimizer, which needs torch: install the labs "
                "extra (pip install -e '.[labs]', or pipx install 'quizlab[labs]' / "
                "pipx inject quizlab 'fsrs[optimizer]' torch==2.13.0)")


@dataclass(frozen=True)
class Review:
    """One review from the log (the store's ReviewLogEntry has these fields)."""

    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None = None


def _histories(reviews: Iterable[Review]) -> dict[str, list[Review]]:
    by_card: dict[str, list[Review]] = defaultdict(list)
    for r in reviews:
        by_card[r.card_id].append(r)
    return {k: sorted(v, key=lambda r: r.reviewed_at)[:MAX_SEQ_LEN] for k, v in by_card.items()}


def usable_reviews(reviews: Iterable[Review]) -> int:
    """Reviews the fit learns from: a day or more after the same card's previous review."""
    n = 0
    for hist in _histories(reviews).values():
        n += sum(1 for a, b in zip(hist, hist[1:], strict=False)
                 if (b.reviewed_at - a.reviewed_at).days > 0)
    return n


def log_loss(reviews: Iterable[Review], parameters: Sequence[float]) -> float:
    """Mean binary cross-entropy of FSRS's predicted recall against what happened (Again =
    forgotten), over the reviews the fit learns from: the quantity the optimizer minimises."""
    scheduler = Scheduler(parameters=parameters, enable_fuzzing=False)
    total, n = 0.0, 0
    for cid, hist in _histories(reviews).items():
        card = FsrsCard(card_id=fsrs_id(cid), due=hist[0].reviewed_at)
        for r in hist:
            if card.last_review and (r.reviewed_at - card.last_review).days > 0:
                p = min(max(scheduler.get_card_retrievability(card, r.reviewed_at), 1e-6),
                        1 - 1e-6)
                y = 0.0 if r.rating == Rating.Again else 1.0
                total -= y * math.log(p) + (1 - y) * math.log(1 - p)
                n += 1
            card, _ = scheduler.review_card(card, Rating(r.rating), review_datetime=r.reviewed_at)
    return total / n if n else float("nan")


def fit(reviews: Sequence[Review]) -> list[float]:
    """fsrs's optimal parameters for ``reviews``; QuizError when the optimizer is missing or
    the log is too small."""
    have = usable_reviews(reviews)
    if have < MIN_REVIEWS:
        raise QuizError(
            f"optimize: the review log has {have} review(s) made a day or more after the "
            f"card's previous review; fitting FSRS needs at least {MIN_REVIEWS} (fsrs's "
            f"optimizer returns the defaults below that). Keep studying and run it again.")
    # fsrs.optimizer swallows torch's ImportError, so ask first; find_spec looks torch up
    # without importing it (no core layer imports torch: pyproject.toml's contracts).
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise QuizError(INSTALL_HINT)
    try:
        from fsrs.optimizer import Optimizer
    except ImportError:
        raise QuizError(INSTALL_HINT) from None
    logs = [ReviewLog(card_id=fsrs_id(r.card_id), rating=Rating(r.rating),
                      review_datetime=r.reviewed_at, review_duration=r.duration_ms)
            for r in reviews]
    return [float(x) for x in Optimizer(logs).compute_optimal_parameters()]
