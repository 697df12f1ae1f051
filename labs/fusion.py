"""Lab `fusion`: Operator fusion: Conv-BN(-ReLU)."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement('fusion-exact', {
        "zh": 'Conv-BN(-ReLU) 融合后输出在浮点误差范围内保持一致。',
        "en": 'Conv-BN(-ReLU) fusion keeps outputs equal within float tolerance.'}),
    Statement('fusion-fewer-ops', {
        "zh": '融合减少模块/算子（BN 折叠进卷积），而不是把两个模型合并。',
        "en": 'Fusion removes modules/ops (BN folded into conv), it does not merge two models.'}),
    Statement('fusion-faster', {
        "zh": '融合后的模型比未融合的运行更快。',
        "en": 'The fused model runs faster than the unfused one.'}),
    Statement('freeze-folds-bn', {
        "zh": '`torch.jit.freeze` 同样会把 conv-bn 折叠。',
        "en": '`torch.jit.freeze` folds conv-bn too.'}),
)


def run(ctx: LabContext) -> list[Finding]:
    return [Finding(s.id, None, "not implemented yet") for s in STATEMENTS]


LAB = Lab(id='fusion', title={"zh": '算子融合：Conv-BN(-ReLU)', "en": 'Operator fusion: Conv-BN(-ReLU)'},
          statements=STATEMENTS, run=run)
