"""Lab `dynamic-batch` (in progress)."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement

STATEMENTS = (
    Statement("traced-any-batch", {
        "zh": "在 batch 1 下 trace 的 CNN，作为 "
              "TorchScript 和 .ptl 可以在 batch 1..64 "
              "下运行，输出与 eager 相同。",
        "en": "A CNN traced at batch 1 runs at batch 1..64 as TorchScript and .ptl with "
              "outputs equal to eager."}),
    Statement("trace-bakes-shape", {
        "zh": "trace 时从形状取出的 Python "
              "整数（`int(x.shape[0])`）会把 batch 固化：先出现"
              " TracerWarning，换一个 batch 就失败。",
        "en": "Python ints taken from shapes under tracing (`int(x.shape[0])`) bake the "
              "batch in: TracerWarning, then failure at another batch."}),
    Statement("onnx-static-batch", {
        "zh": "没有动态轴的 ONNX 导出会固定 batch：onnxruntime "
              "拒绝其他 batch 大小。",
        "en": "An ONNX export without dynamic axes fixes the batch: onnxruntime rejects "
              "another batch size."}),
    Statement("onnx-dynamic-batch", {
        "zh": "带动态 batch 维（`Dim(\"batch\")`）的 ONNX "
              "导出在 onnxruntime 中可以运行任意 batch 大小。",
        "en": "An ONNX export with a dynamic batch dim (`Dim(\"batch\")`) runs every batch "
              "size in onnxruntime."}),
    Statement("batch-throughput", {
        "zh": "在 CPU 上，每个样本的吞吐量随 batch 增大而上升（一条曲线）。",
        "en": "Per-sample throughput rises with batch size on CPU (a curve)."}),
    Statement("executorch-dynamic-batch", {
        "zh": "用静态形状导出的 .pte 拒绝其他 batch；用 "
              "`Dim(\"batch\")` 导出的可以运行 batch 1 和 8。",
        "en": "A .pte exported with static shapes refuses another batch; one exported with "
              "`Dim(\"batch\")` runs batch 1 and 8."}),
)


def run(ctx: LabContext) -> list[Finding]:
    raise LabUnavailable("lab dynamic-batch is being written")


LAB = Lab(id="dynamic-batch",
          title={"zh": "动态 batch：trace、ONNX 与 ExecuTorch 中的 batch 维",
                 "en": "Dynamic batch: the batch dimension in tracing, ONNX and ExecuTorch"},
          statements=STATEMENTS, run=run)
