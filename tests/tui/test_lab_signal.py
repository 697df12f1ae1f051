"""Lab events reach the screens through a Textual Signal on the App (``app.lab_events``),
which any mounted node may subscribe to and which drops a node once it unmounts, not
through a getattr fan-out over the screen stack."""

from __future__ import annotations

from textual.signal import Signal
from textual.widgets import Static

from quiz.tui.messages import LabFinished, LabLog, LabProgress


async def test_lab_events_are_published_on_a_signal(make_app, fake_labs):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        assert isinstance(app.lab_events, Signal)
        await pilot.press("l")
        await pilot.pause()
        labs_screen = app.screen
        # Any mounted node can follow the labs, not only a screen with a magic method.
        probe = Static(id="probe")
        await labs_screen.mount(probe)
        seen: list = []
        app.lab_events.subscribe(probe, seen.append, immediate=True)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        kinds = [type(m) for m in seen]
        assert kinds[0] is LabProgress and LabLog in kinds and kinds[-1] is LabFinished
        assert seen[-1].result["status"] == "ok"
        # The labs screen itself is a subscriber: it drew the finished run's findings.
        assert labs_screen in app.lab_events._subscriptions
        await pilot.press("escape")  # the labs screen unmounts
        await pilot.pause()
        seen.clear()
        assert app.start_lab("fake")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen == []  # the probe went with its screen: dropped, not called
        assert labs_screen not in app.lab_events._subscriptions


async def test_a_screen_without_a_subscription_hears_nothing(make_app, fake_labs, monkeypatch):
    """A screen that merely has the method is not called (there is no fan-out)."""
    from quiz.tui.screens.home import HomeScreen

    calls: list = []
    monkeypatch.setattr(HomeScreen, "lab_event", lambda self, msg: calls.append(msg),
                        raising=False)
    monkeypatch.setattr(HomeScreen, "on_lab_event", lambda self, msg: calls.append(msg),
                        raising=False)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        assert app.start_lab("fake")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.lab_state.results["fake"]["status"] == "ok"
        assert calls == []
