"""Pilot tests of the study loop: settings that stick, custom study, card info, browse,
interview reports reopened and overruled, the 10-second warning."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from quiz import settings as S


async def test_language_and_theme_are_remembered(make_app, tmp_path):
    app = make_app(lang=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first = app.lang
        await pilot.press("f2")
        await pilot.press("f3")
        await pilot.pause()
        chosen, theme = app.lang, app.theme
    assert chosen != first
    saved = S.load(tmp_path / "data" / "config.toml")
    assert (saved.lang, saved.theme) == (chosen, theme)
    again = make_app(lang=None)  # the next launch opens in the last language used
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert (again.lang, again.theme) == (chosen, theme)


async def test_settings_screen_saves_and_rejects_bad_values(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "SettingsScreen"
        screen.query_one("#set-deck-new-per-day", Input).value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"  # not saved, still here
        assert not (tmp_path / "data" / "config.toml").exists() or \
            S.load(tmp_path / "data" / "config.toml").decks == {}
        screen.query_one("#set-deck-new-per-day", Input).value = "1"
        screen.query_one("#set-day-start-hour", Input).value = "6"
        screen.query_one("#set-interview-questions", Input).value = "2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        saved = S.load(tmp_path / "data" / "config.toml")
        assert saved.limits("deck").new_per_day == 1 and saved.day_start_hour == 6
        assert "1 new" in str(app.screen.query_one("#home-counts").render())
        await pilot.press("i")  # the interview form starts from the saved defaults
        await pilot.pause()
        assert app.screen.query_one("#iv-n", Input).value == "2"


async def test_a_broken_settings_file_is_an_error_modal_and_is_not_overwritten(make_app,
                                                                             tmp_path):
    path = tmp_path / "data" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("new_per_day = -3\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorModal"
        assert "new_per_day" in app.screen.message
        await pilot.press("escape")
        await pilot.press("f2")  # would save the language: the broken file stays as it is
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == "new_per_day = -3\n"


async def test_custom_study_by_tag_is_practice(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomStudyScreen"
        app.screen.query_one("#custom-tags", Input).value = "nosuchtag"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomStudyScreen"  # unknown tag: refused
        app.screen.query_one("#custom-tags", Input).value = "performance"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "StudyScreen" and screen.practice
        assert screen.item.kind == "practice" and "performance" in screen.item.card.tags
        assert screen.session.tags == {"performance"}


async def test_study_with_tags_from_the_command_line(make_app):
    app = make_app(mode="study")
    app.study_tags = ("performance",)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "StudyScreen" and not screen.practice
        assert "performance" in screen.item.card.tags


async def test_card_info_after_grading_shows_schedule_and_history(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+o")
        await pilot.press("1")  # Again: the card comes back in a minute
        await pilot.pause()
        screen.session.clock.advance(120)
        screen.next_card()  # formats again (its step is due)
        await pilot.pause()
        assert screen.item.card.id == "formats"
        await pilot.press(*"only TorchScript")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert not screen.query_one("#c-info").collapsed
        info = str(screen.query_one("#panel-info").render())
        assert "Due" in info and "stability" in info and "1 reviews, 1 lapses" in info
        assert "revealed" in info and "study" in info  # the earlier reveal, in the history


async def test_interview_ended_early_warns_and_marks_unanswered(make_app, clock):
    """B10: ctrl+g on Q2 marks it (and the rest) unanswered, not wrong. F13: 10 s warning."""
    app = make_app()
    notes: list[str] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#iv-n").value = "3"
        app.screen.query_one("#iv-minutes").value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        real_notify = screen.notify

        def spy(message, **kw):
            notes.append(str(message))
            return real_notify(message, **kw)

        screen.notify = spy
        clock.advance(49)
        screen.refresh_clock()
        assert "10 seconds left" not in notes
        clock.advance(2)  # 9 s left
        screen.refresh_clock()
        screen.refresh_clock()
        assert notes.count("10 seconds left") == 1  # once per question
        await pilot.press(*"int8 weights")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+g")  # end early on question 2
        await pilot.pause()
        report = app.screen.report
        assert [q.verdict for q in report.questions][1:] == ["unanswered", "unanswered"]
        assert report.counts["unanswered"] == 2 and report.counts["wrong"] <= 1
        assert "unanswered 2" in str(app.screen.query_one("#report-counts").render())


async def test_past_report_reopens_from_stats_and_a_grade_can_be_overruled(make_app, clock):
    from quiz.session.interview import InterviewConfig, InterviewEngine

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        engine = InterviewEngine(app.deck, InterviewConfig(questions=2, seconds_per_question=60,
                                                           lang="en", seed=3),
                                 store=app.store, clock=clock, grader=app.grader)
        engine.start()
        engine.submit("no idea at all")
        engine.next()
        engine.submit("nothing")
        engine.next()
        before = engine.report.mean_score
        await pilot.press("t")
        await pilot.pause()
        table = app.screen.query_one("#stats-interviews", DataTable)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "InterviewReportScreen"
        assert screen.report.interview_id == engine.interview_id
        first = screen.report.questions[0]
        assert first.verdict == "wrong"
        await pilot.press("y")  # I was right
        await pilot.pause()
        assert screen.report.questions[0].verdict == "correct"
        assert screen.report.questions[0].grader_verdict == "wrong"
        assert screen.report.mean_score > before
        (stored,) = [a for a in app.store.interview_answers(engine.interview_id)
                     if a.position == 0]
        assert (stored.verdict, stored.grader_verdict) == ("correct", "wrong")
        assert app.store.attempt(stored.attempt_id).verdict == "correct"
        assert app.store.interview(engine.interview_id).totals["mean_score"] == \
            screen.report.mean_score
        await pilot.press("escape")  # back to stats, refreshed
        await pilot.pause()
        assert type(app.screen).__name__ == "StatsScreen"


async def test_browse_filters_as_you_type_ranks_and_studies_a_card_now(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        table = app.screen.query_one("#browse-table", DataTable)
        await pilot.press(*"quantizaton")  # no ctrl+f needed; a typo
        await pilot.pause()
        assert table.get_row_at(0)[0] == "quantization"  # the id match ranks first
        await pilot.press("enter")
        await pilot.pause()
        card_screen = app.screen
        assert type(card_screen).__name__ == "CardScreen"
        assert "New card: never rated" in str(card_screen.query_one("#card-text").render())
        await pilot.press("s")  # study this card now
        await pilot.pause()
        study = app.screen
        assert type(study).__name__ == "StudyScreen" and study.item.card.id == "quantization"
        await pilot.press(*"weights to int8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert app.screen is card_screen  # back to the card, now with its schedule
        body = str(card_screen.query_one("#card-text").render())
        assert "Due" in body and "1 reviews" in body and "Your answers" in body
        assert app.store.review_state("quantization") is not None
