"""Lab `dynamic-batch`: where the batch size gets fixed, and where it does not.

A CNN traced at batch 1 still runs at any batch as TorchScript and .ptl: tracing records
``aten::size`` calls, not numbers, unless the model itself turns a shape into a Python
int (``int(x.shape[0])``), which tracing bakes in as a constant. ONNX is stricter: the
default export fixes every input dim, so onnxruntime rejects another batch unless the
batch dim is declared dynamic (``Dim("batch")``, example batch >= 2). ExecuTorch behaves
like ONNX. The lab also times the traced model per batch size (samples/s curve).

How tracing treats shapes is measured op by op: ``x.size(0)`` is recorded as an
``aten::size`` call and stays dynamic; ``int(x.shape[0])`` warns and becomes a constant, with
an outcome at another batch that depends on the op that uses it (an error, or a silently
wrong shape); a literal ``view(1, -1)`` is the source's own constant, so tracing says nothing.
``torch.onnx.export`` accepts a batch-1 example with ``Dim("batch")`` (it exports with
``backed_size_oblivious``), where plain ``torch.export.export`` refuses it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from labs import common
from labs.base import Finding, Lab, LabContext, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("traced-any-batch", {
        "zh": "在 batch 1 下 trace 的 CNN，作为 "
              "TorchScript 和 .ptl 可以在 batch 1..64 "
              "下运行，输出与 eager 相同。",
        "en": "A CNN traced at batch 1 runs at batch 1..64 as TorchScript and .ptl with "
              "outputs equal to eager."}),
    Statement("trace-bakes-shape", {
        "zh": "trace 时从形状取出的 Python "
              "整数会把 batch 固化：`reshape(int(x.shape[0]), C)` 先出现"
              " TracerWarning，换一个 batch 就报错。",
        "en": "Python ints taken from shapes under tracing bake the batch in: "
              "`reshape(int(x.shape[0]), C)` gives a TracerWarning, then an error at another "
              "batch."}),
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
    Statement("onnx-dim-batch-from-one", {
        "zh": "`torch.onnx.export` 用 `Dim(\"batch\")` 时示例 batch 为 1 也能导出动态 "
              "batch，onnxruntime 可以跑 batch 4；同样的输入 `torch.export.export` 会拒绝"
              "（batch 被特化成常量 1）。",
        "en": "`torch.onnx.export` with `Dim(\"batch\")` and a batch-1 example exports a "
              "dynamic batch that onnxruntime runs at batch 4, while `torch.export.export` "
              "refuses the same input (the batch specialised to the constant 1)."}),
    Statement("size0-traces-dynamic", {
        "zh": "trace 会把 `x.size(0)` 记录成 `aten::size`：`x.view(x.size(0), -1)` 和 "
              "`torch.zeros(x.size(0), C)` 在 batch 1 下 trace 后，没有 TracerWarning，"
              "在 batch 4 下输出与 eager 相同。",
        "en": "Tracing records `x.size(0)` as `aten::size`: `x.view(x.size(0), -1)` and "
              "`torch.zeros(x.size(0), C)` traced at batch 1 give no TracerWarning and match "
              "eager at batch 4."}),
    Statement("int-shape-bakes", {
        "zh": "trace 时 `int(x.shape[0])` 会出现 TracerWarning 并把 batch 写成常量；换一个 "
              "batch 的后果取决于用它的算子：`reshape(n, 64)` 报错，`reshape(n, -1)` 和 "
              "`out[:n]` 不报错但悄悄返回错误的形状。",
        "en": "Under tracing `int(x.shape[0])` gives a TracerWarning and becomes a constant; "
              "what happens at another batch depends on the op: `reshape(n, 64)` raises, "
              "`reshape(n, -1)` and `out[:n]` silently return a wrong shape."}),
    Statement("hardcoded-view-no-warning", {
        "zh": "源码里写死的 `x.view(1, -1)` 在 trace 时没有 TracerWarning（常量来自源码，"
              "不是 trace）；在 batch 4 下 trace 和 eager 一样返回 (1, 4·N)。",
        "en": "A hard-coded `x.view(1, -1)` gives no TracerWarning under tracing (the "
              "constant is the source's, not the tracer's); at batch 4 the trace returns "
              "(1, 4·N) exactly as eager does."}),
)

ATOL = 1e-5  # same kernels, different batch: float32 noise is ~1e-7
ORT_ATOL = 1e-4  # onnxruntime's own kernels
CLEAR = 1.15
STATIC_ERROR = "Expected: 1"


def _close(got, want, atol: float) -> bool:
    import torch

    try:
        torch.testing.assert_close(got, want, atol=atol, rtol=atol)
        return True
    except AssertionError:
        return False


def _bad_model(torch):
    """A CNN whose forward takes a Python int from the input's shape."""
    from torch import nn

    class FlattenWithInt(nn.Module):
        def __init__(self, body: nn.Module, head: nn.Module) -> None:
            super().__init__()
            self.body, self.head = body, head

        def forward(self, x):
            n = int(x.shape[0])  # under tracing: a constant
            feats = self.body(x)
            return self.head(feats.reshape(n, feats.shape[1]))

    cnn = common.make_cnn()
    return FlattenWithInt(cnn[:-2], cnn[-1]).eval()


def _trace_bakes_shape(ctx: LabContext, torch) -> Finding:
    bad = _bad_model(torch)
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    x4 = common.randn((4, *common.CNN_INPUT), seed=ctx.seed + 1)
    with common.capture_warnings() as caught:
        traced = torch.jit.trace(bad, x1)
    tracer = [w for w in common.warning_texts(caught) if w.startswith("TracerWarning")]
    with torch.no_grad():
        eager_ok = tuple(bad(x4).shape)
        try:
            traced(x4)
            error = reason = None
        except Exception as exc:  # noqa: BLE001 - the message is the evidence
            # The TorchScript error quotes the traced code and a Python stack; the reason
            # is its last line.
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            reason = lines[-1] if lines else type(exc).__name__
            reason = reason.removeprefix(f"{type(exc).__name__}: ")
            error = f"{type(exc).__name__}: {reason}"
    held = bool(tracer) and error is not None
    return Finding(
        "trace-bakes-shape", held,
        f"traced at batch 1 with int(x.shape[0]): {tracer[0][:90] if tracer else 'no warning'}"
        f"...; at batch 4: {reason}" if held else
        f"int(x.shape[0]) under tracing: warning {bool(tracer)}, error at batch 4: {error}",
        {"tracer_warnings": tracer, "error_at_batch_4": error, "reason": reason,
         "eager_output_shape_at_batch_4": list(eager_ok),
         "fix": "keep shapes symbolic: x.flatten(1) or x.reshape(x.shape[0], -1)"})


def _traced_any_batch(ctx: LabContext, model, torch, batches) -> tuple[Finding, Any, Any]:
    from torch.jit.mobile import _load_for_lite_interpreter

    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    with common.capture_warnings():
        traced = torch.jit.trace(model, x1)
        path = ctx.workdir / "traced_b1.ptl"
        traced._save_for_lite_interpreter(str(path))
    lite = _load_for_lite_interpreter(str(path))
    rows = []
    with torch.no_grad():
        for b in batches:
            x = common.randn((b, *common.CNN_INPUT), seed=ctx.seed + b)
            want = model(x)
            row = {"batch": b}
            for name, mod in (("torchscript", traced), ("ptl", lite)):
                try:
                    got = mod(x)
                    row[f"{name}_max_abs_diff"] = common.max_abs_diff(got, want)
                    row[f"{name}_close"] = _close(got, want, ATOL)
                except Exception as exc:  # noqa: BLE001 - a failure is a result
                    row[f"{name}_error"] = common.error_text(exc)
                    row[f"{name}_close"] = False
            rows.append(row)
    held = all(r["torchscript_close"] and r["ptl_close"] for r in rows)
    worst = max(max(r.get("torchscript_max_abs_diff", float("inf")),
                    r.get("ptl_max_abs_diff", float("inf"))) for r in rows)
    f = Finding(
        "traced-any-batch", held,
        f"CNN traced at batch 1 runs at batches {', '.join(map(str, batches))} as "
        f"TorchScript and .ptl; worst max abs diff vs eager {worst:.1e} (atol {ATOL})",
        {"rows": rows, "atol": ATOL, "traced_at": 1, "ptl_bytes": common.file_size(path),
         "worst_max_abs_diff": worst})
    return f, traced, lite


def _throughput(ctx: LabContext, model, traced, lite, torch, batches) -> Finding:
    runs = ctx.params.runs  # one round over (1, 4, 16) costs ~15 ms at 1 thread
    xs = {b: common.randn((b, *common.CNN_INPUT), seed=ctx.seed + b) for b in batches}
    curves = {}
    stats = {}
    backends = {name: mod for name, mod in (("torchscript", traced), ("ptl", lite),
                                             ("eager", model))
                if name in ctx.params.backends}
    load = common.cpu_load(0.3)
    # One intra-op thread: with two OpenMP threads on two cores that other processes
    # also use, a batch-16 call here took 40-210 ms instead of ~9 ms (threads wait at
    # barriers for a descheduled peer); the threads lab covers thread scaling. (The lab
    # runs at threads=1 already; this keeps the timing at 1 whatever calls it.)
    with common.torch_threads(1), torch.inference_mode():
        for name, mod in backends.items():
            # Round robin over batch sizes: drift on the machine hits them all alike.
            t = common.compare_many(
                {str(b): (lambda m=mod, x=xs[b]: m(x)) for b in batches},
                warmup=2, runs=runs)
            stats[name] = {b: t[str(b)] for b in batches}
            curves[name] = [b / (t[str(b)]["median_ms"] / 1e3) for b in batches]
    main = curves["torchscript"]
    ratio = main[-1] / main[0]
    held, verdict = speed_verdict(ratio, CLEAR, faster="per-sample throughput rises with batch",
                                  slower="per-sample throughput falls with batch", load=load)
    return Finding(
        "batch-throughput", held,
        f"TorchScript CNN, 1 thread: {main[0]:.0f} samples/s at batch 1, {main[-1]:.0f} at batch "
        f"{batches[-1]} ({ratio:.2f}x): {verdict}",
        {"curve": {"x": list(batches), "y": [round(v, 1) for v in main],
                   "x_label": "batch size", "y_label": "samples/s (TorchScript, 1 thread)"},
         "curves": {k: {"x": list(batches), "y": [round(v, 1) for v in c]}
                    for k, c in curves.items()},
         "latency": {k: {str(b): s for b, s in v.items()} for k, v in stats.items()},
         "ratio_largest_vs_1": ratio, "clear_ratio": CLEAR,
         "threads": 1, "cpu_load_before": load})


def _ort_session(path):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _onnx_static(ctx: LabContext, model, torch) -> Finding:
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    path = ctx.workdir / "static_b1.onnx"
    if ctx.params.legacy_onnx:
        # Any export without dynamic axes fixes the batch; the legacy exporter takes
        # ~0.3 s where a dynamo export costs seconds (the Dim case below needs dynamo).
        t0 = time.perf_counter()
        with common.capture_warnings():
            torch.onnx.export(model, (x1,), str(path), dynamo=False)
        info = {"seconds": time.perf_counter() - t0}
        exporter = "legacy (dynamo=False, quick mode)"
    else:
        info = common.export_onnx(model, x1, path)
        exporter = "dynamo (default)"
    sess = _ort_session(path)
    inp = sess.get_inputs()[0]
    with torch.no_grad():
        ok = common.max_abs_diff(sess.run(None, {inp.name: x1.numpy()})[0], model(x1))
    x4 = common.randn((4, *common.CNN_INPUT), seed=ctx.seed + 4)
    try:
        sess.run(None, {inp.name: x4.numpy()})
        error = None
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        error = common.error_text(exc)
    reason = error
    if error and "Got:" in error:
        # "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input:
        # x for the following indices | index: 0 Got: 4 Expected: 1 | Please fix ..."
        start = error.find("Got invalid dimensions")
        end = error.find(STATIC_ERROR) + len(STATIC_ERROR)
        reason = error[max(start, 0):end] if end > start else error
    held = error is not None and STATIC_ERROR in error
    return Finding(
        "onnx-static-batch", held,
        f"ONNX exported at batch 1 without dynamic dims has input shape {inp.shape}; "
        f"onnxruntime at batch 1 ok (max abs diff {ok:.1e}), at batch 4: {reason}",
        {"input_shape": [str(d) for d in inp.shape], "batch1_max_abs_diff": ok,
         "error_at_batch_4": error, "export_seconds": round(info["seconds"], 2),
         "exporter": exporter,
         "onnx_bytes": common.file_size(path)})


def _onnx_dynamic(ctx: LabContext, model, torch, batches, from_one=None) -> Finding:
    """``from_one``: the (path, export seconds) of the batch-1 Dim("batch") export, which
    quick mode reuses instead of paying for a second dynamo export (~3-9 s here)."""
    if from_one is not None:
        path, seconds = from_one
        example = 1
    else:
        example = 2
        x2 = common.randn((2, *common.CNN_INPUT), seed=ctx.seed + 2)
        path = ctx.workdir / "dynamic.onnx"
        seconds = common.export_onnx(model, x2, path, dynamic_batch=True)["seconds"]
    sess = _ort_session(path)
    inp = sess.get_inputs()[0]
    rows = []
    with torch.no_grad():
        for b in batches:
            x = common.randn((b, *common.CNN_INPUT), seed=ctx.seed + b)
            try:
                got = sess.run(None, {inp.name: x.numpy()})[0]
                want = model(x)
                rows.append({"batch": b, "max_abs_diff": common.max_abs_diff(got, want),
                             "close": _close(torch.from_numpy(got), want, ORT_ATOL)})
            except Exception as exc:  # noqa: BLE001 - a failure is a result
                rows.append({"batch": b, "error": common.error_text(exc), "close": False})
    held = all(r["close"] for r in rows)
    worst = max(r.get("max_abs_diff", float("inf")) for r in rows)
    return Finding(
        "onnx-dynamic-batch", held,
        f"ONNX exported with Dim('batch') (example batch {example}) has input shape "
        f"{[str(d) for d in inp.shape]}; onnxruntime runs batches "
        f"{', '.join(map(str, batches))}, worst max abs diff vs eager {worst:.1e}",
        {"input_shape": [str(d) for d in inp.shape], "rows": rows, "atol": ORT_ATOL,
         "example_batch": example, "export_seconds": round(seconds, 2),
         "reused_batch_1_export": from_one is not None})


def _executorch(ctx: LabContext, model, torch) -> Finding:
    from labs import executorch_lab as et

    if not ctx.params.executorch:
        # Decided without importing executorch (its import alone costs ~5-10 s).
        if not common.has_module("executorch"):
            msg = f"executorch is not installed; {et.INSTALL_HINT}"
        else:
            msg = ("not run in quick mode: importing executorch.exir and lowering cost "
                   "~20 s here; run the full lab (quiz lab run dynamic-batch)")
        return Finding("executorch-dynamic-batch", None, msg, {"reason": msg})
    reason = et.unavailable_reason()
    if reason:
        return Finding("executorch-dynamic-batch", None, reason, {"reason": reason})
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    x2 = common.randn((2, *common.CNN_INPUT), seed=ctx.seed + 2)
    x8 = common.randn((8, *common.CNN_INPUT), seed=ctx.seed + 8)
    static = et.to_pte(model, x1, ctx.workdir / "static_b1.pte")
    dynamic = et.to_pte(model, x2, ctx.workdir / "dynamic.pte", dynamic_batch=64)
    m_static = et.load_forward(Path(static["path"]))
    m_dyn = et.load_forward(Path(dynamic["path"]))
    with torch.no_grad():
        ok1 = common.max_abs_diff(et.run_method(m_static, x1), model(x1))
        with et.capture_stderr_fd() as log:
            try:
                et.run_method(m_static, x8)
                static_error = None
            except Exception as exc:  # noqa: BLE001 - the message is the evidence
                static_error = common.error_text(exc)
        dyn = {}
        for b, x in ((1, x1), (8, x8)):
            try:
                got = et.run_method(m_dyn, x)
                dyn[b] = {"max_abs_diff": common.max_abs_diff(got, model(x)),
                          "close": _close(got, model(x), 1e-4)}
            except Exception as exc:  # noqa: BLE001
                dyn[b] = {"error": common.error_text(exc), "close": False}
    cpp = [ln for ln in log if "static" in ln or "resiz" in ln.lower()]
    held = static_error is not None and all(r["close"] for r in dyn.values())
    return Finding(
        "executorch-dynamic-batch", held,
        f"static .pte (batch 1, diff {ok1:.1e}) at batch 8: {static_error} "
        f"({cpp[0].split('] ', 1)[-1] if cpp else 'no log line'}); Dim('batch') .pte runs "
        f"batch 1 and 8 (max abs diff {max(r.get('max_abs_diff', 1.0) for r in dyn.values()):.1e})",
        {"static_error_at_batch_8": static_error, "runtime_log": log[:10],
         "static_batch1_max_abs_diff": ok1, "dynamic": {str(k): v for k, v in dyn.items()},
         "static_pte_bytes": static["bytes"], "dynamic_pte_bytes": dynamic["bytes"]})


def _onnx_dim_from_one(ctx: LabContext, model, torch) -> tuple[Finding, tuple | None]:
    """Dim("batch") with a batch-1 example: torch.onnx.export vs torch.export.export.

    Also returns (path, seconds) of the ONNX file when it exported with a dynamic batch."""
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    x4 = common.randn((4, *common.CNN_INPUT), seed=ctx.seed + 4)
    dims = ({0: torch.export.Dim("batch")},)
    path = ctx.workdir / "dynamic_from_b1.onnx"
    export_error = run_error = shape = diff = None
    try:
        info = common.export_onnx(model, x1, path, dynamic_batch=True)
        sess = _ort_session(path)
        inp = sess.get_inputs()[0]
        shape = [str(d) for d in inp.shape]
        try:
            with torch.no_grad():
                diff = common.max_abs_diff(sess.run(None, {inp.name: x4.numpy()})[0], model(x4))
        except Exception as exc:  # noqa: BLE001 - the message is the evidence
            run_error = common.error_text(exc)
        seconds = round(info["seconds"], 2)
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        export_error, seconds = common.error_text(exc, limit=300), None
    try:
        with common.capture_warnings():
            torch.export.export(model, (x1,), dynamic_shapes=dims)
        te_error = None
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        te_error = common.error_text(exc, limit=300)
    onnx_ok = (export_error is None and run_error is None and shape is not None
               and shape[0] == "batch" and diff is not None and diff <= ORT_ATOL)
    held = onnx_ok and te_error is not None and "Constraints violated" in te_error
    onnx_part = (f"input shape {shape}, onnxruntime at batch 4 max abs diff {diff:.1e}"
                 if onnx_ok else f"export error {export_error}, run error {run_error}")
    te_part = te_error.split(" | ")[0] if te_error else "exported"
    exported = (path, seconds) if shape is not None and shape[0] == "batch" else None
    return Finding(
        "onnx-dim-batch-from-one", held,
        f"Dim('batch') with a batch-1 example: torch.onnx.export {onnx_part}; "
        f"torch.export.export: {te_part}",
        {"onnx_input_shape": shape, "onnx_export_error": export_error,
         "onnx_batch_4_max_abs_diff": diff, "onnx_batch_4_error": run_error, "atol": ORT_ATOL,
         "onnx_export_seconds": seconds, "torch_export_error": te_error, "example_batch": 1,
         "why": "torch.onnx.export runs torch.export under "
                "torch.fx.experimental._config.patch(backed_size_oblivious=True), which "
                "keeps a size-1 dim symbolic; plain torch.export specialises 0/1 sizes"}
    ), exported


def _trace_variant(torch, body, head, forward, x1, x4) -> dict[str, Any]:
    """Trace ``forward(module, x)`` (``module.body``, ``module.head`` are the CNN's parts) at
    batch 1, run it at batch 4 next to eager; what the tracer said, whether the graph reads
    the size, what came out."""
    from torch import nn

    class Wrap(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body, self.head = body, head  # submodules: traced as parameters

        def forward(self, x):
            return forward(self, x)

    mod = Wrap().eval()
    with common.capture_warnings() as caught:
        traced = torch.jit.trace(mod, x1)
    tracer = [w for w in common.warning_texts(caught) if w.startswith("TracerWarning")]
    row: dict[str, Any] = {"tracer_warnings": tracer,
                           "graph_reads_size": "aten::size" in str(traced.graph)}
    with torch.no_grad():
        want = mod(x4)
        row["eager_shape"] = list(want.shape)
        try:
            got = traced(x4)
        except Exception as exc:  # noqa: BLE001 - the message is the evidence
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            reason = (lines[-1] if lines else type(exc).__name__)
            row["outcome"] = "error"
            row["error"] = reason.removeprefix(f"{type(exc).__name__}: ")
            return row
    row["traced_shape"] = list(got.shape)
    if got.shape != want.shape:
        row["outcome"] = "silently wrong shape"
    else:
        row["max_abs_diff"] = common.max_abs_diff(got, want)
        row["outcome"] = "same as eager" if row["max_abs_diff"] <= ATOL else "wrong values"
    return row


def _tracing_shapes(ctx: LabContext, torch) -> list[Finding]:
    """x.size(0), int(x.shape[0]) in three ops, and a literal view(1, -1), traced at batch 1
    and run at batch 4 (cheap: tracing a small CNN takes milliseconds)."""
    cnn = common.make_cnn(seed=ctx.seed).eval()
    body, head = cnn[:-2], cnn[-1]  # conv blocks + pooling (N, 64, 1, 1); Linear(64, 10)
    classes = head.out_features
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    x4 = common.randn((4, *common.CNN_INPUT), seed=ctx.seed + 4)

    size0 = {
        "x.view(x.size(0), -1)": lambda m, x: m.head(m.body(x).view(x.size(0), -1)),
        "torch.zeros(x.size(0), C)": lambda m, x: torch.zeros(x.size(0), classes)
        + m.head(m.body(x).flatten(1)),
    }
    rows = {k: _trace_variant(torch, body, head, f, x1, x4) for k, f in size0.items()}
    held = all(not r["tracer_warnings"] and r["graph_reads_size"]
               and r["outcome"] == "same as eager" for r in rows.values())
    f_size = Finding(
        "size0-traces-dynamic", held,
        "traced at batch 1, run at batch 4: " + "; ".join(
            f"{k}: {len(r['tracer_warnings'])} TracerWarning, aten::size in graph "
            f"{r['graph_reads_size']}, {r['outcome']}" for k, r in rows.items()),
        {"variants": rows, "atol": ATOL, "traced_at": 1, "run_at": 4})

    ints = {
        "reshape(n, 64)": lambda m, x: m.head(m.body(x).reshape(int(x.shape[0]), 64)),
        "reshape(n, -1)": lambda m, x: m.body(x).reshape(int(x.shape[0]), -1),
        "out[:n]": lambda m, x: m.head(m.body(x).flatten(1))[: int(x.shape[0])],
    }
    rows = {k: _trace_variant(torch, body, head, f, x1, x4) for k, f in ints.items()}
    outcomes = {k: r["outcome"] for k, r in rows.items()}
    held = (all(r["tracer_warnings"] for r in rows.values())
            and outcomes == {"reshape(n, 64)": "error", "reshape(n, -1)": "silently wrong shape",
                             "out[:n]": "silently wrong shape"})

    def said(r):
        if r["outcome"] == "error":
            return f"error ({r['error']})"
        if "traced_shape" in r and r["traced_shape"] != r["eager_shape"]:
            return f"{r['outcome']} {tuple(r['traced_shape'])} vs eager {tuple(r['eager_shape'])}"
        return r["outcome"]

    f_int = Finding(
        "int-shape-bakes", held,
        "int(x.shape[0]) traced at batch 1 (TracerWarning in "
        f"{sum(1 for r in rows.values() if r['tracer_warnings'])} of {len(rows)}), at batch 4: "
        + "; ".join(f"{k}: {said(r)}" for k, r in rows.items()),
        {"variants": rows, "traced_at": 1, "run_at": 4,
         "fix": "keep shapes symbolic: x.size(0), x.flatten(1), x.reshape(x.shape[0], -1)"})

    view = _trace_variant(torch, body, head, lambda m, x: m.body(x).view(1, -1), x1, x4)
    held = not view["tracer_warnings"] and view["outcome"] == "same as eager" \
        and view["eager_shape"][0] == 1
    f_view = Finding(
        "hardcoded-view-no-warning", held,
        f"x.view(1, -1) traced at batch 1: {len(view['tracer_warnings'])} TracerWarning; at "
        f"batch 4 eager gives {tuple(view['eager_shape'])} and the trace "
        f"{tuple(view.get('traced_shape', ())) or view.get('error')} ({view['outcome']})",
        {"variant": view, "traced_at": 1, "run_at": 4,
         "note": "the 1 is written in the source: eager is just as wrong, and the tracer has "
                 "no Python conversion to warn about"})
    return [f_size, f_int, f_view]


def run(ctx: LabContext) -> list[Finding]:
    # threads=1 on LAB: nothing here is about threads (labs.skeleton.in_threads)
    import torch

    batches = ctx.params.batches
    torch.manual_seed(ctx.seed)  # make_cnn's init uses the global RNG
    model = common.make_cnn(seed=ctx.seed).eval()
    ctx.progress(0.05, "trace at batch 1, run at other batches")
    f_any, traced, lite = _traced_any_batch(ctx, model, torch, batches)
    ctx.log(f_any.summary)
    ctx.progress(0.2, "int(x.shape[0]) under tracing")
    f_bake = _trace_bakes_shape(ctx, torch)
    ctx.log(f_bake.summary)
    ctx.progress(0.3, "throughput per batch size")
    f_tp = _throughput(ctx, model, traced, lite, torch, batches)
    ctx.log(f_tp.summary)
    ctx.progress(0.5, "ONNX without dynamic dims")
    f_static = _onnx_static(ctx, model, torch)
    ctx.log(f_static.summary)
    ctx.progress(0.65, "ONNX and torch.export with Dim('batch') from a batch-1 example")
    f_from1, from_one = _onnx_dim_from_one(ctx, model, torch)
    ctx.log(f_from1.summary)
    ctx.progress(0.75, "ONNX with Dim('batch')")
    # Quick mode runs the batch sizes on the batch-1 export; full mode exports again from
    # batch 2, the example every exporter accepts.
    f_dyn = _onnx_dynamic(ctx, model, torch, batches,
                          from_one if ctx.params.reuse_batch1_export else None)
    ctx.log(f_dyn.summary)
    ctx.progress(0.8, "x.size(0), int(x.shape[0]) and view(1, -1) under tracing")
    f_shapes = _tracing_shapes(ctx, torch)
    for f in f_shapes:
        ctx.log(f.summary)
    ctx.progress(0.85, "ExecuTorch static vs Dim('batch')")
    f_et = _executorch(ctx, model, torch)
    ctx.log(f_et.summary)
    ctx.progress(1.0, "done")
    return [f_any, f_bake, f_static, f_dyn, f_tp, f_et, f_from1, *f_shapes]


LAB = Lab(id="dynamic-batch",
          title={"zh": "动态 batch：trace、ONNX 与 ExecuTorch 中的 batch 维",
                 "en": "Dynamic batch: the batch dimension in tracing, ONNX and ExecuTorch"},
          statements=STATEMENTS, run=run, threads=1,
          # quick: 3 batch sizes, TorchScript timed alone, the legacy ONNX exporter for the
          # static export, the batch-1 Dim export reused, ExecuTorch left out (~20 s)
          quick=dict(batches=(1, 4, 16), runs=30, backends=("torchscript",),
                     legacy_onnx=True, reuse_batch1_export=True, executorch=False),
          full=dict(batches=(1, 2, 4, 8, 16, 32, 64), runs=60,
                    backends=("torchscript", "ptl", "eager"), legacy_onnx=False,
                    reuse_batch1_export=False, executorch=True))
