"""Stats: due counts, reviews per day, accuracy per tag, retention, interviews, orphans."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from quiz.cli import main
from quiz.session import (
    InterviewConfig,
    InterviewEngine,
    ManualClock,
    StudySession,
    compute_stats,
    format_stats,
)
from quiz.session.limits import StudyDay
from quiz.store import Store

try:
    from tests.test_session_support import FakeGrader, deck_yaml, make_deck
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import FakeGrader, deck_yaml, make_deck

TAGS = {"a": ("perf",), "b": ("perf", "formats"), "c": ("formats",), "gone": ("old",)}
DAY = StudyDay(4, UTC)  # the study day starts at 04:00 UTC in these tests, on any machine


@pytest.fixture
def history(tmp_path):
    """Three days of study on a, b, c and a card since removed from the deck, plus
    one finished and one cut-off interview."""
    clock = ManualClock()
    store = Store.open(tmp_path)
    full = make_deck(["a", "b", "c", "gone"], tags=TAGS)
    s = StudySession(full, store, clock=clock, grader=FakeGrader())
    for text in ("RIGHT", "HALF", "nope", "RIGHT"):
        s.next_card()
        clock.advance(60)
        s.submit(text)
        s.rate()
    clock.advance(days=2)
    e = InterviewEngine(full, InterviewConfig(questions=2, seed=0), store=store, clock=clock,
                        grader=FakeGrader())
    e.start()
    e.submit("RIGHT")
    e.next()
    e.submit("HALF")
    e.next()
    cut = InterviewEngine(full, InterviewConfig(questions=3, seed=1), store=store, clock=clock,
                          grader=FakeGrader())
    cut.start()
    cut.submit("HALF")  # then the process "dies": never finished
    yield store, clock
    store.close()


def test_stats_figures(history):
    store, clock = history
    deck = make_deck(["a", "b", "c", "new1"], tags=TAGS)
    st = compute_stats(store, deck, clock(), day=DAY)
    assert st.cards == 4 and st.reviewed_cards == 3 and st.new_cards == 1
    # Learning steps of minutes have passed two days ago: all three are overdue, and
    # overdue cards are due today: the 7-day list starts with them, and has 7 days.
    assert (st.due_today, st.overdue, st.due_within_7_days) == (3, 3, 3)
    assert len(st.due_next_7_days) == 7 and st.due_next_7_days[0] == (str(clock().date()), 3)
    assert len(st.reviews_per_day) == 30
    # Per deck: the review of "gone" (no longer in the deck) is not counted.
    assert st.reviews_per_day[-3] == (str((clock() - timedelta(days=2)).date()), 3)
    assert sum(n for _, n in st.reviews_per_day) == 3
    acc = {t.tag: t for t in st.accuracy_by_tag}
    assert set(acc) == {"perf", "formats"}  # the orphan's tag is not counted
    # Attempts on a: RIGHT (study); b: HALF (study); c: wrong (study); interviews add more.
    assert all(0 <= t.mean_score <= 1 for t in st.accuracy_by_tag)
    assert st.accuracy_by_tag == sorted(st.accuracy_by_tag, key=lambda t: (t.mean_score, t.tag))
    assert st.retention_predicted is not None and 0 < st.retention_predicted <= 1
    # Every card was reviewed once: no interval yet, nothing measured.
    assert st.retention_measured_total is None
    newest, oldest = st.interviews
    assert (newest.finished, newest.answered, newest.questions) == (False, 1, 3)
    assert (oldest.finished, oldest.answered, oldest.mean_score) == (True, 2, 0.75)
    assert st.orphans == ["gone"]
    text = format_stats(st)
    assert "orphaned cards" in text and "gone" in text and "(unfinished)" in text


def test_due_later_this_week_is_counted(history):
    store, clock = history
    deck = make_deck(["a", "b", "c"], tags=TAGS)
    s = StudySession(deck, store, clock=clock, grader=FakeGrader())
    s.next_card()
    s.submit("RIGHT")
    rated = s.rate(4)  # Easy on a learnt card: days away
    st = compute_stats(store, deck, clock(), day=DAY)
    assert st.due_today == 2
    if rated.due <= clock() + timedelta(days=6):
        assert st.due_within_7_days == 3
    assert dict(st.due_next_7_days).get(str(rated.due.date()), 1) == 1


def test_empty_history(tmp_path):
    with Store.open(tmp_path) as store:
        st = compute_stats(store, make_deck(["a"]), ManualClock()(), day=DAY)
    assert (st.due_today, st.retention_predicted, st.interviews, st.orphans, st.new_cards) == (
        0, None, [], [], 1)
    text = format_stats(st)
    assert "retention measured" in text and "retention predicted by FSRS" in text


def test_stats_cli_json(tmp_path, capsys):
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(["a", "b"]), encoding="utf-8")
    assert main(["stats", "--data-dir", str(tmp_path / "d"), "--deck", str(deck), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["cards"] == 2 and d["new_cards"] == 2 and d["orphans"] == []
    assert len(d["reviews_per_day"]) == 30 and set(d["reviews_per_day"][0]) == {"date", "reviews"}
    assert main(["stats", "--deck", str(deck), "--data-dir", str(tmp_path / "d")]) == 0
    assert "due today: 0" in capsys.readouterr().out


def test_overrides_reveals_and_unsure_answers_count_by_the_final_verdict(tmp_path):
    """B2/B3: "I was right" makes the attempt count as right; reveal + Easy is a recall."""
    clock = ManualClock()
    deck = make_deck(["a", "b", "c"], tags={"a": ("t",), "b": ("t",), "c": ("t",)})
    with Store.open(tmp_path) as store:
        s = StudySession(deck, store, clock=clock, grader=FakeGrader())
        s.next_card()
        clock.advance(60)
        s.submit("nope")  # graded wrong
        s.override(True)  # the learner was right
        s.rate(3)
        s.next_card()
        s.submit("")  # show answer
        s.rate(4)  # and knew it
        s.next_card()
        s.submit("UNSURE")  # the grader leaves it to the learner
        s.rate(2)  # Hard: partial
        (tag,) = compute_stats(store, deck, clock(), day=DAY).accuracy_by_tag
        a_wrong, a_revealed, a_unsure = store.attempts()
    assert (a_wrong.verdict, a_wrong.grader_verdict, a_wrong.score) == ("correct", "wrong", 0.0)
    assert (a_revealed.verdict, a_revealed.score, a_revealed.rating) == ("revealed", None, 4)
    assert (a_unsure.verdict, a_unsure.grader_verdict) == ("partial", "unsure")
    assert (tag.attempts, tag.graded, tag.correct, tag.revealed, tag.recalled) == (3, 2, 1, 1, 1)
    assert tag.overruled == 2  # the override and the learner's rating of the unsure one
    # Mean over graded attempts: the overruled wrong counts 1.0, the rated unsure 0.5.
    assert tag.mean_score == 0.75


def test_measured_retention_by_interval(tmp_path):
    """Share of reviews not rated Again, bucketed by the time since the previous review."""
    clock = ManualClock(datetime(2026, 3, 1, 10, tzinfo=UTC))
    deck = make_deck(["a", "b"])
    with Store.open(tmp_path) as store:
        s = StudySession(deck, store, clock=clock, grader=FakeGrader())
        for _ in ("a", "b"):
            s.next_card()
            s.submit("RIGHT")
            s.rate(4)  # Easy: days away
        first = clock()
        clock.now = max(st.due for st in store.review_states().values()) + timedelta(minutes=1)
        gap = (clock() - first).days
        bucket = "1-7d" if gap < 7 else "7-30d" if gap < 30 else ">30d"
        for rating in (1, 3):  # a forgotten, b recalled
            s.next_card()
            s.submit("RIGHT")
            s.rate(rating)
        clock.advance(minutes=30)
        s.next_card()  # a again, after its relearning step: a <1d review
        s.submit("RIGHT")
        s.rate(3)
        st = compute_stats(store, deck, clock(), day=DAY)
    got = {b.interval: (b.reviews, b.recalled) for b in st.retention_measured}
    want = {"<1d": (1, 1), "1-7d": (0, 0), "7-30d": (0, 0), ">30d": (0, 0), bucket: (2, 1)}
    assert got == want
    assert st.retention_measured_total == 0.5  # learning steps (<1d) left out
    assert st.retention_predicted is not None


def test_study_day_starts_at_the_local_hour():
    """B6: a study day runs from day_start_hour local time, not midnight UTC."""
    from zoneinfo import ZoneInfo

    day = StudyDay(4, ZoneInfo("Asia/Shanghai"))
    # 2026-03-02 02:00 in Shanghai is still the study day of March 1st.
    at = datetime(2026, 3, 1, 18, tzinfo=UTC)
    start, end = day.bounds(at)
    assert day.date_of(at).isoformat() == "2026-03-01"
    assert start == datetime(2026, 2, 28, 20, tzinfo=UTC) and end - start == timedelta(days=1)
    assert day.due_today([start - timedelta(days=9), end - timedelta(seconds=1), end], at) == 2
