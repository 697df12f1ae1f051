"""Lab `quantization`: Quantization: dynamic int8, static PTQ, onnxruntime quantization."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement('int8-size', {
        "zh": '对以 Linear 为主的模型做动态 int8 量化，权重大约缩小 4 倍（不是 10 倍）。',
        "en": 'Dynamic int8 quantization of a Linear-heavy model makes the weights about 4x smaller (not 10x).'}),
    Statement('int8-speed', {
        "zh": '在这台 x86 CPU 上，对 Linear 层而言动态 int8 比 fp32 更快（batch 1 和 32，单线程）。',
        "en": 'Dynamic int8 is faster than fp32 for Linear layers on this x86 CPU (batch 1 and 32, 1 thread).'}),
    Statement('int8-accuracy', {
        "zh": 'int8 的输出与 fp32 接近（相对误差最多几个百分点），但并不完全相同。',
        "en": 'Int8 outputs stay close to fp32 (relative error of a few percent at most), not identical.'}),
    Statement('static-ptq', {
        "zh": '对 CNN 做静态训练后量化（融合、校准、转换）可行，int8 模型可以保存为 .ptl。',
        "en": 'Static post-training quantization (fuse, calibrate, convert) of a CNN works and the int8 model saves as .ptl.'}),
    Statement('ort-quantize', {
        "zh": 'onnxruntime 的动态量化让 ONNX 模型缩小约 4 倍。',
        "en": "onnxruntime's dynamic quantization makes an ONNX model about 4x smaller."}),
    Statement('ao-deprecated', {
        "zh": '`torch.ao.quantization` 会发出弃用警告，建议改用 torchao。',
        "en": '`torch.ao.quantization` warns it is deprecated in favour of torchao.'}),
)


def run(ctx: LabContext) -> list[Finding]:
    return [Finding(s.id, None, "not implemented yet") for s in STATEMENTS]


LAB = Lab(id='quantization', title={"zh": '量化：动态 int8、静态 PTQ、onnxruntime 量化', "en": 'Quantization: dynamic int8, static PTQ, onnxruntime quantization'},
          statements=STATEMENTS, run=run)
