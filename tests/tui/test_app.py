"""Pilot tests: each flow driven through the real app, asserting on state and messages."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from textual.widgets import DataTable, RichLog, TextArea

from quiz.tui.messages import LabFinished, LabLog, LabProgress


async def test_home_shows_counts_and_opens_modes(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        counts = str(app.screen.query_one("#home-counts").render())
        assert "3 cards" in counts and "3 new" in counts and "none yet" in counts
        for key, name in (("s", "StudyScreen"), ("b", "BrowseScreen"), ("l", "LabsScreen"),
                          ("t", "StatsScreen"), ("i", "InterviewSetupScreen")):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == name
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"


async def test_study_card_end_to_end(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert screen.phase == "ask" and screen.item.card.id == "formats"
        await pilot.press(*"It loads only TorchScript, a .ptl file")
        assert screen.query_one("#study-answer", TextArea).text.startswith("It loads")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.phase == "graded"
        ans = screen.answered
        # The real grader: asserted loosely so that tuning its scores does not break this.
        assert ans.verdict in ("correct", "partial") and ans.score >= 0.5
        found = {kp["id"] for kp in ans.grade_dict["key_points"] if kp["found"]}
        assert "torchscript-only" in found
        # The matched words are highlighted in the answer shown back.
        shown = screen.query_one("#panel-answer").render()
        assert any("underline" in str(span.style) for span in shown.spans)
        # Rating buttons carry the next interval; the suggestion has focus.
        suggested = screen.query_one(f"#rate-{int(ans.suggested)}")
        assert suggested.has_focus and "·" in str(suggested.label)
        await pilot.press("enter")
        await pilot.pause()
        attempts = app.store.attempts()
        assert len(attempts) == 1 and attempts[0].card_id == "formats"
        assert attempts[0].rating == int(ans.suggested)
        assert app.store.review_state("formats") is not None
        assert screen.item.card.id == "threads"  # the next card is served


async def test_study_override_and_reveal(make_app):
    """B2/B3/F2: y / n overrule the verdict and the learner still picks 1-4; a revealed
    answer is recorded as revealed and rated by the learner, with nothing suggested."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+o")  # show the answer without typing
        await pilot.pause()
        assert screen.phase == "graded" and not screen.answered.answered
        assert screen.answered.suggested is None and screen.answered.verdict == "revealed"
        assert "Rate it yourself" in str(screen.query_one("#rate-title").render())
        await pilot.press("y")  # nothing to overrule on a revealed answer: ignored
        await pilot.press("enter")  # and Enter does not rate by accident
        await pilot.pause()
        assert screen.phase == "graded"
        await pilot.press("4")  # Easy: I knew it
        await pilot.pause()
        (a,) = app.store.attempts()
        assert (a.verdict, a.score, a.rating) == ("revealed", None, 4)
        # Next card: a wrong answer, overruled, then Hard (impossible before: y rated Good).
        await pilot.press(*"no idea")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.answered.verdict == "wrong"
        await pilot.press("y")
        await pilot.pause()
        assert screen.phase == "graded" and screen.answered.verdict == "correct"
        assert int(screen.answered.suggested) in (3, 4)
        assert screen.query_one(f"#rate-{int(screen.answered.suggested)}").has_focus
        assert "Overruled" in str(screen.query_one("#grade-note").render())
        await pilot.press("2")
        await pilot.pause()
        a = app.store.attempts()[-1]
        assert (a.verdict, a.grader_verdict, a.rating) == ("correct", "wrong", 2)


async def test_undo_last_rating_with_ctrl_z(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        await pilot.press(*"It loads only TorchScript")
        await pilot.press("ctrl+z")  # while typing: undoes text, not a rating
        await pilot.pause()
        assert screen.phase == "ask" and app.store.review_log() == []
        screen.query_one("#study-answer").text = "It loads only TorchScript"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert screen.item.card.id == "threads" and len(app.store.review_log()) == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.phase == "graded" and screen.item.card.id == "formats"
        assert app.store.review_log() == [] and app.store.review_state("formats") is None
        await pilot.press("3")
        await pilot.pause()
        assert app.store.review_log()[0].rating == 3


async def test_escape_with_a_draft_asks_before_discarding(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"half an answer")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")  # keep writing
        await pilot.pause()
        assert type(app.screen).__name__ == "StudyScreen"
        assert app.screen.query_one("#study-answer", TextArea).text == "half an answer"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_rating_row_and_question_on_screen_at_80x24(make_app):
    """F1: after a long answer, the question and the intervals are still visible."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#study-answer", TextArea).text = "TorchScript only. " * 300
        await pilot.press("ctrl+s")
        await pilot.pause()
        for wid in ("#study-question", "#rate-1", "#rate-4"):
            region = screen.query_one(wid).region
            assert region.height >= 1 and 0 <= region.y and region.bottom <= 23, wid
        assert "·" in str(screen.query_one("#rate-3").label)  # with its interval
        assert screen.query_one("#c-answer").collapsed  # the long echo starts collapsed


async def test_practice_anyway_when_nothing_due(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        for _ in range(3):
            await pilot.press("ctrl+o")
            await pilot.pause()
            await pilot.press("4")
            await pilot.pause()
        assert screen.phase == "empty"
        await pilot.press("p")
        await pilot.pause()
        assert screen.phase == "ask" and screen.item.kind == "practice"


async def test_interview_times_out_and_reports(make_app, clock):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#iv-n").value = "2"
        app.screen.query_one("#iv-minutes").value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "InterviewScreen"
        assert "1:00" in str(screen.query_one("#iv-countdown").render())
        await pilot.press(*"not always")
        clock.advance(20)
        screen.refresh_clock()  # what the interval timer does
        assert "0:40" in str(screen.query_one("#iv-countdown").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"weights to int8")
        clock.advance(61)  # past the second deadline: the draft is auto-submitted
        screen.refresh_clock()
        await pilot.pause()
        assert type(app.screen).__name__ == "InterviewReportScreen"
        report = app.screen.report
        assert [q.timed_out for q in report.questions] == [False, True]
        assert report.questions[1].answer == "weights to int8"
        assert report.questions[0].seconds == 20
        assert report.interview_id is not None
        stored = app.store.interview(report.interview_id)
        assert stored.finished and stored.totals["timed_out"] == 1
        table = app.screen.query_one("#report-table", DataTable)
        assert table.row_count == 2


async def test_interview_total_minutes_field_caps_the_clock_and_rejects_bad_input(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        form.query_one("#iv-n").value = "2"
        form.query_one("#iv-minutes").value = "2"
        assert form.config().total_minutes is None  # left empty: no overall limit
        form.query_one("#iv-total").value = "-3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # not started; the message says why
        assert any("positive" in n.message for n in app._notifications)
        form.query_one("#iv-total").value = "1.5"
        assert form.config().total_minutes == 1.5
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "InterviewScreen"
        # two minutes per question, but only 1:30 for the whole interview
        assert "1:30" in str(screen.query_one("#iv-countdown").render())


async def test_lab_run_in_worker(make_app, fake_labs):
    app = make_app()
    seen = []
    async with app.run_test(size=(100, 40), message_hook=seen.append) as pilot:
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#labs-table", DataTable).row_count == 1
        assert "never run" in str(screen.query_one("#labs-table", DataTable).get_row_at(0)[2])
        await pilot.press("m")  # full mode
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake_labs["calls"] == [{"lab": "fake", "quick": False}]
        kinds = [type(m) for m in seen if isinstance(m, (LabProgress, LabLog, LabFinished))]
        assert LabProgress in kinds and LabLog in kinds and kinds[-1] is LabFinished
        assert app.lab_state.running is None
        log = screen.query_one("#lab-log", RichLog)
        assert len(log.lines) >= 2
        findings = screen.query_one("#lab-findings", DataTable)
        assert findings.row_count == 1
        assert not screen.query_one("#lab-plot").has_class("hidden")
        assert "refuted" in str(screen.query_one("#lab-statements").render())


async def test_lab_failure_shows_error_and_app_survives(make_app, monkeypatch):
    from quiz.tui import labinfo

    def broken(*a, **k):
        raise RuntimeError("torch is not installed")

    monkeypatch.setattr(labinfo, "run_lab", broken)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorModal"
        assert "torch is not installed" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "LabsScreen"
        assert app.lab_state.running is None


async def test_fact_check_runs_lab_from_study(make_app, fake_labs):
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        panel = app.screen.query_one("#panel-fact")
        assert "never run" in str(panel.render())
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake_labs["calls"] == [{"lab": "fake", "quick": True}]
        text = str(panel.render())
        assert "refuted" in text and "PyTorch Mobile" in text
        assert "1 thread 40 ms" in text  # the finding that settles the claim, measured


async def test_language_switch(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "张卡片" not in str(app.screen.query_one("#home-counts").render())
        assert "卡片" in str(app.screen.query_one("#home-counts").render())
        await pilot.press("s")
        await pilot.pause()
        question = app.screen.query_one("#study-question")
        assert "模型格式" in str(question.render())
        await pilot.press(*"abc")
        await pilot.press("f2")
        await pilot.pause()
        assert app.lang == "en"
        assert "Which model formats" in str(question.render())
        assert app.screen.query_one("#study-answer", TextArea).text == "abc"  # kept
        descriptions = {b.binding.id: b.binding.description
                        for b in app.screen.active_bindings.values()}
        assert descriptions["submit"] == "Submit" and descriptions["lang"] == "中文"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # discard the draft "abc"
        await pilot.pause()
        assert "cards" in str(app.screen.query_one("#home-counts").render())


async def test_browse_fuzzy_search_and_card_view(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        table = app.screen.query_one("#browse-table", DataTable)
        assert table.row_count == 3
        await pilot.press("ctrl+f", *"thred")  # a typo still finds it
        await pilot.pause()
        assert table.row_count >= 1
        assert table.get_row_at(0)[0] == "threads"
        await pilot.press("enter")  # Enter in the search box opens the top hit
        await pilot.pause()
        assert type(app.screen).__name__ == "CardScreen"
        body = str(app.screen.query_one("#card-text").render())
        assert "#5" in body and "physical-cores" in body


async def test_command_palette_jumps_to_card(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"quantization")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "CardScreen"
        assert app.screen.card.id == "quantization"


async def test_help_lists_binding_ids(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query_one("#help-keys").render())
        assert "[study]" in text and "[help]" in text and "[lang]" in text


async def test_bad_database_is_an_error_not_a_crash(make_app, tmp_path):
    data = tmp_path / "bad"
    data.mkdir()
    (data / "quiz.db").write_bytes(b"this is not sqlite" * 100)
    app = make_app(data_dir=data)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorModal"
        assert "quiz.db" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen" and app.is_running


def test_every_binding_has_an_id():
    from quiz.tui.app import QuizApp
    from quiz.tui.screens import browse, home, interview, labs, modals, stats, study

    classes = [QuizApp, home.HomeScreen, study.StudyScreen, interview.InterviewSetupScreen,
               interview.InterviewScreen, interview.InterviewReportScreen, labs.LabsScreen,
               browse.BrowseScreen, browse.CardScreen, stats.StatsScreen, modals.ErrorModal,
               modals.HelpScreen]
    for cls in classes:
        for b in cls.BINDINGS:
            assert b.id, f"{cls.__name__}: {b.key} has no id"
            assert b.show


def test_opening_the_app_does_not_import_torch(tmp_path, deck_path):
    code = textwrap.dedent(f"""
        import asyncio, sys
        from quiz.tui.app import QuizApp
        async def main():
            app = QuizApp(deck_path={str(deck_path)!r}, data_dir={str(tmp_path)!r})
            async with app.run_test() as pilot:
                await pilot.pause()
                assert type(app.screen).__name__ == "HomeScreen"
                print("HOME", heavy())
                await pilot.press("l")  # the real labs registry: still no torch here
                await pilot.pause()
                assert type(app.screen).__name__ == "LabsScreen"
        def heavy():
            return sorted(m for m in sys.modules
                          if m.split(".")[0] in ("torch", "onnx", "onnxruntime"))
        asyncio.run(main())
        print("LABS", heavy())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HOME []" in out and "LABS []" in out


def test_bad_deck_exits_before_the_tui(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ncards:\n  - id: Bad Id\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "quiz.cli", str(bad)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "bad.yaml" in proc.stderr and "cannot be opened" in proc.stderr
    assert "Traceback" not in proc.stderr




async def test_open_straight_into_a_mode(make_app):
    app = make_app(mode="study")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "StudyScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_interview_form_prefilled_from_command_line(make_app):
    app = make_app(mode="interview")
    app.interview_defaults = {"questions": 2, "seconds_per_question": 90.0, "tags": ["threads"],
                              "seed": 3}
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#iv-minutes").value == "1.5"
        cfg = screen.config()
        assert (cfg.questions, cfg.seconds_per_question, cfg.tags, cfg.seed) == (
            2, 90.0, ("threads",), 3)


async def test_broken_deck_in_app_shows_problems(make_app, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("title: x\nlanguages: [zh, en]\ncards:\n  - id: a\n    question: q\n",
                   encoding="utf-8")
    app = make_app(deck_path=bad)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorModal"
        assert "broken.yaml" in app.screen.message and "answer" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen" and app.deck is None
        await pilot.press("s")  # no deck: an error again, not a crash
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorModal"


async def test_theme_switch(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        before = app.theme
        await pilot.press("f3")
        await pilot.pause()
        assert app.theme != before


async def test_command_palette_runs_a_lab(make_app, fake_labs):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"run lab fake")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "LabsScreen"
        assert fake_labs["calls"] == [{"lab": "fake", "quick": True}]


async def test_grader_bug_is_an_error_modal(make_app):
    def broken_grader(card, answer, lang=None):
        raise ZeroDivisionError("division by zero")

    app = make_app(grader=broken_grader)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"some answer", "ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorModal"
        assert "ZeroDivisionError" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.phase == "ask"  # the answer is still there to retry


async def test_language_switch_keeps_screen_contents(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+f", *"thread")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        table = app.screen.query_one("#browse-table", DataTable)
        assert app.screen.query_one("#browse-search").value == "thread"
        assert table.row_count >= 1
        assert "问题" in [str(c.label) for c in table.columns.values()]
        app.pop_screen()
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert "3 cards:" in str(app.screen.query_one("#stats-summary").render())  # back to en


async def test_interview_deadline_passes_under_the_help_screen(make_app, clock):
    app = make_app()
    app.interview_defaults = {"questions": 1, "seconds_per_question": 60.0}
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        interview = app.screen
        await pilot.press("f1")
        await pilot.pause()
        clock.advance(61)
        interview.refresh_clock()  # a tick while the help screen is on top
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "InterviewReportScreen"
        assert app.screen.report.questions[0].timed_out


async def test_stats_after_a_review(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "2 new" in str(app.screen.query_one("#home-counts").render())  # refreshed
        await pilot.press("t")
        await pilot.pause()
        summary = str(app.screen.query_one("#stats-summary").render())
        assert "1 reviewed, 2 new" in summary and "1 reviews in the last 30 days" in summary
        tags = app.screen.query_one("#stats-tags", DataTable)
        assert tags.row_count == 2  # the tags of the card answered: formats, torchscript


def test_stop_lab_children_ends_only_lab_workers():
    # Re-pointed from the /proc scan (labinfo.stop_lab_children, gone) to the run's handle.
    from labs.runner import RunHandle

    code = "import time; time.sleep(60)"
    lab = subprocess.Popen([sys.executable, "-c", code, "-m", "labs.worker"])
    other = subprocess.Popen([sys.executable, "-c", code])
    handle = RunHandle()
    handle._attach(lab)  # what the runner does with the child it starts
    try:
        handle.cancel()
        assert lab.pid == handle.pid
        assert lab.wait(timeout=30) != 0
        assert other.poll() is None  # not a lab: left alone
    finally:
        for p in (lab, other):
            if p.poll() is None:
                p.kill()
                p.wait()


async def test_home_counts_stop_at_the_daily_new_card_limit(make_app, tmp_path):
    """25 new cards, 20 allowed a day: home says 20 new, as many as study will serve."""
    from quiz.session import StudySession
    from quiz.session.limits import NEW_PER_DAY

    cards = "".join(
        f"""  - id: card-{i:02d}
    question: {{zh: 问题 {i}, en: Question {i}}}
    answer: {{zh: 答案 {i}, en: Answer {i}}}
""" for i in range(NEW_PER_DAY + 5))
    deck = tmp_path / "big.yaml"
    deck.write_text("title: {zh: 大题库, en: Big deck}\nlanguages: [zh, en]\ncards:\n" + cards,
                    encoding="utf-8")
    app = make_app(deck_path=deck)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        counts = str(app.screen.query_one("#home-counts").render())
        assert f"{NEW_PER_DAY + 5} cards" in counts and f"{NEW_PER_DAY} new" in counts
        served = StudySession(app.deck, app.store, clock=app.clock).counts()
        assert served.new == NEW_PER_DAY and served.due == 0


async def test_home_menu_moves_with_arrows_and_opens_with_enter(make_app, fake_labs):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        menu = home.query_one("#home-menu")
        assert "▸ s" in str(menu.render())  # the first entry starts highlighted
        await pilot.press("up")  # wraps to the last entry (theme)
        assert home.cursor == 8 and "▸ f3" in str(menu.render())
        await pilot.press("down", "j", "down", "down")  # -> study, custom, interview, labs
        assert home.cursor == 3
        await pilot.press("k", "down")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "LabsScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home and home.cursor == 3  # the highlight stays where it was


async def test_long_finding_summary_is_shown_in_full(make_app, fake_labs):
    """The findings table cuts a long summary to its width; the detail panel does not."""
    summary = ("int8 16.80 MB vs fp32 4.22 MB (3.98x smaller); batch 1 2.05 -> 0.96 ms, "
               "batch 32 8.73 -> 3.48 ms on one thread; relative output error 2.4e-2 at the end")
    fake_labs["stored"]["fake"] = {
        "lab": "fake", "title": {"en": "Fake lab"}, "quick": True,
        "started": "2026-01-05T08:30:00+00:00", "duration_s": 1.5, "status": "ok",
        "error": None, "env": {}, "claims": [],
        "findings": [{"id": "speed-grows", "held": True, "summary": summary, "evidence": {}}]}
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#lab-findings", DataTable)
        assert table.row_count == 1
        detail = screen.query_one("#lab-finding-detail")
        assert detail.display
        shown = " ".join(str(detail.render()).split())
        assert "speed-grows" in shown and summary in shown  # the whole sentence, end included


async def test_an_error_is_titled_by_its_type_not_by_the_call_site(make_app):
    """One reporter (QuizApp.report_error): a grader bug is "Unexpected error", not the
    "Database error" the study screen used to put above every failure; a disk error while
    saving is a "Disk error"."""
    from quiz.store.db import DiskError

    def broken_grader(card, answer, lang=None):
        raise ZeroDivisionError("division by zero")

    def full_disk(card, answer, lang=None):
        raise DiskError("quiz.db: the disk is full; free some space and try again")

    for grader, title in ((broken_grader, "Unexpected error"), (full_disk, "Disk error")):
        app = make_app(grader=grader)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("s")
            await pilot.pause()
            await pilot.press(*"some answer", "ctrl+s")
            await pilot.pause()
            assert type(app.screen).__name__ == "ErrorModal"
            assert app.screen.title_text.startswith(title), app.screen.title_text
            assert "Database error" not in app.screen.title_text
