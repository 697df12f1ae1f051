"""`quiz optimize`: FSRS parameters fitted to the learner's review log, stored in the data
folder and used by the scheduler."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from quiz.errors import QuizError
from quiz.session import optimize
from quiz.session.optimize import (
    MIN_REVIEWS,
    PARAMETERS_FILE,
    Review,
    fit,
    load_parameters,
    log_loss,
    save_parameters,
    usable_reviews,
)
from quiz.session.scheduling import fsrs_id, make_scheduler
from quiz.store import Store

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 1, 1, 9, tzinfo=UTC)


def simulate(n_cards: int, days: int = 365, seed: int = 1) -> list[Review]:
    """A learner who forgets more slowly than FSRS's defaults predict, reviewing on time."""
    rng = random.Random(seed)
    sched = Scheduler(enable_fuzzing=False)
    truth = list(DEFAULT_PARAMETERS)
    truth[0:4] = [x * 3 for x in truth[0:4]]
    true_s = Scheduler(parameters=truth, enable_fuzzing=False)
    out = []
    for i in range(n_cards):
        card, tcard = Card(card_id=i, due=START), Card(card_id=i, due=START)
        t = START + timedelta(days=rng.random() * 30)
        while t < START + timedelta(days=days):
            if tcard.last_review is None:
                rating = Rating.Good
            elif rng.random() < true_s.get_card_retrievability(tcard, t):
                rating = rng.choice([Rating.Hard, Rating.Good, Rating.Good, Rating.Easy])
            else:
                rating = Rating.Again
            out.append(Review(f"card-{i}", int(rating), t, None))
            card, _ = sched.review_card(card, rating, review_datetime=t)
            tcard, _ = true_s.review_card(tcard, rating, review_datetime=t)
            t = max(card.due, t + timedelta(hours=20)) + timedelta(hours=rng.random() * 6)
    return out


def _store_with(tmp_path: Path, reviews: list[Review]) -> Path:
    with Store.open(tmp_path) as store:
        for r in reviews:
            c = Card(card_id=fsrs_id(r.card_id), due=r.reviewed_at)
            store.record_review(card_id=r.card_id, fsrs_id=c.card_id, fsrs_json=c.to_json(),
                                due=r.reviewed_at, rating=r.rating, reviewed_at=r.reviewed_at,
                                log_json="{}")
    return tmp_path


def quiz(*args: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quiz.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "QUIZ_HOME": str(home)},
                          timeout=600)


def test_only_reviews_a_day_after_the_previous_one_count():
    t = START
    reviews = [Review("a", 3, t), Review("a", 3, t + timedelta(minutes=10)),
               Review("a", 3, t + timedelta(days=1, minutes=10)),
               Review("a", 1, t + timedelta(days=5)), Review("b", 3, t)]
    assert usable_reviews(reviews) == 2


def test_too_few_reviews_are_refused_with_the_count_needed(tmp_path):
    home = _store_with(tmp_path, simulate(10, days=60))
    have = usable_reviews(simulate(10, days=60))
    assert 0 < have < MIN_REVIEWS
    r = quiz("optimize", home=home)
    assert r.returncode == 1
    assert f"has {have} review(s)" in r.stderr and f"at least {MIN_REVIEWS}" in r.stderr
    assert not (home / PARAMETERS_FILE).exists()


def test_a_missing_optimizer_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    monkeypatch.setattr(optimize, "usable_reviews", lambda _r: MIN_REVIEWS)
    with pytest.raises(QuizError, match=r"labs extra"):
        fit([Review("a", 3, START)])


def test_log_loss_is_lower_for_parameters_that_predict_what_happened():
    def log(rating: int) -> list[Review]:
        return [Review(f"c{i}", 3 if d == 0 else rating, START + timedelta(days=d))
                for i in range(20) for d in (0, 3, 10, 30)]

    slow = list(DEFAULT_PARAMETERS)  # initial stabilities x10: predicts much higher recall
    slow[0:4] = [x * 10 for x in slow[0:4]]
    remembered, forgotten = log(3), log(1)
    assert log_loss(remembered, slow) < log_loss(remembered, DEFAULT_PARAMETERS)
    assert log_loss(forgotten, slow) > log_loss(forgotten, DEFAULT_PARAMETERS)


def test_a_bad_parameters_file_is_named_and_the_scheduler_keeps_the_defaults(tmp_path):
    (tmp_path / PARAMETERS_FILE).write_text('{"parameters": [1, 2]}', encoding="utf-8")
    with pytest.raises(QuizError, match=PARAMETERS_FILE):
        load_parameters(tmp_path)
    with Store.open(tmp_path) as store:
        assert make_scheduler(store).parameters == tuple(DEFAULT_PARAMETERS)


def test_stored_parameters_are_what_the_scheduler_uses(tmp_path):
    fitted = list(DEFAULT_PARAMETERS)
    fitted[0] = 0.5
    save_parameters(tmp_path, fitted, now=START, reviews=600, before=0.3, after=0.2)
    assert load_parameters(tmp_path) == tuple(fitted)
    with Store.open(tmp_path) as store:
        assert make_scheduler(store).parameters == tuple(fitted)
        from quiz.deck.loader import load_deck
        from quiz.session import StudySession

        assert StudySession(load_deck(), store).scheduler.parameters == tuple(fitted)
    assert make_scheduler().parameters == tuple(DEFAULT_PARAMETERS)


@pytest.mark.slow
def test_optimize_fits_shows_both_losses_and_stores_the_parameters(tmp_path):
    pytest.importorskip("torch")
    reviews = simulate(150)
    assert usable_reviews(reviews) >= MIN_REVIEWS
    home = _store_with(tmp_path, reviews)
    r = quiz("optimize", home=home)
    assert r.returncode == 0, r.stderr
    assert "log loss: " in r.stdout and "with the FSRS defaults" in r.stdout
    stored = json.loads((home / PARAMETERS_FILE).read_text(encoding="utf-8"))
    assert len(stored["parameters"]) == 21
    assert stored["parameters"] != [round(x, 6) for x in DEFAULT_PARAMETERS]
    assert stored["log_loss"]["after"] < stored["log_loss"]["before"]
    assert f"{stored['log_loss']['before']:.4f}" in r.stdout
    with Store.open(home) as store:
        assert make_scheduler(store).parameters == tuple(stored["parameters"])
