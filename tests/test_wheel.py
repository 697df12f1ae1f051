"""The wheel carries its deck: build it, install it into a fresh venv outside the checkout,
and use it there as a user who ran `pip install quizlab-*.whl` (or pipx) would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # builds a wheel and a venv: about 25 s on a 2-core host


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    r = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(dist)])
    assert r.returncode == 0, r.stderr
    (wheel,) = dist.glob("quizlab-*.whl")
    venv = base / "venv"
    r = _run([sys.executable, "-m", "venv", str(venv)])
    assert r.returncode == 0, r.stderr
    # Only the core dependencies (no labs extra): pip takes them from its cache / local index.
    r = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)])
    assert r.returncode == 0, r.stderr
    home = base / "home"
    outside = base / "cwd"  # not the checkout: nothing can be found by accident
    outside.mkdir()
    return {"wheel": wheel, "quiz": str(venv / "bin" / "quiz"), "cwd": outside,
            "env": {**os.environ, "QUIZ_HOME": str(home), "PYTHONPATH": ""}}


def test_the_wheel_holds_every_content_yaml(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    packaged = {n.split("/", 1)[1] for n in names if n.startswith("quiz_content/")}
    shipped = {f.name for f in (ROOT / "content").iterdir() if f.suffix in (".yaml", ".yml")}
    assert shipped and shipped <= packaged
    assert "quiz_content/__init__.py" in names
    assert not any(n.startswith("content/") for n in names)


def test_lint_and_cards_work_outside_the_checkout(installed):
    run = dict(cwd=installed["cwd"], env=installed["env"])
    r = _run([installed["quiz"], "lint"], **run)
    assert r.returncode == 0, r.stderr
    assert "site-packages" in r.stdout and "quiz_content" in r.stdout
    assert str(ROOT) not in r.stdout
    r = _run([installed["quiz"], "cards", "--json"], **run)
    assert r.returncode == 0, r.stderr
    cards = json.loads(r.stdout)
    assert len(cards) == len(json.loads(
        _run([sys.executable, "-m", "quiz.cli", "cards", "--json"], cwd=ROOT,
             env=installed["env"]).stdout))
    assert all(c["question"]["en"] for c in cards)


def test_headless_interview_outside_the_checkout(installed):
    r = _run([installed["quiz"], "interview", "--headless", "--questions", "2", "--seed", "3",
              "--json"], input="TorchScript, .ptl, the lite interpreter\n\nI do not know\n\n",
             cwd=installed["cwd"], env=installed["env"])
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert len(report["questions"]) == 2
    assert all(q["card_id"] for q in report["questions"])


def test_grader_outside_the_checkout_uses_the_lexicon_and_the_calibration(installed):
    # "停止维护" meets the English phrasing "PyTorch Mobile is deprecated" only through the
    # shipped lexicon; the unchecked "every ONNX model" claim keeps the answer from
    # `correct` only under the shipped calibration and its verdict model (the defaults
    # would call the answer correct)
    r = _run([installed["quiz"], "grade", "--card", "pytorch-mobile-overview", "--answer",
              "PyTorch Mobile 已停止维护了。", "--json"],
             cwd=installed["cwd"], env=installed["env"])
    assert r.returncode == 0, r.stderr
    point = {p["id"]: p for p in json.loads(r.stdout)["key_points"]}["deprecated-executorch"]
    assert point["found"]
    r = _run([installed["quiz"], "grade", "--card", "pytorch-mobile-model-formats", "--answer",
              "Only TorchScript, saved as a .ptl for the lite interpreter. It also runs every "
              "ONNX model directly without any conversion.", "--json"],
             cwd=installed["cwd"], env=installed["env"])
    assert r.returncode == 0, r.stderr
    graded = json.loads(r.stdout)
    assert graded["verdict"] in ("unsure", "wrong") and "unchecked-claim" in graded["flags"]
