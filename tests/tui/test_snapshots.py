"""Snapshot tests of the main screens, from the fixture deck, a temp data dir and a fixed
clock. Regenerate with ``pytest tests/tui --snapshot-update`` after a deliberate change."""

from __future__ import annotations

from quiz.grading.result import Grade, MisconceptionHit, PointResult

ANSWER = "It loads only TorchScript, and PyTorch Mobile supports ONNX too."


def fixed_grader(card, answer, lang=None):
    """A stand-in for the grader so these pictures do not move when its scoring is tuned."""
    a = answer.find("only TorchScript")
    m = answer.find("PyTorch Mobile supports ONNX")
    return Grade(
        score=0.5, verdict="partial", lang=lang or "en",
        key_points=(
            PointResult("torchscript-only", a >= 0, 100.0 if a >= 0 else 0.0,
                        (a, a + 16) if a >= 0 else None, "only TorchScript", "only TorchScript",
                        False),
            PointResult("ptl-file", False, 0.0, None, None, None, False),
        ),
        misconceptions=((MisconceptionHit("onnx-supported", 95.0, (m, m + 28),
                                          "ONNX models run in ONNX Runtime.",
                                          "PyTorch Mobile supports ONNX"),) if m >= 0 else ()),
        feedback="", flags=("misconception",) if m >= 0 else ())


def test_home(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_home_zh(snap_compare, make_app):
    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24))


def test_study_graded(snap_compare, make_app):
    async def run_before(pilot):
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*ANSWER)
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.screen.query_one("#study-scroll").scroll_home(animate=False)
        await pilot.pause()

    assert snap_compare(make_app(grader=fixed_grader), terminal_size=(100, 60),
                        run_before=run_before)


def test_study_graded_80x24(snap_compare, make_app):
    """F1: at 80x24 the question and the rating row with its intervals stay on screen."""
    async def run_before(pilot):
        await pilot.press("s")
        await pilot.pause()
        pilot.app.screen.query_one("#study-answer").text = ANSWER + " More words." * 60
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(grader=fixed_grader), terminal_size=(80, 24),
                        run_before=run_before)


def test_interview_report(snap_compare, make_app, clock):
    async def run_before(pilot):
        from quiz.session.interview import InterviewConfig, InterviewEngine
        from quiz.tui.screens.interview import InterviewReportScreen

        app = pilot.app
        engine = InterviewEngine(app.deck, InterviewConfig(questions=3, seconds_per_question=60,
                                                           lang="en", seed=7),
                                 store=app.store, clock=clock, grader=fixed_grader)
        engine.start()
        clock.advance(30)
        engine.submit(ANSWER)
        engine.next()
        clock.advance(61)
        engine.tick()  # times out with nothing typed
        engine.next()
        clock.advance(10)
        engine.submit("weights to int8")
        engine.next()
        await app.push_screen(InterviewReportScreen(engine.report))
        await pilot.pause()

    assert snap_compare(make_app(grader=fixed_grader), terminal_size=(100, 36),
                        run_before=run_before)


def test_labs(snap_compare, make_app, fake_labs):
    from conftest import FAKE_RESULT  # noqa: PLC0415 - the fixture module, on sys.path

    fake_labs["stored"]["fake"] = FAKE_RESULT

    async def run_before(pilot):
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 50), run_before=run_before)
