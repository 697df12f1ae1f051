"""Lab `parity`: one model, one input, every backend this machine has.

Eager, TorchScript (scripted and traced), the lite interpreter (.ptl), onnxruntime and,
when installed, ExecuTorch with XNNPACK run the same CNN (with non-trivial BatchNorm
statistics) on the same batch. Each output is compared with eager: the max abs difference
and ``torch.testing.assert_close`` with the per-backend tolerances in ``TOLERANCES``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labs import common
from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement("parity-all-close", {
        "zh": "Eager、TorchScript、.ptl、onnxruntime（以"
              "及安装时的 ExecuTorch）在相同输入上的输出在容差内一致。",
        "en": "Eager, TorchScript, .ptl, onnxruntime (and ExecuTorch when installed) agree "
              "within tolerance on the same inputs."}),
)

# Tolerances for torch.testing.assert_close against eager, per backend. TorchScript and
# the lite interpreter call the same aten kernels (observed diff 0); onnxruntime and
# XNNPACK have their own kernels, which sum in another order (observed ~1e-7).
TOLERANCES = {
    "torchscript (script)": {"atol": 1e-5, "rtol": 1e-5},
    "torchscript (trace)": {"atol": 1e-5, "rtol": 1e-5},
    ".ptl (lite interpreter)": {"atol": 1e-5, "rtol": 1e-5},
    "onnxruntime": {"atol": 1e-4, "rtol": 1e-4},
    "executorch (xnnpack)": {"atol": 1e-4, "rtol": 1e-4},
}


def _settle_bn(model, torch, seed: int) -> None:
    """Non-trivial BatchNorm statistics, as a trained model has (the defaults make BN
    nearly an identity, which would hide a backend that mishandles it)."""
    g = torch.Generator().manual_seed(seed + 11)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.5)
                m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.25)
                m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                m.bias.copy_(torch.randn(n, generator=g) * 0.1)


def _onnx_outputs(ctx: LabContext, model, x, torch) -> tuple[Any, dict[str, Any]]:
    import onnxruntime as ort

    path = ctx.workdir / "model.onnx"
    exporter = common.export_onnx_for_lab(model, x, path, ctx.params.legacy_onnx)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    out = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    return torch.from_numpy(out), {"exporter": exporter, "bytes": common.file_size(path),
                                   "onnxruntime": ort.__version__}


def _executorch_outputs(ctx: LabContext, model, x) -> tuple[Any, dict[str, Any]] | str:
    """The XNNPACK .pte's output, or the reason ExecuTorch is left out."""
    from labs import executorch_lab as et

    if not common.has_module("executorch"):
        return "executorch not installed"
    if not ctx.params.executorch:
        return "left out in quick mode (import and lowering cost ~20 s); included in full mode"
    reason = et.unavailable_reason()
    if reason:
        return reason
    info = et.to_pte(model, x, ctx.workdir / "model.pte")
    out = et.run_method(et.load_forward(Path(info["path"])), x)
    return out, {"bytes": info["bytes"], "delegate_calls": info["delegate_calls"]}


def run(ctx: LabContext) -> list[Finding]:
    # threads=1 on LAB: nothing here is about threads (labs.skeleton.in_threads)
    import torch
    from torch.jit.mobile import _load_for_lite_interpreter

    torch.manual_seed(ctx.seed)  # make_cnn's init uses the global RNG
    model = common.make_cnn(seed=ctx.seed).eval()
    _settle_bn(model, torch, ctx.seed)
    batch = ctx.params.batch
    x = common.randn((batch, *common.CNN_INPUT), seed=ctx.seed + 1)
    with torch.no_grad():
        want = model(x)
    outputs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    ctx.progress(0.1, "TorchScript and .ptl")
    with common.capture_warnings(), torch.no_grad():
        scripted = torch.jit.script(model)
        outputs["torchscript (script)"] = scripted(x)
        traced = torch.jit.trace(model, x)
        outputs["torchscript (trace)"] = traced(x)
        ptl = ctx.workdir / "model.ptl"
        scripted._save_for_lite_interpreter(str(ptl))
        outputs[".ptl (lite interpreter)"] = _load_for_lite_interpreter(str(ptl))(x)
    extra[".ptl (lite interpreter)"] = {"bytes": common.file_size(ptl)}
    ctx.progress(0.4, "ONNX in onnxruntime")
    outputs["onnxruntime"], extra["onnxruntime"] = _onnx_outputs(ctx, model, x, torch)
    ctx.progress(0.7, "ExecuTorch")
    et = _executorch_outputs(ctx, model, x)
    skipped = {}
    if isinstance(et, str):
        skipped["executorch (xnnpack)"] = et
    else:
        outputs["executorch (xnnpack)"], extra["executorch (xnnpack)"] = et
    rows = {}
    for name, got in outputs.items():
        tol = TOLERANCES[name]
        try:
            torch.testing.assert_close(got, want, **tol)
            failure = None
        except AssertionError as exc:
            failure = common.error_text(exc)
        rows[name] = {"max_abs_diff": common.max_abs_diff(got, want), **tol,
                      "assert_close": failure is None, "failure": failure,
                      **extra.get(name, {})}
    held = all(r["assert_close"] for r in rows.values())
    parts = ", ".join(f"{n} {r['max_abs_diff']:.1e}" for n, r in rows.items())
    note = f"; ExecuTorch: {skipped['executorch (xnnpack)']}" if skipped else ""
    bad = [n for n, r in rows.items() if not r["assert_close"]]
    f = Finding(
        "parity-all-close", held,
        (f"CNN batch {batch}, max abs diff vs eager: {parts}; all within tolerance{note}"
         if held else f"outside tolerance: {', '.join(bad)}; {parts}{note}"),
        {"batch": batch, "backends": rows, "skipped": skipped,
         "eager_output_abs_max": float(want.abs().max()),
         "curve": {"x": list(rows), "y": [r["max_abs_diff"] for r in rows.values()],
                   "x_label": "backend", "y_label": "max abs diff vs eager"}})
    ctx.progress(1.0, "done")
    return [f]


LAB = Lab(id="parity",
          title={"zh": "一致性：同一输入在各个后端上的输出",
                 "en": "Parity: the same inputs through every backend"},
          statements=STATEMENTS, run=run, threads=1,
          # quick leaves ExecuTorch out: its import and lowering cost ~20 s
          quick=dict(batch=4, legacy_onnx=True, executorch=False),
          full=dict(batch=16, legacy_onnx=False, executorch=True))
