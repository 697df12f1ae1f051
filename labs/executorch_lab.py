"""Lab `executorch` (in progress)."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement

STATEMENTS = (
    Statement("pte-roundtrip", {
        "zh": "`torch.export` -> `to_edge_transform"
              "_and_lower`（XNNPACK）-> `.pte` 在 "
              "ExecuTorch 运行时中运行，输出与 eager 一致。",
        "en": "`torch.export` -> `to_edge_transform_and_lower` (XNNPACK) -> `.pte` runs in "
              "ExecuTorch's runtime with outputs matching eager."}),
    Statement("xnnpack-faster", {
        "zh": "XNNPACK 委托的 .pte 比可移植（非委托）算子快得多。",
        "en": "XNNPACK-delegated .pte is much faster than the portable (non-delegated) "
              "kernels."}),
)


def run(ctx: LabContext) -> list[Finding]:
    raise LabUnavailable("lab executorch is being written")


LAB = Lab(id="executorch",
          title={"zh": "ExecuTorch：.pte 导出、运行与 XNNPACK",
                 "en": "ExecuTorch: .pte export, runtime and XNNPACK"},
          statements=STATEMENTS, run=run)
