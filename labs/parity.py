"""Lab `parity` (in progress)."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement

STATEMENTS = (
    Statement("parity-all-close", {
        "zh": "Eager、TorchScript、.ptl、onnxruntime（以"
              "及安装时的 ExecuTorch）在相同输入上的输出在容差内一致。",
        "en": "Eager, TorchScript, .ptl, onnxruntime (and ExecuTorch when installed) agree "
              "within tolerance on the same inputs."}),
)


def run(ctx: LabContext) -> list[Finding]:
    raise LabUnavailable("lab parity is being written")


LAB = Lab(id="parity",
          title={"zh": "一致性：同一输入在各个后端上的输出",
                 "en": "Parity: the same inputs through every backend"},
          statements=STATEMENTS, run=run)
