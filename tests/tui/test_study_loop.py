"""Pilot tests of the study loop: settings that stick, custom study, card info, browse,
interview reports reopened and overruled, the 10-second warning."""

from __future__ import annotations

from textual.widgets import Input

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
