"""`quiz interview --headless`: stdin/stdout driving, no TTY, timeouts, a kill mid-interview."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.commands.study import LineReader, run_headless
from quiz.session import InterviewConfig, InterviewEngine, ManualClock
from quiz.store import Store

try:
    from tests.test_session_support import FakeGrader, deck_yaml, make_deck
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import FakeGrader, deck_yaml, make_deck

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def deck_file(tmp_path):
    p = tmp_path / "deck.yaml"
    p.write_text(deck_yaml(["alpha", "beta", "gamma", "delta"]), encoding="utf-8")
    return p


def quiz(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    env.pop("QUIZ_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "quiz.cli", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_piped_answers_with_the_real_grader_json_report(tmp_path, deck_file):
    data = tmp_path / "data"
    p = quiz("interview", "--headless", "--data-dir", str(data), "--deck", str(deck_file),
             "--questions", "3", "--seed", "5", "--lang", "en", "--json",
             stdin=subprocess.PIPE)
    answers = ("It is TorchScript, with quantization\n\n"
               "PyTorch Mobile supports ONNX\nsecond line\n\n")
    out, err = p.communicate(answers, timeout=120)
    assert p.returncode == 0, err
    report = json.loads(out)  # stdout holds only the JSON; questions went to stderr
    assert "[1/3]" in err and report["finished"]
    first, second, third = report["questions"]
    assert (first["verdict"], first["score"], first["answered"]) == ("correct", 1.0, True)
    assert second["answer"] == "PyTorch Mobile supports ONNX\nsecond line"
    assert [m["id"] for m in second["misconceptions"]] == ["onnx"]
    assert (third["answered"], third["verdict"]) == (False, "unanswered")  # end of input
    with Store.open(data) as s:
        (rec,) = s.interviews()
        assert rec.finished and rec.config["seed"] == 5
        assert [a.answered for a in s.interview_answers(rec.id)] == [True, True, False]


def test_no_stdin_finishes_with_everything_unanswered(tmp_path, deck_file):
    p = quiz("interview", "--headless", "--data-dir", str(tmp_path), "--deck", str(deck_file),
             "--questions", "2", stdin=subprocess.DEVNULL)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "0 answered, 2 unanswered" in out and "(finished)" in out


def read_until(proc: subprocess.Popen, marker: str, limit_s: float = 60) -> str:
    """Read stdout until ``marker`` shows up (a guard against hanging, not a timing test)."""
    seen = ""
    end = time.monotonic() + limit_s
    fd = proc.stdout.fileno()
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            raise AssertionError(f"{marker!r} never appeared; got {seen!r}")
        chunk = os.read(fd, 4096).decode()
        if not chunk:
            raise AssertionError(f"process ended before {marker!r}: {seen!r}")
        seen += chunk
    return seen


def test_sigkill_mid_interview_keeps_every_given_answer(tmp_path, deck_file):
    data = tmp_path / "data"
    p = quiz("interview", "--headless", "--data-dir", str(data), "--deck", str(deck_file),
             "--questions", "4", "--seed", "2", stdin=subprocess.PIPE)
    try:
        read_until(p, "[1/4]")
        p.stdin.write("first answer TorchScript\n\n")
        p.stdin.flush()
        read_until(p, "[2/4]")
        p.stdin.write("second answer\nover two lines\n\n")
        p.stdin.flush()
        read_until(p, "[3/4]")
        p.stdin.write("half typed third ans")  # never finished
        p.stdin.flush()
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
    assert p.returncode == -signal.SIGKILL
    with Store.open(data) as s:
        assert s.integrity_check() == "ok"
        (rec,) = s.interviews()
        assert not rec.finished and rec.ended is None
        answers = s.interview_answers(rec.id)
        assert [a.answer for a in answers] == ["first answer TorchScript",
                                               "second answer\nover two lines"]
        assert all(a.answered and a.grade is not None for a in answers)
        assert len(s.attempts(mode="interview")) == 2
    # stats lists it as unfinished
    p = quiz("stats", "--data-dir", str(data), "--deck", str(deck_file), "--json")
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    (summary,) = json.loads(out)["interviews"]
    assert (summary["finished"], summary["answered"], summary["questions"]) == (False, 2, 4)


class ScriptedReader:
    """Stands in for stdin: returns scripted lines; "TIMEOUT" lets the clock pass."""

    def __init__(self, clock: ManualClock, script: list[str]):
        self.clock, self.script, self.pending = clock, list(script), ""

    def take_pending(self) -> str:
        text, self.pending = self.pending, ""
        return text

    def readline(self, timeout=None):
        if not self.script:
            return None
        line = self.script.pop(0)
        if line == "TIMEOUT":
            self.clock.advance(timeout)
            return LineReader.TIMEOUT
        if line.startswith("PARTIAL:"):
            self.pending = line[len("PARTIAL:"):]
            return self.readline(timeout)
        return line


def test_headless_loop_times_out_and_submits_what_was_typed(tmp_path, capsys):
    clock = ManualClock()
    grader = FakeGrader()
    with Store.open(tmp_path) as store:
        e = InterviewEngine(make_deck(["a", "b", "c"]),
                            InterviewConfig(questions=3, seconds_per_question=30, seed=1),
                            store=store, clock=clock, grader=grader)
        script = ["RIGHT line one", "line two", "", "HALF first line", "PARTIAL:still typ",
                  "TIMEOUT", "TIMEOUT"]
        run_headless(e, ScriptedReader(clock, script), sys.stdout)
        r = e.report
    assert [(q.answer, q.timed_out) for q in r.questions] == [
        ("RIGHT line one\nline two", False), ("HALF first line\nstill typ", True), ("", True)]
    out = capsys.readouterr().out
    assert "[3/3]" in out
    # B13: Q2 timed out with text typed, Q3 with nothing: each says which.
    assert out.count("time is up: what you typed was submitted") == 1
    assert out.count("time is up: nothing was typed") == 1
    assert r.questions[2].verdict == "unanswered"


def test_line_reader_on_a_pipe():
    r_fd, w_fd = os.pipe()
    with os.fdopen(r_fd, "r") as rf:
        reader = LineReader(rf)
        assert reader.readline(timeout=0) is LineReader.TIMEOUT
        os.write(w_fd, "第一行\npart".encode())
        assert reader.readline(timeout=5) == "第一行"
        assert reader.readline(timeout=0) is LineReader.TIMEOUT
        assert reader.take_pending() == "part"
        os.write(w_fd, b"last without newline")
        os.close(w_fd)
        assert reader.readline(timeout=5) == "last without newline"
        assert reader.readline(timeout=5) is None


def test_without_headless_opens_the_app_in_interview_mode(monkeypatch, deck_file):
    import quiz.commands.app as app

    calls = []
    monkeypatch.setattr(app, "open_app", lambda args, mode: calls.append((args, mode)) or 0,
                        raising=False)
    assert main(["interview", "--deck", str(deck_file)]) == 0
    assert calls[0][1] == "interview" and calls[0][0].deck == str(deck_file)


def test_without_headless_and_no_app_says_to_pass_headless(monkeypatch, capsys, deck_file):
    import quiz.commands.app as app

    monkeypatch.delattr(app, "open_app", raising=False)
    assert main(["interview", "--deck", str(deck_file)]) == 1
    assert "--headless" in capsys.readouterr().err


def test_bad_options_are_clear_errors(tmp_path, capsys, deck_file):
    assert main(["interview", "--headless", "--data-dir", str(tmp_path), "--deck",
                 str(deck_file), "--questions", "0"]) == 1
    assert "at least 1" in capsys.readouterr().err
    assert main(["interview", "--headless", "--data-dir", str(tmp_path), "--deck",
                 str(deck_file), "--tags", "nope"]) == 1
    assert "no card has any of the tags" in capsys.readouterr().err
