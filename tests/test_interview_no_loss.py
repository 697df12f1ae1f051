"""No answer is lost: a headless interview waits out another program's lock (telling the
learner), and one that must stop prints what was not saved (review S8); bad timer values
and early ctrl+c are one clear line (X8, X2, X7)."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.store import Store

try:
    from tests.test_session_support import deck_yaml
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_session_support import deck_yaml

ROOT = Path(__file__).resolve().parents[1]
ANSWER = "ExecuTorch replaces PyTorch Mobile, the answer I typed"


@pytest.fixture
def deck_file(tmp_path):
    p = tmp_path / "deck.yaml"
    p.write_text(deck_yaml(["alpha", "beta", "gamma"]), encoding="utf-8")
    return p


class Interview:
    """`quiz interview --headless` in a child, fed line by line; output read as it comes."""

    def __init__(self, data: Path, deck: Path, *extra: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "QUIZ_HOME": str(data)}
        self.p = subprocess.Popen(
            [sys.executable, "-m", "quiz.cli", "interview", "--headless", "--deck", str(deck),
             "--questions", "2", "--seed", "1", "--lang", "en", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, cwd=ROOT, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.p.stdout is not None
        for line in self.p.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in x for x in self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                self.p.kill()
                pytest.fail(f"no {text!r} in the output:\n{''.join(self.seen)}")
            try:
                self.seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                pass

    def send(self, text: str) -> None:
        assert self.p.stdin is not None
        self.p.stdin.write(text)
        self.p.stdin.flush()

    def finish(self) -> str:
        assert self.p.stdin is not None
        self.p.stdin.close()
        self.p.wait(timeout=60)
        time.sleep(0.1)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def lock(db: Path) -> sqlite3.Connection:
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("BEGIN EXCLUSIVE")  # not a quiz process: the holder of S8
    return c


def test_an_answer_typed_while_the_database_is_locked_is_kept(tmp_path, deck_file):
    data = tmp_path / "data"
    iv = Interview(data, deck_file)
    iv.wait_for("[1/2]")
    holder = lock(data / "quiz.db")
    try:
        iv.send(ANSWER + "\n\n")
        iv.wait_for("your answer is kept")  # told within seconds, not after a 30 s freeze
    finally:
        holder.execute("COMMIT")
        holder.close()
    iv.wait_for("[2/2]")
    out = iv.finish()
    assert iv.p.returncode == 0, out
    with Store.open(data) as s:
        (rec,) = s.interviews()
        answers = s.interview_answers(rec.id)
        assert rec.finished and answers[0].answer == ANSWER


def test_an_interview_stopped_while_locked_prints_the_unsaved_answer(tmp_path, deck_file):
    data = tmp_path / "data"
    iv = Interview(data, deck_file)
    iv.wait_for("[1/2]")
    holder = lock(data / "quiz.db")
    try:
        iv.send(ANSWER + "\nsecond line\n\n")
        iv.wait_for("your answer is kept")
        iv.p.send_signal(signal.SIGINT)  # the learner gives up waiting
        iv.p.wait(timeout=60)
    finally:
        holder.execute("COMMIT")
        holder.close()
    out = iv.finish()
    assert iv.p.returncode == 130 and "Traceback" not in out, out
    assert "NOT SAVED, your answer to question 1" in out
    assert f"{ANSWER}\nsecond line\n" in out and out.rstrip().endswith("quiz: interrupted")


def test_ctrl_c_while_typing_prints_the_draft(tmp_path, deck_file):
    iv = Interview(tmp_path / "data", deck_file)
    iv.wait_for("[1/2]")
    iv.send("half an answer\n")
    time.sleep(0.5)
    iv.p.send_signal(signal.SIGINT)
    out = iv.finish()
    assert iv.p.returncode == 130 and "half an answer" in out.split("NOT SAVED", 1)[1]


@pytest.mark.parametrize("option", [("--seconds-per-question", "nan"),
                                    ("--seconds-per-question", "inf"),
                                    ("--seconds-per-question", "1e300"),
                                    ("--total-minutes", "nan")])
def test_timer_values_must_be_finite_and_positive_before_anything_is_written(
        tmp_path, deck_file, capsys, option):
    data = tmp_path / "data"
    code = main(["interview", "--headless", "--data-dir", str(data), "--deck", str(deck_file),
                 *option])
    assert code == 1
    err = capsys.readouterr().err
    assert "must be positive and at most" in err and str(float(option[1])) in err
    if (data / "quiz.db").exists():
        with Store.open(data) as s:
            assert s.interviews() == []


def test_ctrl_c_while_the_parser_is_built_is_one_line_and_130(monkeypatch, capsys):
    import quiz.cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(quiz.cli, "build_parser", interrupted)
    assert main(["stats"]) == 130
    assert capsys.readouterr().err == "quiz: interrupted\n"


def test_data_dir_without_a_value_says_so(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--data-dir"])
    assert e.value.code == 2
    assert "argument --data-dir: expected one argument" in capsys.readouterr().err
