"""Lab `formats` (in progress)."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement

STATEMENTS = (
    Statement("ptl-roundtrip", {
        "zh": "用 script 或 trace "
              "得到的模型保存为轻量解释器格式（.ptl）后可以加载回来，并给出与 "
              "eager 相同的输出。",
        "en": "A scripted or traced model saved for the lite interpreter (.ptl) loads back "
              "and gives the eager outputs."}),
    Statement("onnx-not-torchscript", {
        "zh": ".onnx 文件不能被 `torch.jit.load` 或 "
              "`_load_for_lite_interpreter` "
              "加载（PyTorch Mobile 不读取 ONNX）。",
        "en": "An .onnx file cannot be loaded by `torch.jit.load` or "
              "`_load_for_lite_interpreter` (PyTorch Mobile does not read ONNX)."}),
    Statement("caffe2-gone", {
        "zh": "在 torch 2.x 中无法 import "
              "`caffe2`；PyTorch Mobile 不加载 Caffe2 "
              "模型。",
        "en": "`caffe2` is not importable with torch 2.x; PyTorch Mobile does not load "
              "Caffe2 models."}),
    Statement("optimize-needs-xnnpack", {
        "zh": "`optimize_for_mobile` 需要带 XNNPACK 的 "
              "torch 构建；在这个 wheel 上它会失败（而且它是 "
              "TorchScript 时代的工具）。",
        "en": "`optimize_for_mobile` needs a torch build with XNNPACK; it fails on this "
              "wheel (and is a TorchScript-era tool)."}),
    Statement("jit-deprecated", {
        "zh": "`torch.jit.script`/`trace` "
              "和轻量解释器会发出弃用警告，指向 torch.export / "
              "ExecuTorch。",
        "en": "`torch.jit.script`/`trace` and the lite interpreter raise deprecation "
              "warnings pointing to torch.export / ExecuTorch."}),
)


def run(ctx: LabContext) -> list[Finding]:
    raise LabUnavailable("lab formats is being written")


LAB = Lab(id="formats",
          title={"zh": "模型格式：TorchScript、.ptl、ONNX 与 Caffe2",
                 "en": "Formats: TorchScript, .ptl, ONNX and Caffe2"},
          statements=STATEMENTS, run=run)
