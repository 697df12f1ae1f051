"""Lab `loss-export` (in progress)."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement

STATEMENTS = (
    Statement("loss-not-exported", {
        "zh": "训练时使用的损失函数不属于导出的推理图。",
        "en": "A loss used in training is not part of the exported inference graph."}),
)


def run(ctx: LabContext) -> list[Finding]:
    raise LabUnavailable("lab loss-export is being written")


LAB = Lab(id="loss-export",
          title={"zh": "损失函数不在导出的推理图里",
                 "en": "The loss is not in the exported inference graph"},
          statements=STATEMENTS, run=run)
