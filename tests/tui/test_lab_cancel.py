"""A running lab is stopped through its handle (no /proc scan): the stop key on the labs
screen and quitting during a run end the lab's child process, and the run is recorded as
cancelled. The lab is a slow fake child started by the real runner."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest

import labs
from labs import runner
from quiz import labs_service
from quiz.tui import labinfo
from tests.tui.conftest import FAKE_LAB

SLOW = ("import json, time; print(json.dumps({'type': 'progress', 'fraction': 0.1, "
        "'message': 'slow lab started'}), flush=True); time.sleep(120)")


@pytest.fixture
def slow_lab(monkeypatch, fake_labs):
    """The real runner and service, running a child that reports once, then sleeps."""
    monkeypatch.setattr(labs, "registry", lambda: {"fake": FAKE_LAB})
    monkeypatch.setattr(runner, "worker_command", lambda *a: [sys.executable, "-c", SLOW])
    monkeypatch.setattr(labinfo, "run_lab", lambda lab_id, **kw: labs_service.run_lab(lab_id,
                                                                                    **kw))


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def wait_for_child(app, pilot) -> int:
    for _ in range(200):
        await pilot.pause(0.05)
        handle = app.lab_state.handle
        if handle is not None and handle.pid is not None and app.lab_state.message:
            return handle.pid
    raise AssertionError("the slow lab never started")


async def test_stop_key_cancels_the_running_lab(slow_lab, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        store = app.open_store()
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert "stop_lab" not in {b.action for _, b, *_ in screen.active_bindings.values()}
        await pilot.press("r")
        pid = await wait_for_child(app, pilot)
        assert not gone(pid)
        assert "stop_lab" in {b.action for _, b, *_ in screen.active_bindings.values()}
        t0 = time.monotonic()
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert time.monotonic() - t0 < 20
        assert gone(pid)
        assert app.lab_state.running is None and app.lab_state.handle is None
        result = app.lab_state.results["fake"]
        assert result["status"] == "failed" and result["error"].startswith("cancelled")
        rec = store.last_lab_run("fake")
        assert rec is not None and rec.status == "failed"
        assert labs.LabRun.from_json(rec.result).cancelled


async def test_quitting_during_a_run_ends_the_lab(slow_lab, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("r")
        pid = await wait_for_child(app, pilot)
        t0 = time.monotonic()
        await pilot.press("ctrl+q")
        await pilot.pause()
    for _ in range(100):
        if gone(pid):
            break
        await asyncio.sleep(0.05)
    assert gone(pid) and time.monotonic() - t0 < 20
