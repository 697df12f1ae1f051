"""Self-study: the queue, FSRS ratings and previews, practice mode, daily limits."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from fsrs import Rating

from quiz.session import ManualClock, StudySession, fsrs_id, humanize, suggest_rating
from quiz.store import Store

try:
    from tests.test_session_support import FakeGrader, make_deck
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import FakeGrader, make_deck


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


@pytest.fixture
def clock():
    return ManualClock()


def session(deck, store, clock, **kw):
    kw.setdefault("grader", FakeGrader())
    return StudySession(deck, store, clock=clock, **kw)


def answer(s, text, rating=None, seconds=60):
    item = s.next_card()
    s.clock.advance(seconds)
    ans = s.submit(text)
    return item, ans, s.rate(rating)


def test_fsrs_id_is_a_stable_hash_of_the_slug():
    expected = int.from_bytes(hashlib.sha256(b"mobile-model-formats").digest()[:8], "big") >> 1
    assert fsrs_id("mobile-model-formats") == expected
    ids = {fsrs_id(f"card-{i}") for i in range(1000)}
    assert len(ids) == 1000 and all(0 < i < 2**63 for i in ids)


@pytest.mark.parametrize(("verdict", "seconds", "rating"), [
    ("wrong", 5, Rating.Again), ("partial", 5, Rating.Hard), ("correct", 60, Rating.Good),
    ("correct", 5, Rating.Easy), (None, 5, Rating.Again), ("correct", None, Rating.Good)])
def test_suggested_rating(verdict, seconds, rating):
    assert suggest_rating(verdict, seconds, easy_seconds=20) == rating


def test_humanize():
    assert [humanize(timedelta(seconds=s)) for s in (5, 60, 600, 7200, 86400 * 2,
                                                     86400 * 90, 86400 * 800)] == [
        "now", "1m", "10m", "2h", "2d", "3mo", "2.2y"]


def test_new_cards_in_deck_order_up_to_the_daily_limit(store, clock):
    s = session(make_deck(["a", "b", "c", "d"]), store, clock, new_per_day=2)
    assert s.counts().new == 2
    first, _, _ = answer(s, "RIGHT")
    second, _, _ = answer(s, "RIGHT")
    assert (first.card.id, first.kind, second.card.id) == ("a", "new", "b")
    assert s.next_card() is None  # both learning cards are due in minutes, limit reached
    assert s.counts().new_today == 2
    clock.advance(days=1)
    # Tomorrow: the two learnt cards are due first (oldest due first), then new ones.
    order = [answer(s, "RIGHT")[0] for _ in range(4)]
    assert [(i.card.id, i.kind) for i in order] == [
        ("a", "due"), ("b", "due"), ("c", "new"), ("d", "new")]


def test_due_cards_come_oldest_due_first(store, clock):
    deck = make_deck(["a", "b", "c"])
    s = session(deck, store, clock)
    # c rated Good first, a later: a new card's Good step is 10 minutes.
    for text in ("RIGHT", "RIGHT", "RIGHT"):
        answer(s, text)
        clock.advance(minutes=3)
    clock.advance(hours=1)
    assert [s.next_card().card.id for _ in range(1)] == ["a"]
    dues = {k: v.due for k, v in store.review_states().items()}
    assert dues["a"] < dues["b"] < dues["c"]


def test_failed_card_comes_back_after_its_learning_step(store, clock):
    s = session(make_deck(["a"]), store, clock)
    _, ans, rated = answer(s, "nothing useful")
    assert ans.suggested == Rating.Again and rated.label == "1m"
    assert s.next_card() is None
    assert s.next_due_at() == rated.due
    clock.advance(minutes=2)
    item = s.next_card()
    assert (item.card.id, item.kind) == ("a", "due")


def test_preview_is_exactly_what_rating_applies(store, clock):
    s = session(make_deck(["a"]), store, clock)
    for _ in range(4):  # reach long, fuzzed intervals
        item = s.next_card()
        clock.advance(30)
        ans = s.submit("RIGHT")
        shown = {r: o.due for r, o in ans.preview.items()}
        rated = s.rate(Rating.Good)
        assert rated.due == shown[Rating.Good]
        assert store.review_state(item.card.id).due == shown[Rating.Good]
        clock.now = rated.due
    labels = [o.label for o in ans.preview.values()]
    assert all(labels) and ans.preview[Rating.Again].due < ans.preview[Rating.Easy].due


def test_suggestion_and_override_are_both_stored(store, clock):
    s = session(make_deck(["a", "b"]), store, clock)
    _, ans, rated = answer(s, "HALF", rating=4)
    assert ans.suggested == Rating.Hard and rated.overridden
    _, ans2, rated2 = answer(s, "RIGHT", seconds=5)  # quick and correct: Easy suggested
    assert ans2.suggested == Rating.Easy and not rated2.overridden
    a1, a2 = store.attempts()
    assert (a1.suggested_rating, a1.rating, a1.verdict, a1.mode) == (2, 4, "partial", "study")
    assert (a2.suggested_rating, a2.rating) == (4, 4)
    assert [e.rating for e in store.review_log()] == [4, 4]


def test_attempt_is_committed_at_submit_before_rating(store, clock):
    s = session(make_deck(["a"]), store, clock)
    s.next_card()
    clock.advance(12)
    s.submit("HALF answer")
    (a,) = store.attempts()
    assert (a.answer, a.score, a.rating, a.seconds) == ("HALF answer", 0.5, None, 12.0)
    assert store.review_state("a") is None  # not scheduled until rated


def test_blank_answer_is_not_graded(store, clock):
    grader = FakeGrader()
    s = session(make_deck(["a"]), store, clock, grader=grader)
    s.next_card()
    ans = s.submit("   ")
    assert grader.calls == [] and not ans.answered
    # "Show answer": recorded as revealed, no score, and no suggestion: the learner rates.
    assert (ans.verdict, ans.score, ans.suggested) == ("revealed", None, None)
    assert store.attempts()[0].grade is None


def test_practice_mode_never_touches_the_schedule(store, clock):
    deck = make_deck(["a", "b", "c"])
    answer(session(deck, store, clock), "RIGHT")  # a is scheduled
    before = store.review_states()
    p = session(deck, store, clock, mode="practice")
    served = []
    for _ in range(3):
        item, _, rated = answer(p, "HALF", rating=1)
        served.append(item.card.id)
        assert rated.due is None and item.kind == "practice"
    # Weakest first: never-reviewed cards (retrievability 0) before the reviewed one.
    assert served == ["b", "c", "a"]
    assert store.review_states() == before
    assert len(store.review_log()) == 1
    practice = store.attempts(mode="practice")
    assert len(practice) == 3 and all(a.rating == 1 for a in practice)
    assert p.next_card() is not None  # practice goes round again


def test_reviews_per_day_limit(store, clock):
    deck = make_deck(["a", "b", "c"])
    s = session(deck, store, clock)
    for _ in range(3):
        answer(s, "RIGHT")
    clock.advance(days=1)
    limited = session(deck, store, clock, reviews_per_day=2)
    assert limited.counts().due == 2
    answer(limited, "RIGHT")
    answer(limited, "RIGHT")
    assert limited.next_card() is None


def test_tags_filter_the_queue(store, clock):
    deck = make_deck(["a", "b", "c"], tags={"b": ("perf",)})
    s = session(deck, store, clock, tags=["perf"])
    assert s.counts().new == 1 and s.next_card().card.id == "b"


def test_edited_card_keeps_its_history(store, clock):
    answer(session(make_deck(["a"]), store, clock), "RIGHT")
    clock.advance(days=3)
    edited = make_deck(["a"])
    edited = type(edited)(edited.title, edited.languages,
                          (type(edited.cards[0])(**{**edited.cards[0].__dict__,
                                                    "question": {"en": "New wording?"}}),),
                          edited.path)
    item = session(edited, store, clock).next_card()
    assert (item.kind, item.question) == ("due", "New wording?")


def test_calls_out_of_order_raise(store, clock):
    s = session(make_deck(["a"]), store, clock)
    with pytest.raises(RuntimeError):
        s.submit("x")
    s.next_card()
    with pytest.raises(RuntimeError):
        s.rate()
    s.submit("x")
    with pytest.raises(RuntimeError):
        s.submit("again")


def test_question_language(store, clock):
    s = session(make_deck(["a"]), store, clock, lang="en")
    assert s.next_card().question == "Question a"


def test_with_the_real_grader(store, clock):
    """Integration: the default grader (quiz.grading.grade, imported lazily) drives ratings."""
    s = StudySession(make_deck(["a", "b"]), store, clock=clock, lang="en")
    s.next_card()
    clock.advance(60)
    good = s.submit("It is saved as TorchScript and uses quantization")
    assert (good.verdict, good.suggested) == ("correct", Rating.Good)
    assert [k["found"] for k in good.grade_dict["key_points"]] == [True, True]
    s.rate()
    s.next_card()
    clock.advance(60)
    bad = s.submit("PyTorch Mobile supports ONNX")
    assert bad.verdict == "wrong" and bad.suggested == Rating.Again
    assert [m["id"] for m in bad.grade_dict["misconceptions"]] == ["onnx"]
    s.rate()
    assert [a.verdict for a in store.attempts()] == ["correct", "wrong"]


def test_fuzzed_intervals_are_deterministic(store, clock):
    from quiz.session.scheduling import fsrs_card, make_scheduler, preview

    sched = make_scheduler()
    card = fsrs_card("a", None, clock())
    card = preview(sched, card, clock())[Rating.Good].card
    clock.advance(days=1)
    card = preview(sched, card, clock())[Rating.Good].card
    clock.advance(days=5)
    runs = [{r: o.due for r, o in preview(sched, card, clock()).items()} for _ in range(5)]
    assert all(r == runs[0] for r in runs)
    # Long intervals still get fuzz: different cards with the same history can differ.
    assert (runs[0][Rating.Easy] - clock()).days > 3


def test_override_sets_the_final_verdict_then_the_learner_rates(store, clock):
    """F2/B2: y / n change the attempt's verdict (the grader's is kept), not the rating."""
    s = session(make_deck(["a"]), store, clock)
    s.next_card()
    clock.advance(60)
    ans = s.submit("nope")
    assert (ans.verdict, ans.suggested) == ("wrong", Rating.Again)
    ans = s.override(True)
    assert (ans.verdict, ans.grader_verdict, ans.suggested) == ("correct", "wrong", Rating.Good)
    (a,) = store.attempts()
    assert (a.verdict, a.grader_verdict, a.rating, a.overridden) == ("correct", "wrong", None, True)
    rated = s.rate(2)  # an override followed by Hard
    assert rated.rating == Rating.Hard
    (a,) = store.attempts()
    assert (a.verdict, a.rating) == ("correct", 2)


def test_unsure_and_unknown_verdicts_ask_the_learner(store, clock):
    s = session(make_deck(["a", "b"]), store, clock)
    for text in ("UNSURE", "ODDWORD"):
        s.next_card()
        ans = s.submit(text)
        assert ans.suggested is None and ans.needs_rating
        with pytest.raises(ValueError, match="pick one of 1-4"):
            s.rate()  # nothing to accept
        s.rate(3)
    # The learner's rating decides the final verdict; the grader's stays beside it.
    assert [(a.verdict, a.grader_verdict) for a in store.attempts()] == [
        ("correct", "unsure"), ("correct", "maybe-later")]


def test_undo_restores_the_schedule_and_the_card(store, clock):
    s = session(make_deck(["a", "b"]), store, clock)
    s.next_card()
    clock.advance(30)
    s.submit("RIGHT")
    s.rate(3)
    s.next_card()
    s.submit("UNSURE")
    before_state = store.review_state("a")
    s.rate(1)
    assert store.review_state("b") is not None and len(store.review_log()) == 2
    ans = s.undo()
    # b is back on screen, graded and unrated; its schedule and log entry are gone.
    assert s.current.card.id == "b" and s.last_answer is ans and ans.verdict == "unsure"
    assert store.review_state("b") is None and len(store.review_log()) == 1
    b_attempt = store.attempts(card_id="b")[0]
    assert (b_attempt.rating, b_attempt.verdict) == (None, "unsure")
    s.rate(4)
    assert s.undo().item.card.id == "b"
    assert s.undo().item.card.id == "a"  # and the one before
    assert store.review_state("a") is None and store.review_log() == []
    assert before_state is not None
    assert not s.can_undo


def test_new_card_limit_is_per_deck(store, clock):
    """B6: new cards studied in one deck do not use up another deck's limit."""
    first = session(make_deck(["a", "b"]), store, clock, new_per_day=2)
    for _ in range(2):
        answer(first, "RIGHT")
    assert first.counts().new == 0
    other = make_deck(["x", "y"])
    assert session(other, store, clock, new_per_day=2).counts().new == 2
