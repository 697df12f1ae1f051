"""The typed services object the commands build once and hand to the app and the headless
commands: nothing is opened by building it or reading it, the store is opened once, and the
app works on the object it is given."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from quiz.services import Services
from quiz.session.clock import ManualClock

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_building_and_reading_the_services_opens_nothing(tmp_path):
    s = Services(data_dir=tmp_path / "d", clock=ManualClock(T0))
    assert (s.data_dir, s.cache_dir) == (tmp_path / "d", tmp_path / "d" / "cache")
    assert s.settings_path == tmp_path / "d" / "config.toml"
    assert s.now() == T0 and not s.store_is_open
    assert not (tmp_path / "d").exists()  # no folder, no database made by looking
    store = s.open_store()
    assert s.open_store() is store and s.store_is_open  # opened once, then the same one
    assert (tmp_path / "d" / "quiz.db").exists()
    s.close()
    assert not s.store_is_open


def test_from_args_takes_the_command_line():
    args = argparse.Namespace(deck="my-deck", data_dir="/tmp/x", reset_db=True)
    s = Services.from_args(args)
    assert (s.deck_path, str(s.data_dir), s.reset_db) == ("my-deck", "/tmp/x", True)
    s = Services.from_args(argparse.Namespace(path="other", data_dir=None))
    assert s.deck_path == "other" and s.reset_db is False


async def test_the_app_works_on_the_services_it_is_given(tmp_path):
    from pathlib import Path

    from quiz.tui.app import QuizApp

    deck = Path(__file__).parent / "tui" / "deck.yaml"
    services = Services(deck_path=deck, data_dir=tmp_path / "d", clock=ManualClock(T0),
                        settings_path=tmp_path / "cfg.toml")
    app = QuizApp(services, lang="en", study_tags=("quant",))
    assert app.services is services and app.study_tags == ("quant",)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "StudyScreen"
        assert services.store_is_open and app.store is services.open_store()
        assert app.now() == T0
    assert not services.store_is_open  # the app closed it on the way out


def test_each_services_grades_with_its_own_compiled_deck_not_the_module_cache(tmp_path):
    import importlib
    from dataclasses import replace

    from quiz.deck.loader import load_deck

    # the module, not the function quiz.grading re-exports under the same name
    G = importlib.import_module("quiz.grading.grade")

    card = load_deck().card("mobile-multithreading")
    answer = "默认就用多个线程做算子内并行，可以用 torch.set_num_threads 设置线程数"
    G._CACHE.clear()
    a, b = Services(data_dir=tmp_path / "a"), Services(data_dir=tmp_path / "b")
    assert a.grader is not b.grader and a.grader.compiled == 0  # built lazily
    first = a.grader(card, answer, "zh")
    assert a.grader.compiled == 1 and b.grader.compiled == 0
    assert not G._CACHE  # the app's path leaves the module-wide cache alone
    assert a.grader(card, answer, "zh") == first and a.grader.compiled == 1  # compiled once
    # an edited card (another object under the same id) is compiled again, not served stale
    edited = replace(card, key_points=card.key_points[:1])
    assert len(a.grader(edited, answer, "zh").key_points) == 1
    assert a.grader.compiled == 1
    assert first == G.grade(card, answer, "zh")  # the same grade as the ad-hoc function
