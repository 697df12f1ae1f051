"""SQL is the one source of lab runs: a run is recorded in the study database and written
as JSON only on request; the JSON run files older quizlabs wrote are imported once
(idempotent); `quiz lab export [--out DIR] [--lab ID]` writes the JSON on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import labs
from labs import Finding, Lab, Statement
from quiz import labs_service
from quiz.labs_service import all_runs, last_run, run_lab
from quiz.store import open_store

LAB = Lab(id="fake", title={"zh": "假", "en": "Fake"},
          statements=(Statement("a", {"zh": "甲", "en": "A"}),),
          run=lambda ctx: [Finding("a", True, "measured 42 ms")])


@pytest.fixture(autouse=True)
def fake_lab(monkeypatch):
    monkeypatch.setattr(labs, "registry", lambda: {"fake": LAB})
    # Each test is a fresh process as far as the once-per-process import is concerned.
    monkeypatch.setattr(labs_service, "_IMPORTED", set())


def old_file(home: Path, lab: str, name: str, summary: str, started: str) -> Path:
    f = home / "lab-runs" / lab / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"lab": lab, "status": "ok", "started": started, "quick": True,
                             "duration_s": 1.0, "title": {"en": "Fake"}, "env": {},
                             "findings": [{"id": "a", "held": True, "summary": summary}],
                             "claims": []}))
    return f


def test_a_run_is_recorded_in_sql_and_no_json_is_written(tmp_path):
    r = run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=None)
    assert "path" not in r and not (tmp_path / "lab-runs").exists()
    assert isinstance(r["run_id"], int) and r["status"] == "ok"
    with open_store(tmp_path) as s:
        rec = s.last_lab_run("fake")
    assert rec.id == r["run_id"] and rec.result["findings"] == r["findings"]
    assert last_run(tmp_path, "fake")["run_id"] == r["run_id"]


def test_old_json_runs_are_imported_once(tmp_path, monkeypatch):
    old_file(tmp_path, "fake", "20260101T000000000000Z.json", "older", "2026-01-01T00:00:00")
    old_file(tmp_path, "fake", "20260102T000000000000Z.json", "newer", "2026-01-02T00:00:00")
    bad = tmp_path / "lab-runs" / "fake" / "20260103T000000000000Z.json"
    bad.write_text("{broken")
    warnings: list[str] = []
    runs = all_runs(tmp_path, "fake", warn=warnings.append)
    assert [r["findings"][0]["summary"] for r in runs] == ["newer", "older"]
    assert len(warnings) == 1 and str(bad) in warnings[0]
    for _ in range(2):  # a new process (the memo forgotten) imports nothing twice
        monkeypatch.setattr(labs_service, "_IMPORTED", set())
        warnings.clear()
        assert len(all_runs(tmp_path, "fake", warn=warnings.append)) == 2
        assert warnings == []  # the bad file was seen already
    with open_store(tmp_path) as s:
        assert len(s.lab_runs("fake")) == 2 and len(s.lab_files_seen()) == 3
    # A run recorded after the import is the newest; the files are left where they were.
    new = run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=None)
    assert last_run(tmp_path, "fake")["run_id"] == new["run_id"]
    assert len(list((tmp_path / "lab-runs" / "fake").glob("*.json"))) == 3


def test_import_with_two_stores_is_still_once(tmp_path):
    from quiz.store.labfiles import import_files

    old_file(tmp_path, "fake", "20260101T000000000000Z.json", "only", "2026-01-01T00:00:00")
    with open_store(tmp_path) as a, open_store(tmp_path) as b:
        assert import_files(a, tmp_path) == 1
        assert import_files(b, tmp_path) == 0
        assert len(b.lab_runs("fake")) == 1


def test_no_database_and_no_files_reads_nothing_and_creates_nothing(tmp_path):
    assert last_run(tmp_path, "fake") is None and all_runs(tmp_path, "fake") == []
    assert list(tmp_path.iterdir()) == []


def test_cli_lab_export(tmp_path, capsys):
    from quiz.cli import main

    home = tmp_path / "home"
    first = run_lab("fake", quick=True, in_process=True, data_dir=home, deck=None)
    second = run_lab("fake", quick=False, in_process=True, data_dir=home, deck=None)
    out = tmp_path / "out"
    assert main(["--data-dir", str(home), "lab", "export", "--out", str(out),
                 "--lab", "fake"]) == 0
    printed = capsys.readouterr().out.split()
    files = sorted((out / "fake").glob("*.json"))
    assert [str(f) for f in files] == sorted(printed) and len(files) == 2
    records = [json.loads(f.read_text()) for f in files]
    assert {r["quick"] for r in records} == {True, False}
    want = {k: v for k, v in first.items() if k != "run_id"}
    assert want in records and "run_id" not in records[0]
    assert {r["started"] for r in records} == {first["started"], second["started"]}
    # Exported into the data folder's lab-runs/: a copy, never imported as more runs.
    assert main(["--data-dir", str(home), "lab", "export"]) == 0
    capsys.readouterr()
    labs_service._IMPORTED.clear()
    assert len(all_runs(home, "fake")) == 2
    with pytest.raises(SystemExit):
        main(["--data-dir", str(home), "lab", "export", "--bogus"])


def test_cli_lab_export_of_an_unknown_lab_is_a_user_error(tmp_path, capsys):
    from quiz.cli import main

    assert main(["--data-dir", str(tmp_path), "lab", "export", "--lab", "nope"]) == 1
    assert "no lab 'nope'" in capsys.readouterr().err
