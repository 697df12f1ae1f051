"""A broken lab module (SyntaxError, ImportError at import) shows as one row with its error
in `quiz lab list` and on the labs screen, and the other labs stay listed and runnable.

The broken modules live in a temporary folder added to the ``labs`` package's path: nothing
is written into the package directory."""

from __future__ import annotations

import json

import pytest

import labs
from labs import runner


def test_load_keeps_the_good_labs_and_names_the_broken(broken_modules):
    good, broken = labs.load()
    assert set(broken) == {"syntax-broken", "import-broken"}  # conftest.BROKEN_LABS
    assert "SyntaxError" in broken["syntax-broken"]
    assert "quizlab_test_syntax_broken.py" in broken["syntax-broken"]
    assert "ModuleNotFoundError" in broken["import-broken"]
    assert "quizlab_no_such_dependency" in broken["import-broken"]
    assert "formats" in good and "threads" in good  # the others still load
    assert labs.registry() == good and labs.broken() == broken


def test_running_a_broken_lab_says_why(broken_modules):
    with pytest.raises(runner.UnknownLab, match="'syntax-broken' does not load: .*SyntaxError"):
        runner.run_lab("syntax-broken", quick=True, in_process=True)


def test_a_lab_declaring_another_id_is_a_broken_row(tmp_path, monkeypatch):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "quizlab_test_wrong_id.py").write_text(
        "from labs.base import Lab\nLAB = Lab(id='other', title={}, statements=(), "
        "run=lambda ctx: [])\n")
    monkeypatch.setitem(labs.MODULES, "wrong-id", "quizlab_test_wrong_id")
    monkeypatch.setattr(labs, "__path__", [*labs.__path__, str(folder)])
    assert "declares lab 'other', expected 'wrong-id'" in labs.broken()["wrong-id"]


def test_cli_lab_list_shows_the_broken_row(broken_modules, tmp_path, capsys):
    from quiz.cli import main

    assert main(["--data-dir", str(tmp_path / "d"), "lab", "list"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("syntax-broken"))
    assert "[does not load]" in row and "SyntaxError" in row
    assert any(line.startswith("formats") for line in out.splitlines())
    assert main(["--data-dir", str(tmp_path / "d"), "lab", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == list(labs.MODULES)
    by_id = {r["id"]: r for r in rows}
    assert "ModuleNotFoundError" in by_id["import-broken"]["error"]
    assert by_id["formats"]["statements"]  # a working lab keeps its full row
