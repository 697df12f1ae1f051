"""Lab `threads`: Threads: PyTorch is multithreaded by default."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement('multithread-default', {
        "zh": 'PyTorch 默认使用多个算子内（intra-op）线程（`get_num_threads()` 等于核心数）。',
        "en": 'PyTorch uses several intra-op threads by default (`get_num_threads()` = cores).'}),
    Statement('threads-speedup', {
        "zh": '在卷积模型上，用全部核心推理比单线程更快。',
        "en": 'Inference with all cores is faster than with one thread on a conv model.'}),
)


def run(ctx: LabContext) -> list[Finding]:
    return [Finding(s.id, None, "not implemented yet") for s in STATEMENTS]


LAB = Lab(id='threads', title={"zh": '线程：PyTorch 默认就多线程', "en": 'Threads: PyTorch is multithreaded by default'},
          statements=STATEMENTS, run=run)
