"""Stats: due counts, reviews per day, accuracy per tag, retention, interviews, orphans."""

from __future__ import annotations

import json
from datetime import timedelta

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
from quiz.store import Store

try:
    from tests.test_session_support import FakeGrader, deck_yaml, make_deck
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import FakeGrader, deck_yaml, make_deck

TAGS = {"a": ("perf",), "b": ("perf", "formats"), "c": ("formats",), "gone": ("old",)}


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
    st = compute_stats(store, deck, clock())
    assert st.cards == 4 and st.reviewed_cards == 3 and st.new_cards == 1
    # Learning steps of minutes have passed two days ago: all three are due now.
    assert st.due_now == 3 and st.due_within_7_days == 0
    assert len(st.due_next_7_days) == 8
    assert len(st.reviews_per_day) == 30
    assert st.reviews_per_day[-3] == (str((clock() - timedelta(days=2)).date()), 4)
    assert sum(n for _, n in st.reviews_per_day) == 4
    acc = {t.tag: t for t in st.accuracy_by_tag}
    assert set(acc) == {"perf", "formats"}  # the orphan's tag is not counted
    # Attempts on a: RIGHT (study); b: HALF (study); c: wrong (study); interviews add more.
    assert all(0 <= t.mean_score <= 1 for t in st.accuracy_by_tag)
    assert st.accuracy_by_tag == sorted(st.accuracy_by_tag, key=lambda t: (t.mean_score, t.tag))
    assert st.retention is not None and 0 < st.retention <= 1
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
    st = compute_stats(store, deck, clock())
    assert st.due_now == 2
    if rated.due <= clock() + timedelta(days=7):
        assert st.due_within_7_days == 1
    assert dict(st.due_next_7_days).get(str(rated.due.date()), 1) == 1


def test_empty_history(tmp_path):
    with Store.open(tmp_path) as store:
        st = compute_stats(store, make_deck(["a"]), ManualClock()())
    assert (st.due_now, st.retention, st.interviews, st.orphans, st.new_cards) == (
        0, None, [], [], 1)
    assert "retention estimate: -" in format_stats(st)


def test_stats_cli_json(tmp_path, capsys):
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(["a", "b"]), encoding="utf-8")
    assert main(["stats", "--data-dir", str(tmp_path / "d"), "--deck", str(deck), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["cards"] == 2 and d["new_cards"] == 2 and d["orphans"] == []
    assert len(d["reviews_per_day"]) == 30 and set(d["reviews_per_day"][0]) == {"date", "reviews"}
    assert main(["stats", "--deck", str(deck), "--data-dir", str(tmp_path / "d")]) == 0
    assert "due now: 0" in capsys.readouterr().out
