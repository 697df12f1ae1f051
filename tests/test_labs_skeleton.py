"""The lab skeleton (labs.skeleton): the declared thread count, the declared extras checked
before a run, the speed verdict, and the worker's check of findings against statements."""

from __future__ import annotations

import contextlib

import pytest

import labs
from labs import Finding, Lab, RunStatus, Statement, runner, skeleton

STATEMENTS = (Statement("a", {"zh": "甲", "en": "A"}), Statement("b", {"zh": "乙", "en": "B"}))


def lab(run, **kw) -> Lab:
    return Lab(id="fake", title={"zh": "假", "en": "Fake"}, statements=STATEMENTS, run=run, **kw)


@pytest.fixture
def use_lab(monkeypatch):
    def install(x: Lab) -> None:
        monkeypatch.setattr(labs, "registry", lambda: {x.id: x})

    return install


def test_speed_verdict_bands():
    v = skeleton.speed_verdict
    assert v(1.5, 1.15, faster="F", slower="S") == (True, "F")
    assert v(0.5, 1.15, faster="F", slower="S") == (False, "S")
    assert v(1.0, 1.15, faster="F", slower="S") == (
        None, "inconclusive on this machine (margin < 1.15x)")
    busy = {"busy_cores": 1.2, "cores": 2}
    # A slowdown on a busy machine is no evidence; a clear speed-up still is.
    held, why = v(0.5, 1.15, faster="F", slower="S", load=busy)
    assert held is None and why == "inconclusive: other processes kept 1.2 of 2 cores busy " \
                                   "while timing"
    assert v(1.5, 1.15, faster="F", slower="S", load=busy) == (True, "F")
    # The thin band keeps its margin message unless the lab says the load explains it too.
    assert v(1.0, 1.15, faster="F", slower="S", load=busy)[1].startswith("inconclusive on")
    held, why = v(1.0, 1.15, faster="F", slower="S", load=busy, busy_hides_margin=True,
                  busy_why=", so 2 threads contend for them")
    assert held is None and why.endswith("cores busy, so 2 threads contend for them")
    assert v(0.5, 1.15, faster="F", slower="S", load={"busy_cores": 0.1, "cores": 2}) == \
        (False, "S")


def test_declared_threads_wrap_the_run(monkeypatch):
    seen = []

    @contextlib.contextmanager
    def fake_threads(n):
        seen.append(("set", n))
        yield 4
        seen.append(("restored",))

    monkeypatch.setattr(skeleton, "torch_threads", fake_threads)

    def body(ctx):
        seen.append(("run",))
        return []

    assert lab(body, threads=1).run(None) == []
    assert seen == [("set", 1), ("run",), ("restored",)]
    seen.clear()
    assert lab(body).run(None) == [] and seen == [("run",)]  # threads=None: left alone


def test_a_missing_extra_is_reported_before_the_run(use_lab, monkeypatch):
    ran = []
    monkeypatch.setitem(skeleton.EXTRAS, "executorch",
                        (("quizlab_no_such_module",), "labs,executorch"))
    use_lab(lab(lambda ctx: ran.append(1) or [], requires=("executorch",)))
    run = runner.run_lab("fake", quick=True, in_process=True)
    assert run.status is RunStatus.UNAVAILABLE and not ran
    assert run.error == ("quizlab_no_such_module is not installed; install the executorch "
                         "extra: pip install -e '.[labs,executorch]'")
    assert lab(lambda ctx: []).requirement_problem() is None


def test_installed_extras_pass_the_check():
    assert skeleton.requirement_problem(()) is None
    assert skeleton.install_hint("litert") == \
        "install the litert extra: pip install -e '.[labs,executorch,litert]'"


@pytest.mark.parametrize(("returned", "status", "words"), [
    (["a", "b"], RunStatus.OK, None),
    (["a"], RunStatus.FAILED, "missing b"),
    (["a", "b", "c"], RunStatus.FAILED, "undeclared c"),
    (["a", "a", "b"], RunStatus.FAILED, "repeated a"),
    (["b", "a"], RunStatus.FAILED, "out of order"),
])
def test_the_worker_checks_findings_against_the_statements(use_lab, returned, status, words):
    use_lab(lab(lambda ctx: [Finding(i, True, f"{i} held") for i in returned]))
    run = runner.run_lab("fake", quick=True, in_process=True)
    assert run.status is status
    if words is None:
        assert run.error is None
    else:
        assert "do not match the statements lab 'fake' declares" in run.error
        assert words in run.error
        assert [f.id for f in run.findings] == returned  # kept, to read what came back


def test_every_shipped_lab_declares_its_thread_count_once():
    # The labs whose work is not about threads run at one thread, declared on the Lab.
    reg = labs.registry()
    for lab_id in ("formats", "dynamic-batch", "parity", "loss-export"):
        assert reg[lab_id].threads == 1 and getattr(reg[lab_id].run, "threads", None) == 1
    assert reg["threads"].threads is None  # the threads lab sets its own counts
