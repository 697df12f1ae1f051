"""A lab's quick and full parameters: declared once on the Lab (same keys, else refused),
chosen by the skeleton for the run's mode and handed to ``run`` as ``ctx.params``. No lab
asks whether it is quick any more."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

import labs
from labs import Finding, Lab, LabContext, RunStatus, Statement, runner
from labs.base import Params

LABS_DIR = Path(labs.__file__).parent
STATEMENTS = (Statement("a", {"zh": "甲", "en": "A"}),)


def lab(run, **kw) -> Lab:
    return Lab(id="fake", title={"zh": "假", "en": "Fake"}, statements=STATEMENTS, run=run, **kw)


def recording(seen: list):
    def run(ctx):
        seen.append(ctx.params)
        return [Finding("a", True, f"runs {ctx.params.runs}")]

    return run


def test_quick_and_full_with_different_keys_are_refused():
    with pytest.raises(ValueError) as e:
        lab(lambda ctx: [], quick=dict(runs=3, batch=2), full=dict(runs=30, width=8))
    assert str(e.value) == ("lab 'fake': the quick and full parameters must have the same "
                            "keys (only in quick: batch; only in full: width)")
    with pytest.raises(ValueError, match="only in full: runs"):
        lab(lambda ctx: [], full=dict(runs=30))  # quick left empty
    with pytest.raises(TypeError, match="immutable"):
        lab(lambda ctx: [], quick=dict(sizes=[1, 2]), full=dict(sizes=[1, 2, 4]))
    with pytest.raises(ValueError, match="cannot be named 'items'"):
        Params(items=3)


def test_params_are_read_only_mappings():
    p = Params(runs=3, batches=(1, 4))
    assert p.runs == p["runs"] == 3 and dict(p) == {"runs": 3, "batches": (1, 4)}
    assert p == {"runs": 3, "batches": (1, 4)} and hash(p) == hash(Params(p))
    with pytest.raises(AttributeError, match="no parameter 'width'"):
        _ = p.width
    with pytest.raises(AttributeError):
        p.runs = 4  # type: ignore[misc]
    assert p.to_json() == {"runs": 3, "batches": [1, 4]}
    declared = lab(lambda ctx: [], quick=p, full={"runs": 30, "batches": (1, 64)})
    assert isinstance(declared.full, Params) and declared.quick is p
    assert lab(lambda ctx: []).quick == {} == lab(lambda ctx: []).full


@pytest.mark.parametrize("quick", [True, False])
def test_the_run_gets_the_set_of_its_mode(tmp_path, monkeypatch, quick):
    seen: list = []
    x = lab(recording(seen), quick=dict(runs=3), full=dict(runs=30))
    want = x.quick if quick else x.full
    assert x.params(quick) is want
    # Called directly, as the lab tests do ...
    ctx = LabContext(quick=quick, workdir=tmp_path)
    assert x.run(ctx)[0].summary == f"runs {want.runs}"
    assert seen == [want] and ctx.params is want
    # ... and through the worker, as the app does.
    seen.clear()
    monkeypatch.setattr(labs, "registry", lambda: {x.id: x})
    run = runner.run_lab("fake", quick=quick, in_process=True)
    assert run.status is RunStatus.OK and run.findings[0].summary == f"runs {want.runs}"
    assert seen == [want] and run.env["params"] == want.to_json()


def test_a_context_with_params_keeps_them(tmp_path):
    seen: list = []
    x = lab(recording(seen), quick=dict(runs=3), full=dict(runs=30))
    tiny = Params(runs=1)
    x.run(LabContext(quick=True, workdir=tmp_path, params=tiny))
    assert seen == [tiny]


def test_redeclaring_a_lab_wraps_its_run_once(tmp_path):
    seen: list = []
    x = lab(recording(seen), quick=dict(runs=3), full=dict(runs=30), threads=None)
    y = dataclasses.replace(x, quick=dict(runs=5), full=dict(runs=50))
    assert y.run.__wrapped__ is x.run.__wrapped__  # the lab's own run, wrapped once
    y.run(LabContext(quick=True, workdir=tmp_path))
    assert seen == [{"runs": 5}]


def test_every_shipped_lab_declares_quick_and_full_with_equal_keys():
    registry, broken = labs.load()
    assert not broken and set(registry) == set(labs.MODULES)
    for lab_id, x in registry.items():
        assert isinstance(x.quick, Params) and isinstance(x.full, Params), lab_id
        assert x.quick and set(x.quick) == set(x.full), lab_id
        # Same kind of value in both modes (a count stays a count, a flag a flag).
        for key in x.quick:
            assert type(x.quick[key]) is type(x.full[key]), (lab_id, key)


def _asks_quick(tree: ast.AST) -> list[int]:
    """Lines that read ``<something>.quick`` or a bare name ``quick``."""
    return sorted({node.lineno for node in ast.walk(tree)
                   if (isinstance(node, ast.Attribute) and node.attr == "quick"
                       and isinstance(node.ctx, ast.Load))
                   or (isinstance(node, ast.Name) and node.id == "quick")})


def test_no_lab_asks_whether_it_is_quick():
    """Only the skeleton chooses a set (and the worker, runner and run record pass the mode
    on); a lab module, or a module it shares, reads ctx.params."""
    passes_the_mode_on = {"skeleton.py", "worker.py", "runner.py", "base.py", "common.py"}
    offenders = {}
    for path in sorted(LABS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name in passes_the_mode_on:
            # These may name the mode, but none of them reads ``ctx.quick`` except the
            # skeleton, which chooses the set.
            lines = sorted({n.lineno for n in ast.walk(tree)
                            if isinstance(n, ast.Attribute) and n.attr == "quick"
                            and isinstance(n.value, ast.Name) and n.value.id == "ctx"})
            if lines and path.name != "skeleton.py":
                offenders[path.name] = lines
            continue
        lines = _asks_quick(tree)
        if lines:
            offenders[path.name] = lines
    assert offenders == {}
    assert "ctx.quick" in (LABS_DIR / "skeleton.py").read_text(encoding="utf-8")
    lab_files = {f"{m}.py" for m in labs.MODULES.values()}
    assert not lab_files & passes_the_mode_on


def test_lab_list_shows_the_parameters(tmp_path, capsys):
    from quiz.cli import main

    assert main(["--data-dir", str(tmp_path), "lab", "list", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    pruning = labs.registry()["pruning"]
    assert rows["pruning"]["params"] == {"quick": pruning.quick.to_json(),
                                         "full": pruning.full.to_json()}
    assert main(["--data-dir", str(tmp_path), "lab", "list"]) == 0
    assert "    quick: gzip_level 1, width 512, sparsities [0.5, 0.9], runs 20; full: " \
           "gzip_level 6, width 1024" in capsys.readouterr().out
