"""The lab runner and its records, with fake labs (fast) and one real child process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import labs
from labs import Finding, Lab, LabUnavailable, Statement
from quiz.deck.model import Card, Claim, Deck
from quiz.labs_service import all_runs, last_run, last_runs, run_lab
from quiz.session.factcheck import claim_verdict

ROOT = Path(__file__).resolve().parents[1]


def fake_lab(run, lab_id: str = "fake") -> Lab:
    return Lab(
        id=lab_id,
        title={"zh": "假实验", "en": "Fake lab"},
        statements=(
            Statement("a", {"zh": "甲", "en": "A"}),
            Statement("b", {"zh": "乙", "en": "B"}),
        ),
        run=run,
    )


def deck_with_claims() -> Deck:
    def claim(cid, verdict, finding):
        return Claim(
            id=cid,
            seed=1,
            statement=f"seed says {cid}",
            verdict=verdict,
            correction={"zh": "改", "en": "fix"},
            sources=("https://example.org",),
            lab="fake",
            finding=finding,
        )

    card = Card(
        id="c1",
        seed=(1,),
        question={"zh": "问", "en": "q"},
        answer={"zh": "答", "en": "a"},
        claims=(
            claim("wrong-seed", "false", "a"),
            claim("right-seed", "true", "a"),
            claim("refuted-by-b", "outdated", "b"),
            claim("no-finding", "false", None),
            claim("missing", "false", "zzz"),
        ),
    )
    return Deck(title={"zh": "t", "en": "t"}, languages=("zh", "en"), cards=(card,))


@pytest.fixture
def use_lab(monkeypatch):
    def install(lab: Lab) -> None:
        monkeypatch.setattr(labs, "registry", lambda: {lab.id: lab})

    return install


def test_verdict_rule():
    assert claim_verdict("false", True) == "refuted"
    assert claim_verdict("partly", True) == "refuted"
    assert claim_verdict("true", True) == "supported"
    assert claim_verdict("true", False) == "refuted"
    assert claim_verdict("false", False) == "supported"
    assert claim_verdict("false", None) == "inconclusive"


def test_in_process_run_shape_verdicts_progress_and_record(tmp_path, use_lab):
    seen = []

    def run(ctx):
        ctx.progress(0.5, "half")
        ctx.log("a log line")
        assert ctx.workdir.is_dir() and ctx.quick
        return [
            Finding("a", True, "a held", {"size_bytes": 10}),
            Finding("b", None, "b could not tell"),
        ]

    use_lab(fake_lab(run))
    r = run_lab(
        "fake",
        quick=True,
        in_process=True,
        data_dir=tmp_path,
        deck=deck_with_claims(),
        progress=lambda f, m: seen.append((f, m)),
        log=lambda line: seen.append(line),
        export=True,  # the JSON file is written on request only (SQL keeps every run)
    )
    assert {
        "lab",
        "title",
        "quick",
        "started",
        "duration_s",
        "status",
        "error",
        "env",
        "findings",
        "claims",
    } <= set(r)
    assert r["status"] == "ok" and r["error"] is None and r["env"]["quick"] is True
    assert (0.5, "half") in seen and "a log line" in seen
    assert r["findings"][0] == {
        "id": "a",
        "held": True,
        "summary": "a held",
        "evidence": {"size_bytes": 10},
    }
    verdicts = {c["claim"]: c["verdict"] for c in r["claims"]}
    assert verdicts == {
        "wrong-seed": "refuted",
        "right-seed": "supported",
        "refuted-by-b": "inconclusive",
        "no-finding": "inconclusive",
        "missing": "inconclusive",
    }
    assert "no finding 'zzz'" in next(c["evidence"] for c in r["claims"] if c["claim"] == "missing")
    saved = Path(r["path"])
    assert saved.parent == tmp_path / "lab-runs" / "fake"
    assert json.loads(saved.read_text())["claims"] == r["claims"]
    assert last_run(tmp_path, "fake")["started"] == r["started"]


def test_newest_run_is_last_and_broken_files_are_skipped(tmp_path, use_lab):
    use_lab(fake_lab(lambda ctx: [Finding("a", True, "first")]))
    run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=deck_with_claims(),
            export=True)
    use_lab(fake_lab(lambda ctx: [Finding("a", False, "second")]))
    second = run_lab(
        "fake", quick=False, in_process=True, data_dir=tmp_path, deck=deck_with_claims(),
        export=True,
    )
    (tmp_path / "lab-runs" / "fake" / "99999999T999999999999Z.json").write_text("{broken")
    runs = all_runs(tmp_path, "fake")
    assert [r["findings"][0]["summary"] for r in runs] == ["second", "first"]
    assert last_run(tmp_path, "fake")["path"] == second["path"]
    assert last_run(tmp_path, "other") is None
    assert last_runs(tmp_path) == {}  # "fake" is not one of the shipped labs


def test_unavailable_and_failed_labs(tmp_path, use_lab):
    def unavailable(ctx):
        raise LabUnavailable("needs the executorch extra")

    use_lab(fake_lab(unavailable))
    r = run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=deck_with_claims())
    assert r["status"] == "unavailable" and r["error"] == "needs the executorch extra"
    assert all(c["verdict"] == "inconclusive" for c in r["claims"])

    def broken(ctx):
        raise RuntimeError("boom")

    use_lab(fake_lab(broken))
    r = run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=deck_with_claims())
    assert r["status"] == "failed" and r["error"] == "RuntimeError: boom"
    assert "raise RuntimeError" in r["traceback"]


def test_run_is_recorded_in_an_existing_study_database(tmp_path, use_lab):
    from quiz.store import open_store

    with open_store(tmp_path):
        pass  # the database exists from now on
    use_lab(fake_lab(lambda ctx: [Finding("a", True, "ok"), Finding("b", True, "ok")]))
    run_lab("fake", quick=True, in_process=True, data_dir=tmp_path, deck=deck_with_claims())
    with open_store(tmp_path) as store:
        rec = store.last_lab_run("fake")
    assert rec is not None and rec.status == "ok"


def test_unknown_lab_is_a_user_error():
    from quiz.errors import QuizError

    with pytest.raises(QuizError, match="no lab 'nope'"):
        run_lab("nope", quick=True, save=False)


def test_child_process_without_torch_reports_unavailable(tmp_path, monkeypatch):
    # A stand-in `torch` that fails to import, first on the child's path: what a user without
    # the labs extra sees.
    fake = tmp_path / "fake-site" / "torch"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n"
    )
    monkeypatch.setenv("PYTHONPATH", f"{fake.parent}{os.pathsep}{ROOT}")
    r = run_lab("threads", quick=True, data_dir=tmp_path / "home")
    assert r["status"] == "unavailable"
    assert "torch is not installed" in r["error"] and "pip install -e '.[labs]'" in r["error"]
    assert r["findings"] == []
    assert all(c["verdict"] == "inconclusive" for c in r["claims"])


def test_importing_labs_does_not_import_torch():
    code = (
        "import sys, labs; labs.registry(); import labs.runner, quiz.labs_service;"
        "print(sorted(m for m in ('torch','onnx','onnxruntime','executorch','litert_torch',"
        "'ai_edge_litert','tensorflow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_statements_match_the_findings_table():
    """Every lab declares exactly the ids of docs/lab-findings.md, with its English text."""
    table = (ROOT / "docs" / "lab-findings.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z-]+) \| ([a-z0-9-]+) \| (.+?) \|$", table, re.M)
    for lab_id, lab in labs.registry().items():
        want = [(fid, text) for lid, fid, text in rows if lid == lab_id]
        assert want, lab_id
        assert [(s.id, s.text["en"]) for s in lab.statements] == want


def test_every_lab_declares_statements_matching_its_id():
    reg = labs.registry()
    assert list(reg) == list(labs.MODULES)
    for lab_id, lab in reg.items():
        assert lab.id == lab_id and lab.statements
        for s in lab.statements:
            assert s.text.get("zh") and s.text.get("en"), (lab_id, s.id)


def quiz(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUIZ_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "quiz.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_cli_errors(tmp_path):
    r = quiz("lab", "run", "nope", home=tmp_path)
    assert r.returncode == 1 and "no lab 'nope'" in r.stderr and "Traceback" not in r.stderr
    r = quiz("lab", "run", home=tmp_path)
    assert r.returncode == 1 and "--all" in r.stderr


def test_cli_list_json(tmp_path):
    r = quiz("lab", "list", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [row["id"] for row in rows] == list(labs.MODULES)
    assert all(row["last_run"] is None for row in rows)
    assert any(row["claims"] for row in rows)
