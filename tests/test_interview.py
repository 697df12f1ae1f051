"""The mock-interview engine: states, deadlines, auto-submit, hidden grades, the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.errors import QuizError
from quiz.session import (
    InterviewConfig,
    InterviewEngine,
    InterviewState,
    InterviewStateError,
    ManualClock,
    report_from_store,
)
from quiz.store import Store

try:
    from tests.test_session_support import FakeGrader, make_deck
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import FakeGrader, make_deck

S = InterviewState


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


@pytest.fixture
def clock():
    return ManualClock()


DECK = make_deck(["a", "b", "c", "d", "e"],
                 tags={"a": ("perf",), "b": ("perf", "formats"), "c": ("formats",)})


def engine(store, clock, grader=None, **cfg):
    cfg.setdefault("seed", 7)
    cfg.setdefault("questions", 3)
    cfg.setdefault("seconds_per_question", 60)
    return InterviewEngine(DECK, InterviewConfig(**cfg), store=store, clock=clock,
                           grader=grader or FakeGrader())


def test_seed_picks_the_same_questions_and_tags_filter():
    one = InterviewEngine(DECK, InterviewConfig(questions=3, seed=1), grader=FakeGrader())
    two = InterviewEngine(DECK, InterviewConfig(questions=3, seed=1), grader=FakeGrader())
    assert [c.id for c in one.cards] == [c.id for c in two.cards]
    assert len({c.id for c in one.cards}) == 3
    perf = InterviewEngine(DECK, InterviewConfig(questions=5, tags=("perf",), seed=3),
                           grader=FakeGrader())
    assert sorted(c.id for c in perf.cards) == ["a", "b"]
    with pytest.raises(QuizError, match="no card has any of the tags"):
        InterviewEngine(DECK, InterviewConfig(tags=("nope",)), grader=FakeGrader())


def test_random_seed_is_recorded(store, clock):
    e = InterviewEngine(DECK, InterviewConfig(questions=2), store=store, clock=clock,
                        grader=FakeGrader())
    assert isinstance(e.config.seed, int)
    e.start()
    assert store.interview(e.interview_id).config["seed"] == e.config.seed


def test_full_run_through_the_states(store, clock):
    e = engine(store, clock)
    assert e.state is S.NOT_STARTED
    q = e.start()
    assert (e.state, q.position, q.total) == (S.ASKING, 0, 3)
    clock.advance(10)
    assert e.submit("RIGHT") is S.ANSWERED
    q = e.next()
    assert (e.state, q.position) == (S.ASKING, 1)
    e.submit("HALF")
    e.next()
    e.submit("wrong stuff")
    assert e.next() is None and e.state is S.FINISHED
    r = e.report
    assert [x.verdict for x in r.questions] == ["correct", "partial", "wrong"]
    assert r.counts == {"correct": 1, "partial": 1, "wrong": 1, "unsure": 0, "unanswered": 0}
    assert r.mean_score == 0.5 and r.answered == 3 and r.finished


def test_invalid_transitions_raise(store, clock):
    e = engine(store, clock)
    with pytest.raises(InterviewStateError):
        e.submit("x")
    with pytest.raises(InterviewStateError):
        e.next()
    e.start()
    with pytest.raises(InterviewStateError):
        e.next()
    with pytest.raises(InterviewStateError):
        e.start()


def test_time_left_comes_from_the_deadline_not_from_ticks(store, clock):
    e = engine(store, clock, seconds_per_question=60)
    q = e.start()
    assert q.deadline == clock.now + timedelta(seconds=60)
    for _ in range(100):  # many ticks without time passing change nothing
        e.tick()
    assert e.time_left() == 60
    clock.advance(45.5)
    assert e.time_left() == pytest.approx(14.5)
    assert e.state is S.ASKING


def test_deadline_auto_submits_the_draft(store, clock):
    grader = FakeGrader()
    e = engine(store, clock, grader=grader, seconds_per_question=60)
    e.start()
    e.set_draft("HALF an answer")
    clock.advance(75)  # the timer fired late: still timed out at the deadline
    assert e.tick() is S.TIMED_OUT
    assert e.time_left() == 0
    assert grader.calls[0][1] == "HALF an answer"
    (row,) = store.interview_answers(e.interview_id)
    assert (row.answer, row.timed_out, row.answered, row.seconds) == (
        "HALF an answer", True, True, 60.0)
    q = e.next()
    assert q.position == 1 and e.draft == ""


def test_time_left_alone_times_out(store, clock):
    e = engine(store, clock)
    e.start()
    clock.advance(61)
    assert e.time_left() == 0 and e.state is S.TIMED_OUT


def test_timeout_with_nothing_typed_is_unanswered_and_not_graded(store, clock):
    grader = FakeGrader()
    e = engine(store, clock, grader=grader, questions=1)
    e.start()
    clock.advance(61)
    e.tick()
    e.next()
    assert grader.calls == []
    (r,) = e.report.questions
    assert (r.answered, r.timed_out, r.score, r.verdict) == (False, True, 0.0, "unanswered")
    assert [k.id for k in r.missed_key_points] == ["kp1", "kp2"]


def test_late_submit_counts_as_timed_out(store, clock):
    e = engine(store, clock)
    e.start()
    clock.advance(90)
    assert e.submit("RIGHT") is S.TIMED_OUT
    assert store.interview_answers(e.interview_id)[0].seconds == 60.0


def test_no_grades_before_the_end(store, clock):
    e = engine(store, clock)
    e.start()
    e.submit("RIGHT")
    with pytest.raises(InterviewStateError):
        e.report  # noqa: B018
    public = {k: v for k, v in vars(e).items() if not k.startswith("_")}
    assert "score" not in repr(public) and "verdict" not in repr(public)


def test_each_answer_is_stored_when_given(store, clock):
    e = engine(store, clock)
    e.start()
    e.submit("RIGHT")
    rec = store.interview(e.interview_id)
    assert not rec.finished
    assert [a.answer for a in store.interview_answers(e.interview_id)] == ["RIGHT"]
    assert store.attempts(mode="interview")[0].answer == "RIGHT"
    e.next()
    e.submit("HALF")
    assert len(store.interview_answers(e.interview_id)) == 2


def test_finish_early_marks_the_rest_unanswered(store, clock):
    grader = FakeGrader()
    e = engine(store, clock, grader=grader, questions=4)
    e.start()
    e.submit("RIGHT")
    e.next()
    e.set_draft("HALF typed so far")
    clock.advance(20)
    report = e.finish()
    assert [(q.answered, q.answer) for q in report.questions] == [
        (True, "RIGHT"), (True, "HALF typed so far"), (False, ""), (False, "")]
    assert report.unanswered == 2 and report.mean_score == pytest.approx(1.5 / 4)
    rec = store.interview(e.interview_id)
    assert rec.finished and rec.totals["unanswered"] == 2
    assert len(store.interview_answers(e.interview_id)) == 4
    assert e.finish() is report  # finishing twice is harmless


def test_total_minutes_caps_deadlines_and_ends_the_interview(store, clock):
    e = engine(store, clock, questions=5, seconds_per_question=60, total_minutes=1.5)
    e.start()
    clock.advance(50)
    e.submit("RIGHT")
    q = e.next()
    assert (q.deadline - clock.now).total_seconds() == 40  # the overall limit comes first
    assert e.total_time_left() == 40
    e.set_draft("HALF")
    clock.advance(41)
    assert e.tick() is S.FINISHED
    r = e.report
    assert [(q.answered, q.timed_out) for q in r.questions] == [
        (True, False), (True, True), (False, False), (False, False), (False, False)]


def test_report_details(store, clock):
    e = engine(store, clock, questions=2, lang="en")
    e.start()
    clock.advance(30)
    e.submit("HALF and it supports ONNX")
    e.next()
    clock.advance(12)
    e.submit("RIGHT")
    e.next()
    r = e.report
    first, second = r.questions
    assert [k.text for k in first.missed_key_points] == ["quantization"]
    assert [(m.id, m.feedback) for m in first.misconceptions] == [("onnx", "fb onnx")]
    assert first.seconds == 30 and second.seconds == 12 and r.total_seconds == 42
    assert second.missed_key_points == () and first.question.startswith("Question ")
    d = r.to_dict()
    assert d["questions"][0]["missed_key_points"] == [{"id": "kp2", "text": "quantization"}]
    assert d["counts"] == {"correct": 1, "partial": 1, "wrong": 0, "unsure": 0, "unanswered": 0}


def test_weakest_tags_lowest_first(store, clock):
    deck = make_deck(["a", "b", "c"], tags={"a": ("perf",), "b": ("formats",), "c": ("ops",)})
    e = InterviewEngine(deck, InterviewConfig(questions=3, seed=0), store=store, clock=clock,
                        grader=FakeGrader())
    marks = {"a": "wrong", "b": "HALF", "c": "RIGHT"}
    q = e.start()
    while q is not None:
        e.submit(marks[q.card.id])
        q = e.next()
    assert [(t.tag, t.mean_score) for t in e.report.weakest_tags] == [
        ("perf", 0.0), ("formats", 0.5)]


def test_report_rebuilt_from_the_store(store, clock):
    e = engine(store, clock, questions=3)
    e.start()
    e.submit("HALF ONNX")
    e.next()
    clock.advance(61)
    e.tick()
    e.finish()
    again = report_from_store(store, DECK, e.interview_id)
    assert again.questions == e.report.questions
    assert again.mean_score == e.report.mean_score and again.finished


def test_a_grader_crash_keeps_the_answer(store, clock):
    def broken(card, answer, lang=None):
        raise ValueError("boom")

    e = engine(store, clock, grader=broken, questions=1)
    e.start()
    e.submit("my answer")
    e.next()
    (row,) = store.interview_answers(e.interview_id)
    assert row.answer == "my answer" and "grader-error" in row.grade["flags"]


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=100)),
    st.tuples(st.just("draft"), st.sampled_from(["", "RIGHT", "HALF x", "zzz"])),
    st.tuples(st.just("submit"), st.sampled_from([None, "", "RIGHT", "HALF"])),
    st.tuples(st.just("tick"), st.none()),
    st.tuples(st.just("next"), st.none()),
), max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, total=st.sampled_from([None, 1.0, 3.0]))
def test_any_sequence_of_calls_keeps_the_invariants(tmp_path_factory, actions, total):
    """Whatever the TUI does and however time jumps: each question is recorded exactly once,
    in order; no question gets more than its time; finishing records every question."""
    clock = ManualClock()
    with Store.open(tmp_path_factory.mktemp("db")) as store:
        e = InterviewEngine(DECK, InterviewConfig(questions=4, seconds_per_question=60,
                                                  total_minutes=total, seed=1),
                            store=store, clock=clock, grader=FakeGrader())
        e.start()
        for name, arg in actions:
            try:
                if name == "advance":
                    clock.advance(arg)
                elif name == "draft":
                    e.set_draft(arg)
                elif name == "submit":
                    e.submit(arg)
                elif name == "tick":
                    e.tick()
                elif name == "next":
                    e.next()
            except InterviewStateError:
                pass
            assert 0 <= e.time_left() <= 60
            rows = store.interview_answers(e.interview_id)
            assert [r.position for r in rows] == list(range(len(rows)))
            assert all(r.seconds <= 60 for r in rows)
        e.finish()
        rows = store.interview_answers(e.interview_id)
        assert [r.position for r in rows] == [0, 1, 2, 3]
        assert store.interview(e.interview_id).finished
        assert len(e.report.questions) == 4
        assert e.report.answered + e.report.unanswered == 4


def test_finish_before_start_records_every_question_unanswered(store, clock):
    e = engine(store, clock, questions=2)
    r = e.finish()
    assert r.unanswered == 2 and store.interview(e.interview_id).finished
    assert store.interview(e.interview_id).config["cards"] == [c.id for c in e.cards]


def test_unsure_and_unknown_verdicts_are_counted_apart_and_can_be_overruled(store, clock):
    from quiz.session import overrule, report_from_store

    e = engine(store, clock)
    e.start()
    e.submit("UNSURE")
    e.next()
    e.submit("ODDWORD")  # a verdict this version does not know: counted as unsure
    e.next()
    e.finish()  # the third is unanswered, not wrong
    r = e.report
    assert r.counts == {"correct": 0, "partial": 0, "wrong": 0, "unsure": 2, "unanswered": 1}
    r2 = overrule(store, r, 0, right=True)
    assert (r2.questions[0].verdict, r2.questions[0].grader_verdict) == ("correct", "unsure")
    assert r2.counts["unsure"] == 1 and r2.mean_score > r.mean_score
    again = report_from_store(store, DECK, e.interview_id)  # reopened later: same verdicts
    assert [q.verdict for q in again.questions] == [q.verdict for q in r2.questions]
    with pytest.raises(QuizError, match="not answered"):
        overrule(store, r2, 2, right=True)


def test_migration_to_v4_turns_old_blank_answers_into_reveals(tmp_path):
    """Before v4 a "show answer" was stored as score 0 / wrong and pulled tags to 0 %."""
    import sqlite3

    from quiz.store.schema import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "quiz.db")
    for step in MIGRATIONS[:3]:
        for sql in step:
            conn.execute(sql)
    conn.execute("UPDATE schema_version SET version = 3")
    conn.execute("""INSERT INTO attempts (card_id, mode, answer, grade_json, score, verdict,
                    started, ended, seconds) VALUES ('a', 'study', '', NULL, 0.0, 'wrong',
                    '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1),
                    ('a', 'study', 'x', '{}', 0.4, 'partial',
                    '2026-01-01T00:00:01+00:00', '2026-01-01T00:00:01+00:00', 1)""")
    conn.commit()
    conn.close()
    with Store.open(tmp_path) as s:
        revealed, graded = s.attempts()
        assert (revealed.verdict, revealed.score, revealed.grader_verdict) == (
            "revealed", None, None)
        assert (graded.verdict, graded.grader_verdict) == ("partial", "partial")
