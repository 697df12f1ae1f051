"""Labs launch quizlab's own worker and survive bad records and full disks (review L7, L8,
C6, C7, C10)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import labs
from labs import Finding, Lab, Statement
from labs.runner import _run_child
from quiz.labs_service import all_runs, last_run, run_lab

ROOT = Path(__file__).resolve().parents[1]
FORGED = {"type": "result", "status": "ok", "findings": [], "env": {}, "error": None}


def plant_labs(folder: Path, worker: str | None) -> None:
    pkg = folder / "labs"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    if worker is not None:
        (pkg / "worker.py").write_text(worker)


def test_a_labs_package_in_the_cwd_is_not_run(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    plant_labs(tmp_path / "proj", f"import json\nopen({str(marker)!r}, 'w').write('ran')\n"
               f"print(json.dumps({FORGED!r}))\n")
    monkeypatch.chdir(tmp_path / "proj")
    result = _run_child("no-such-lab", True, 0, lambda f, m: None, lambda line: None)
    assert not marker.exists()
    # quizlab's own worker answered: it knows no such lab (the planted one said "ok").
    assert result["status"] == "failed" and "no lab 'no-such-lab'" in result["error"]


def test_a_harmless_labs_folder_in_the_cwd_changes_nothing(tmp_path, monkeypatch):
    plant_labs(tmp_path / "proj", None)
    monkeypatch.chdir(tmp_path / "proj")
    result = _run_child("no-such-lab", True, 0, lambda f, m: None, lambda line: None)
    assert "no lab 'no-such-lab'" in result["error"], result


def test_a_lab_that_cannot_start_says_why(monkeypatch):
    from labs import runner

    boom = ("import sys; sys.stderr.write('Traceback (most recent call last):\\n  ...\\n"
            "ImportError: cannot import name registry\\n'); sys.exit(1)")
    monkeypatch.setattr(runner, "worker_command", lambda *a: [sys.executable, "-c", boom])
    result = _run_child("formats", True, 0, lambda f, m: None, lambda line: None)
    assert result["status"] == "failed"
    assert result["error"] == ("the lab process ended with exit code 1 before reporting: "
                               "ImportError: cannot import name registry")


def test_worker_command_keeps_the_marker_the_app_stops_children_by():
    from labs.runner import worker_command

    cmd = worker_command("formats", True, 3)
    assert cmd[:2] == [sys.executable, "-P"] and "labs.worker" in cmd  # labinfo looks for it
    out = subprocess.run([*cmd[:5], "--help"], capture_output=True, text=True,
                         cwd="/", timeout=60)
    assert out.returncode == 0 and "usage:" in out.stdout


# -- tampered records -----------------------------------------------------------------

BAD_CLAIMS = ['"abc"', "[1, 2]", '[{"x": 1}]', "null", '{"a": 1}']


def write_run(home: Path, lab: str, name: str, text: str) -> Path:
    f = home / "lab-runs" / lab / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text)
    return f


def good_run(lab: str) -> dict:
    return {"lab": lab, "status": "ok", "started": "2026-01-01T00:00:00", "quick": True,
            "findings": [], "claims": [{"card": "c", "claim": "k", "verdict": "supported"}]}


@pytest.mark.parametrize("claims", BAD_CLAIMS)
def test_bad_records_are_skipped_with_a_warning_naming_the_file(tmp_path, claims):
    write_run(tmp_path, "formats", "20260101T000000000000Z.json", json.dumps(good_run("formats")))
    bad = write_run(tmp_path, "formats", "20991231T000000000000Z.json",
                    '{"lab":"formats","status":"ok","started":"2026-01-01T00:00:00",'
                    f'"quick":true,"claims":{claims}}}')
    warnings: list[str] = []
    runs = all_runs(tmp_path, "formats", warn=warnings.append)
    if claims == "null":  # no claims at all is a run without verdicts, not a bad file
        assert len(runs) == 2 and not warnings
        return
    assert [r["started"] for r in runs] == ["2026-01-01T00:00:00"]
    assert len(warnings) == 1 and str(bad) in warnings[0] and "claims" in warnings[0]


def test_other_bad_fields_and_foreign_files_are_skipped(tmp_path):
    cases = {
        "a.json": '{"lab": "formats", "status": 3}',
        "b.json": '{"lab": "formats", "findings": [{"held": true}]}',
        "c.json": '{"lab": "formats", "env": []}',
        "d.json": "[" * 100_000 + "]" * 100_000,
        "e.json": "{broken",
    }
    for name, text in cases.items():
        write_run(tmp_path, "formats", name, text)
    world = write_run(tmp_path, "formats", "f.json", json.dumps(good_run("formats")))
    world.chmod(0o666)
    warnings: list[str] = []
    assert all_runs(tmp_path, "formats", warn=warnings.append) == []
    assert len(warnings) == len(cases) + 1
    assert any(str(world) in w and "writable by every user" in w for w in warnings)


def quiz(*args: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quiz.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "QUIZ_HOME": str(home)},
                          timeout=300)


def test_lab_list_survives_a_tampered_record(tmp_path):
    bad = write_run(tmp_path, "formats", "20991231T000000000000Z.json",
                    '{"lab":"formats","status":"ok","started":"2026-01-01T00:00:00",'
                    '"quick":true,"claims":[1,2]}')
    r = quiz("lab", "list", home=tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert f"quiz: {bad}: skipped: claims[0] is a int, not an object" in r.stderr
    assert "formats" in r.stdout and "never run" in r.stdout.splitlines()[0]


async def test_labs_screen_survives_a_tampered_record(tmp_path, monkeypatch):
    from quiz.tui.app import QuizApp

    write_run(tmp_path, "formats", "20991231T000000000000Z.json",
              '{"lab":"formats","status":"ok","started":"2026-01-01T00:00:00",'
              '"quick":true,"claims":[1,2]}')
    app = QuizApp(deck_path=ROOT / "tests" / "tui" / "deck.yaml", data_dir=tmp_path, lang="en",
                  mode="labs")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LabsScreen" and app.is_running


# -- a full disk at save time ---------------------------------------------------------

def fake(monkeypatch) -> None:
    lab = Lab(id="fake", title={"zh": "假", "en": "Fake"},
              statements=(Statement("a", {"zh": "甲", "en": "A"}),),
              run=lambda ctx: [Finding("a", True, "measured 42 ms")])
    monkeypatch.setattr(labs, "registry", lambda: {"fake": lab})


def check_kept(run: dict, folder: Path) -> None:
    assert run["path"] is None and run["findings"][0]["summary"] == "measured 42 ms"
    assert any("No space left on device" in w for w in run["warnings"]), run["warnings"]
    assert not list(folder.rglob("*.tmp")), "an empty .tmp was left behind"


def test_a_full_disk_at_save_time_keeps_the_run(tmp_path, monkeypatch):
    # Without root there is no small filesystem to fill: the write fails as a full one does.
    import errno

    real = Path.write_text

    def full(self, *a, **kw):
        if self.name.endswith(".json.tmp"):
            real(self, "")  # a full disk leaves the empty file the old code left behind
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *a, **kw)

    fake(monkeypatch)
    monkeypatch.setattr(Path, "write_text", full)
    # The JSON file is an export, written on request; the study database keeps the run.
    run = run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=None,
                  export=True)
    check_kept(run, tmp_path)
    # Changed with issue 15 (SQL is the one source of lab runs): the run the file could not
    # take is in the study database, so it is listed (it used to be lost with the file).
    assert last_run(tmp_path, "fake")["run_id"] == run["run_id"] is not None


@pytest.fixture
def tiny_fs(tmp_path):
    """A 200 KB tmpfs, filled up; needs root (mount)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass


def test_a_really_full_disk_at_save_time_keeps_the_run(tiny_fs, monkeypatch, capsys):
    from quiz.commands.lab import render_run

    (tiny_fs / "lab-runs" / "fake").mkdir(parents=True)
    fill(tiny_fs)
    fake(monkeypatch)
    run = run_lab("fake", quick=True, in_process=True, data_dir=tiny_fs, deck=None,
                  export=True)
    check_kept(run, tiny_fs)
    text = render_run(run)
    assert "NOT SAVED" in text and "No space left on device" in text
