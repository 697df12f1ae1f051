"""Forms of the shipped lexicon that sit inside or beside other words: each is read as the
concept it names and no other (content/lexicon.yaml)."""

from __future__ import annotations

import pytest

from quiz.deck.lexicon import load_lexicon, shipped_lexicon_path
from quiz.grading import concepts
from quiz.grading.normalize import fold


@pytest.fixture(scope="module")
def lex() -> concepts.Lexicon:
    return concepts.Lexicon(load_lexicon(shipped_lexicon_path()))


def units(lex: concepts.Lexicon, text: str) -> list[str]:
    return [u for _, _, u in lex.find(fold(text).text)]


@pytest.mark.parametrize("text, expected", [
    # "op" is an operator, but "inter-op" and "intra-op" are kinds of parallelism
    ("unsupported ops fall back to the CPU", ["unsupported", "operator", "fallback"]),
    ("inter-op parallelism", ["inter-op", "parallel"]),
    ("intra-op 线程池", ["intra-op", "thread-pool"]),
    ("算子内并行和算子间并行", ["intra-op", "parallel", "inter-op", "parallel"]),
    # an identifier is no form: set_num_interop_threads names neither concept
    ("torch.set_num_interop_threads(2)", []),
    # cross-language pairs
    ("先显式 detect missing，再 impute", ["detect", "missing", "impute"]),
    ("先显式检测缺失，再填充", ["detect", "missing", "impute"]),
    ("bytecode 版本对不上", ["bytecode", "version", "mismatch"]),
    # swap: "原子替换" is "swap atomically"; a hot swap stays its own concept
    ("校验后原子替换", ["verify", "atomic", "swap"]),
    ("swap the module reference atomically", ["swap", "atomic"]),
    ("hot swap without a restart", ["hot-swap"]),
    # ORT is ONNX Runtime; a bare runtime is not
    ("ORT 的 QNN EP", ["ort"]),
    ("ONNX Runtime 的 QNN EP", ["ort"]),
    ("the runtime loads the .pte", ["runtime", "load"]),
    # "no longer developed" / "不再发展" is deprecated; "developed" alone is not
    ("TorchScript 已经不再发展", ["deprecated"]),
    ("TorchScript is no longer developed", ["deprecated"]),
    ("ExecuTorch is developed by Meta", []),
])
def test_forms_read_as_their_concept(lex, text, expected):
    assert units(lex, text) == [concepts.concept_unit(c) for c in expected]
