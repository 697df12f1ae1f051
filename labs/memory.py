"""Lab `memory`: Memory: where the inference "leak" comes from."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement('no-leak-no-grad', {
        "zh": '在 `torch.no_grad()`/`inference_mode()` 下进行大量推理，RSS 保持平稳。',
        "en": 'RSS stays flat over many inferences under `torch.no_grad()`/`inference_mode()`.'}),
    Statement('kept-graphs-grow', {
        "zh": '保留带有 autograd 计算图的输出会让内存增长：这就是常说的“泄漏”。',
        "en": 'Keeping outputs that carry autograd graphs grows memory: the usual "leak".'}),
)


def run(ctx: LabContext) -> list[Finding]:
    return [Finding(s.id, None, "not implemented yet") for s in STATEMENTS]


LAB = Lab(id='memory', title={"zh": '内存：推理中的“内存泄漏”从何而来', "en": 'Memory: where the inference "leak" comes from'},
          statements=STATEMENTS, run=run)
