"""The shared words live once, in quiz.vocab, and every module that lists them agrees."""

from __future__ import annotations

import subprocess
import sys

from quiz import vocab


def test_every_module_lists_the_words_of_its_enum():
    from quiz.deck.model import VERDICTS as CLAIMS
    from quiz.grading.result import VERDICTS as GRADES
    from quiz.session import verdicts
    from quiz.session.factcheck import LAB_VERDICTS
    from quiz.store.db import MODES

    assert CLAIMS == vocab.values(vocab.ClaimVerdict)
    assert GRADES == verdicts.GRADER_VERDICTS == tuple(vocab.GRADER_VERDICTS)
    assert verdicts.ALL_VERDICTS == vocab.values(vocab.Verdict)
    assert LAB_VERDICTS == vocab.values(vocab.LabVerdict)
    assert MODES == vocab.values(vocab.Mode)
    # stored and serialised as plain strings, never as enum members
    assert all(type(v) is str for v in (*CLAIMS, *GRADES, *verdicts.ALL_VERDICTS,
                                        *LAB_VERDICTS, *MODES))


def test_the_vocabulary_imports_nothing_of_quizlab():
    code = ("import sys, quiz.vocab; "
            "print(sorted(m for m in sys.modules if m.startswith(('quiz.', 'labs'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "['quiz.vocab']"
