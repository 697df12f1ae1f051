"""Lab `litert`: LiteRT (formerly TensorFlow Lite) from PyTorch, on this machine.

``litert_torch.convert`` (LiteRT Torch, formerly AI Edge Torch; built on ``torch.export``,
no TensorFlow) turns a model into a ``.tflite`` flatbuffer, which the ``ai_edge_litert``
interpreter runs. The lab checks what the seed's "switch to TensorFlow Lite" answers (seeds
10 and 23) would actually buy: how the batch is stored and changed (``resize_tensor_input``
then ``allocate_tensors``; a static batch-1 model resizes unless an op holds the batch as a
constant; ``strict=True``; a ``Dim("batch")`` export), int8 through the converter, loading
a new model file next to a serving interpreter, and XNNPACK against the built-in kernels.

LiteRT is an optional extra (``pip install -e '.[labs,executorch,litert]'``, one command:
litert-torch's xdsl pins typing-extensions below what executorch's newest cattrs needs, and
pip settles both only when it sees both). Without it the lab raises LabUnavailable saying
so. A run costs about 4 s of imports and 2-3 s per conversion, five conversions in quick
mode.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from labs import common
from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("converts-and-matches", {
        "zh": "`litert_torch.convert`（基于 `torch.export`，不经 ONNX，也不需要 TensorFlow）"
              "把 PyTorch CNN 转成 .tflite，`ai_edge_litert` 解释器运行它，输出与 eager "
              "一致。",
        "en": "`litert_torch.convert` (built on `torch.export`, no ONNX, no TensorFlow) turns "
              "a PyTorch CNN into a .tflite that the `ai_edge_litert` interpreter runs with "
              "outputs equal to eager."}),
    Statement("batch-stored-static", {
        "zh": "在 batch 1 下转换的 .tflite 输入形状是 [1, ...]；用动态 batch 导出的模型 "
              "`shape` 仍是 [1, ...]，只有 `shape_signature` 里是 -1。",
        "en": "A .tflite converted at batch 1 has input shape [1, ...]; one exported with a "
              "dynamic batch still has `shape` [1, ...], with -1 only in "
              "`shape_signature`."}),
    Statement("resize-then-allocate", {
        "zh": "换一个 batch 要先 `resize_tensor_input` 再 `allocate_tensors`（动态 batch "
              "的模型也一样）：不 resize 直接 set_tensor 报维度不匹配，resize 后不 "
              "allocate 报张量未分配。",
        "en": "Another batch needs `resize_tensor_input` then `allocate_tensors`, also for a "
              "dynamic-batch model: set_tensor without the resize fails on the dimension, "
              "and without the allocate on an unallocated tensor."}),
    Statement("static-batch-resizes", {
        "zh": "在静态 batch 1 下转换的模型，resize 到 batch 8 后照样能运行，每一行输出都与"
              " eager 一致（ONNX Runtime 和 ExecuTorch 会拒绝静态 batch）。",
        "en": "A model converted at a static batch 1 still runs at batch 8 after a resize, "
              "every row equal to eager (ONNX Runtime and ExecuTorch refuse a static "
              "batch)."}),
    Statement("batch-constant-op-fails", {
        "zh": "如果某个算子把 batch 存成常量（Flatten -> Linear 变成形状为 [1, N] 的 "
              "RESHAPE），resize 到 batch 8 会在 `allocate_tensors` 时失败。",
        "en": "Where an op keeps the batch as a constant (Flatten -> Linear becomes a RESHAPE "
              "to [1, N]), the resize to batch 8 fails in `allocate_tensors`."}),
    Statement("strict-resize-refused", {
        "zh": "`resize_tensor_input(..., strict=True)` 只允许修改 -1 的维度：对固定的 "
              "batch 维会被拒绝，对动态 batch 的模型可以。",
        "en": "`resize_tensor_input(..., strict=True)` only changes -1 dims: it is refused on "
              "a fixed batch and accepted on a dynamic-batch model."}),
    Statement("dim-batch-export", {
        "zh": "从 PyTorch 到 LiteRT 的动态 batch 和 ExecuTorch 一样用 `torch.export` 的 "
              "`Dim(\"batch\")` 声明：示例 batch 必须 >= 2，之后可以跑 batch 1、8 和 64"
              "（litert-torch 0.10.0 下用 nn.Flatten 的模型转换失败，mean 头可以）。",
        "en": "From PyTorch, a dynamic batch for LiteRT is declared as for ExecuTorch, with "
              "`torch.export`'s `Dim(\"batch\")`: the example batch must be >= 2, then it runs "
              "batch 1, 8 and 64 (with litert-torch 0.10.0 a model using nn.Flatten fails to "
              "convert; a mean head works)."}),
    Statement("int8-quarter-size", {
        "zh": "通过转换器做 int8（PT2E 动态量化）后，以 Linear 为主的模型文件约为 fp32 "
              "的 0.25 倍，输出误差小，top-1 基本一致。",
        "en": "Int8 through the converter (PT2E dynamic quantization) makes a Linear-heavy "
              "model's file about 0.25x the fp32 one, with a small output error and top-1 "
              "kept."}),
    Statement("model-reload", {
        "zh": "更新模型就是把新的 .tflite 换到磁盘上、用新的 Interpreter 加载；旧的 "
              "Interpreter 在此期间继续给出旧模型的输出（TFLite 也要重新加载）。",
        "en": "A model update is a new .tflite put on disk and loaded by a new Interpreter, "
              "while the old Interpreter keeps serving the old model (TFLite reloads too)."}),
    Statement("xnnpack-faster", {
        "zh": "LiteRT 默认的 XNNPACK 委托比内置算子（不带默认委托）更快。",
        "en": "LiteRT's default XNNPACK delegate is faster than its built-in kernels (no "
              "default delegate)."}),
)

INSTALL_HINT = ("install the litert extra together with executorch, in one command: "
                "pip install -e '.[labs,executorch,litert]'")
ATOL = 1e-5  # float32; XNNPACK reorders accumulations (observed diffs 3e-8 .. 1e-7)
CLEAR = 1.15
DIM_MAX = 64  # the Dim("batch") upper bound; batch 64 is run
INT8_RATIO = (0.2, 0.3)  # int8 weights are 1/4 of fp32, plus scales and flatbuffer overhead
INT8_REL_ERROR = 0.05
INT8_TOP1 = 0.9


# --------------------------------------------------------------------------- helpers


def unavailable_reason() -> str | None:
    """None when the converter and the interpreter are importable, else why not."""
    missing = [m for m in ("litert_torch", "ai_edge_litert") if not common.has_module(m)]
    if missing:
        return f"{' and '.join(missing)} not installed; {INSTALL_HINT}"
    try:
        _import_litert()
    except Exception as exc:  # noqa: BLE001 - a broken install is reported, not raised
        return (f"litert-torch {common.package_version('litert-torch')} does not import: "
                f"{common.error_text(exc)}; {INSTALL_HINT}")
    return None


def _import_litert():
    # litert_torch prints ~26 rich progress lines to stdout per conversion unless told not
    # to; the variable is read at import.
    os.environ["LITERT_TORCH_SHOW_PROGRESS"] = "n"
    with common.capture_warnings():  # FutureWarnings from torch's pytree on import
        import litert_torch
    litert_torch.config.show_progress = False
    return litert_torch


def convert(model, example, path: Path, **kwargs) -> dict[str, Any]:
    """``litert_torch.convert(model, (example,), **kwargs).export(path)``, timed."""
    litert_torch = _import_litert()
    t0 = time.perf_counter()
    with common.capture_warnings():
        edge = litert_torch.convert(model, (example,), **kwargs)
        edge.export(str(path))
    return {"path": str(path), "bytes": common.file_size(path),
            "seconds": round(time.perf_counter() - t0, 2), "edge": edge}


def interpreter(path, *, builtin: bool = False, allocate: bool = True):
    """An ai_edge_litert Interpreter on one thread; ``builtin`` drops the default XNNPACK
    delegate (``OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES``)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    kind = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES if builtin else OpResolverType.AUTO
    it = Interpreter(model_path=str(path), num_threads=1, experimental_op_resolver_type=kind)
    if allocate:
        it.allocate_tensors()
    return it


def infer(it, x, *, resize: bool = True):
    """Run one input through an interpreter, resizing first when the batch differs."""
    arr = x.numpy() if hasattr(x, "numpy") else x
    inp = it.get_input_details()[0]
    if resize and list(inp["shape"]) != list(arr.shape):
        it.resize_tensor_input(inp["index"], list(arr.shape))
        it.allocate_tensors()
    it.set_tensor(inp["index"], arr)
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"]).copy()


def ops(it) -> list[str]:
    """Op names in execution order (after allocate: a delegated run shows DELEGATE)."""
    try:
        return [o["op_name"] for o in it._get_ops_details()]
    except Exception:  # noqa: BLE001 - a private API; informative only
        return []


def io_shapes(it) -> dict[str, list[int]]:
    d = it.get_input_details()[0]
    return {"shape": [int(v) for v in d["shape"]],
            "shape_signature": [int(v) for v in d["shape_signature"]]}


def _error(fn) -> str | None:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        return common.error_text(exc, limit=500)
    return None


def _close(a, b) -> bool:
    return common.max_abs_diff(a, b) <= ATOL


def _mean_head(torch, cnn):
    """The CNN with ``mean(dim=(2, 3))`` instead of AdaptiveAvgPool2d + Flatten: the same
    function, without the ``view`` that litert-torch 0.10.0 cannot lower with a symbolic
    batch."""
    from torch import nn

    class MeanHead(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body, self.head = cnn[:-3], cnn[-1]

        def forward(self, x):
            return self.head(self.body(x).mean(dim=(2, 3)))

    return MeanHead().eval()


def _flatten_linear(torch, seed: int):
    """Conv -> Flatten -> Linear with no pooling: the flatten must know the batch."""
    from torch import nn

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
                              nn.Linear(8 * 16 * 16, 10))
    return model.eval()


# --------------------------------------------------------------------------- the lab


def run(ctx: LabContext) -> list[Finding]:
    reason = unavailable_reason()
    if reason:
        raise LabUnavailable(reason)
    # One torch thread (two OpenMP threads crawl on this shared machine); the interpreters
    # get num_threads=1 too, so eager and LiteRT are compared alike.
    with common.torch_threads(1):
        return _run(ctx)


def _run(ctx: LabContext) -> list[Finding]:
    import torch

    env = common.torch_env()
    ctx.log(f"litert-torch {common.package_version('litert-torch')}, ai-edge-litert "
            f"{common.package_version('ai-edge-litert')}, torch {env['torch']}")
    w = ctx.workdir
    cnn = common.make_cnn(seed=ctx.seed).eval()
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    x8 = common.randn((8, *common.CNN_INPUT), seed=ctx.seed + 8)

    ctx.progress(0.05, "convert the CNN at batch 1 (first conversion: ~5 s)")
    static = convert(cnn, x1, w / "cnn_b1.tflite")
    ctx.log(f"cnn_b1.tflite {static['bytes']} B in {static['seconds']} s")
    f_conv = _converts(cnn, static, x1, torch)
    ctx.log(f_conv.summary)

    ctx.progress(0.25, "Dim('batch') exports: example batch 1, then 2")
    dyn_model = _mean_head(torch, common.make_cnn(seed=ctx.seed + 1))
    f_dim, dynamic = _dim_batch(ctx, cnn, dyn_model, torch)
    ctx.log(f_dim.summary)

    f_stored = _stored(static, dynamic)
    ctx.log(f_stored.summary)
    ctx.progress(0.45, "resize and allocate")
    f_resize = _resize_then_allocate(static, dynamic, x8)
    ctx.log(f_resize.summary)
    f_static8 = _static_resizes(cnn, static, x8, torch)
    ctx.log(f_static8.summary)
    f_strict = _strict(static, dynamic, x8)
    ctx.log(f_strict.summary)

    ctx.progress(0.5, "Conv -> Flatten -> Linear at batch 1, resized to 8")
    fl = _flatten_linear(torch, ctx.seed)
    fl_conv = convert(fl, x1, w / "flatten_linear_b1.tflite")
    f_const = _constant_op(fl, fl_conv, x1, torch)
    ctx.log(f_const.summary)

    ctx.progress(0.6, "int8 through the converter (PT2E)")
    f_int8 = _int8(ctx, torch)
    ctx.log(f_int8.summary)

    ctx.progress(0.85, "load a new .tflite next to a serving interpreter")
    f_reload = _reload(ctx, cnn, static, dyn_model, dynamic, fl, fl_conv, x1, torch)
    ctx.log(f_reload.summary)

    ctx.progress(0.9, "XNNPACK vs built-in kernels")
    f_xnn = _xnnpack(ctx, cnn, static, torch)
    ctx.log(f_xnn.summary)
    ctx.progress(1.0, "done")
    return [f_conv, f_stored, f_resize, f_static8, f_const, f_strict, f_dim, f_int8,
            f_reload, f_xnn]


def _converts(cnn, static, x1, torch) -> Finding:
    it = interpreter(static["path"])
    with torch.no_grad():
        want = cnn(x1)
    got = infer(it, x1)
    diff = common.max_abs_diff(got, want)
    wrapper_diff = common.max_abs_diff(static["edge"](x1), want)
    tf = "tensorflow" in sys.modules
    held = diff <= ATOL and not tf
    return Finding(
        "converts-and-matches", held,
        f"CNN -> litert_torch.convert -> .tflite ({static['bytes']} B in {static['seconds']} s), "
        f"run by ai_edge_litert's Interpreter at batch 1: max abs diff vs eager {diff:.1e} "
        f"(atol {ATOL}); TensorFlow imported: {tf}",
        {"tflite_bytes": static["bytes"], "convert_seconds": static["seconds"],
         "max_abs_diff": diff, "wrapper_max_abs_diff": wrapper_diff, "atol": ATOL,
         "ops": ops(it), "builtin_ops": ops(interpreter(static["path"], builtin=True)),
         "tensorflow_imported": tf, "onnx_imported": "onnx" in sys.modules,
         "litert_torch": common.package_version("litert-torch"),
         "ai_edge_litert": common.package_version("ai-edge-litert"),
         "pipeline": "litert_torch.convert(model.eval(), (x,)) (torch.export inside) -> "
                     ".export('m.tflite') -> ai_edge_litert.interpreter.Interpreter"})


def _dim_batch(ctx: LabContext, cnn, dyn_model, torch) -> tuple[Finding, dict | None]:
    w = ctx.workdir
    dims = ({0: torch.export.Dim("batch", min=1, max=DIM_MAX)},)
    x1 = common.randn((1, *common.CNN_INPUT), seed=ctx.seed)
    x2 = common.randn((2, *common.CNN_INPUT), seed=ctx.seed + 2)
    from_one = _error(lambda: convert(cnn, x1, w / "dim_b1.tflite", dynamic_shapes=dims))
    dynamic = None
    rows: list[dict[str, Any]] = []
    try:
        dynamic = convert(dyn_model, x2, w / "dim_mean.tflite", dynamic_shapes=dims)
        dyn_error = None
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        dyn_error = common.error_text(exc, limit=500)
    if dynamic is not None:
        it = interpreter(dynamic["path"])
        dynamic["io"] = io_shapes(it)
        with torch.no_grad():
            for b in (1, 8, DIM_MAX):
                x = common.randn((b, *common.CNN_INPUT), seed=ctx.seed + 100 + b)
                try:
                    got = infer(it, x)
                    d = common.max_abs_diff(got, dyn_model(x))
                    rows.append({"batch": b, "max_abs_diff": d, "close": d <= ATOL})
                except Exception as exc:  # noqa: BLE001 - a failure is a result
                    rows.append({"batch": b, "error": common.error_text(exc), "close": False})
    if not ctx.params.flatten:
        flatten_error = None
        flatten = ("not tried in quick mode: the failing JAX trace costs ~9 s; run the full "
                   "lab (quiz lab run litert)")
    else:
        flatten_error = _error(lambda: convert(cnn, x2, w / "dim_flatten.tflite",
                                               dynamic_shapes=dims))
        flatten = ("converts" if flatten_error is None
                   else f"fails: {flatten_error.split(' | ')[0]}")
    refused = from_one is not None and "Constraints violated" in from_one
    held = refused and bool(rows) and all(r["close"] for r in rows)
    worst = max((r.get("max_abs_diff", float("inf")) for r in rows), default=float("inf"))
    sig = dynamic["io"]["shape_signature"] if dynamic else None
    summary = (
        f"Dim('batch', max={DIM_MAX}) from a batch-1 example: "
        f"{from_one.split(' | ')[0] if from_one else 'converted'}; from batch 2 (mean head): "
        + (f"shape_signature {sig}, runs batch {', '.join(str(r['batch']) for r in rows)} "
           f"(worst max abs diff {worst:.1e})" if dynamic else f"failed: {dyn_error}")
        + f"; with nn.Flatten: {flatten}")
    return Finding(
        "dim-batch-export", held, summary,
        {"example_batch_1_error": from_one, "example_batch": 2, "dim_max": DIM_MAX,
         "mean_head_error": dyn_error, "rows": rows, "atol": ATOL,
         "io": dynamic["io"] if dynamic else None,
         "tflite_bytes": dynamic["bytes"] if dynamic else None,
         "convert_seconds": dynamic["seconds"] if dynamic else None,
         "flatten": flatten, "flatten_error": flatten_error,
         "note": "the .tflite records only -1, so the runtime does not enforce torch's max"}
    ), dynamic


def _stored(static, dynamic) -> Finding:
    s = io_shapes(interpreter(static["path"], allocate=False))
    d = dynamic["io"] if dynamic else None
    static_ok = s["shape"][0] == 1 and s["shape_signature"][0] == 1
    if d is None:
        held = None if static_ok else False
        dyn_text = "no dynamic model (its conversion failed)"
    else:
        held = static_ok and d["shape"][0] == 1 and d["shape_signature"][0] == -1
        dyn_text = f"exported with Dim('batch'): shape {d['shape']}, shape_signature " \
                   f"{d['shape_signature']}"
    return Finding(
        "batch-stored-static", held,
        f"converted at batch 1: shape {s['shape']}, shape_signature {s['shape_signature']}; "
        f"{dyn_text}",
        {"static": s, "dynamic": d})


def _resize_steps(path, arr) -> dict[str, Any]:
    """A batch-8 input into an interpreter allocated at batch 1, one step at a time."""
    it = interpreter(path)
    idx = it.get_input_details()[0]["index"]
    row: dict[str, Any] = {"set_without_resize": _error(lambda: it.set_tensor(idx, arr))}
    it.resize_tensor_input(idx, list(arr.shape))
    row["set_without_allocate"] = _error(lambda: it.set_tensor(idx, arr))
    row["invoke_without_allocate"] = _error(it.invoke)
    it.allocate_tensors()
    row["after_allocate"] = _error(lambda: (it.set_tensor(idx, arr), it.invoke()))
    row["output_shape"] = [int(v) for v in
                           it.get_tensor(it.get_output_details()[0]["index"]).shape]
    return row


def _resize_then_allocate(static, dynamic, x8) -> Finding:
    rows = {name: _resize_steps(conv["path"], x8.numpy())
            for name, conv in (("static_b1", static), ("dynamic", dynamic)) if conv is not None}
    held = bool(rows) and all(
        r["set_without_resize"] and "Dimension mismatch" in r["set_without_resize"]
        and r["set_without_allocate"] and "unallocated" in r["set_without_allocate"]
        and r["after_allocate"] is None and r["output_shape"][0] == 8 for r in rows.values())
    first = next(iter(rows.values()))
    return Finding(
        "resize-then-allocate", held,
        f"batch 8 into a batch-1 input: {first['set_without_resize']}; after "
        f"resize_tensor_input only: {first['set_without_allocate']}; after allocate_tensors: "
        f"runs, output {first['output_shape']} (models: {', '.join(rows)})",
        {"models": rows, "batch": 8})


def _static_resizes(cnn, static, x8, torch) -> Finding:
    it = interpreter(static["path"])
    got = infer(it, x8)
    with torch.no_grad():
        want = cnn(x8)
    rows = [common.max_abs_diff(got[i], want[i]) for i in range(got.shape[0])]
    held = list(got.shape) == [8, 10] and max(rows) <= ATOL
    return Finding(
        "static-batch-resizes", held,
        f"static batch-1 .tflite resized to 8: output {list(got.shape)}, worst row max abs "
        f"diff vs eager {max(rows):.1e} (atol {ATOL}); input now "
        f"{io_shapes(it)['shape']}",
        {"row_max_abs_diff": rows, "output_shape": list(got.shape), "atol": ATOL,
         "input_after_resize": io_shapes(it), "ops": ops(it),
         "contrast": "ONNX Runtime rejects batch 4 on a batch-1 export and a static .pte "
                     "refuses batch 8 (dynamic-batch lab)"})


def _constant_op(fl, conv, x1, torch) -> Finding:
    it = interpreter(conv["path"])
    with torch.no_grad():
        ok1 = common.max_abs_diff(infer(it, x1), fl(x1))
    reshape_shape = None
    for op in it._get_ops_details():
        if op["op_name"] == "RESHAPE" and len(op["inputs"]) > 1:
            try:
                reshape_shape = [int(v) for v in it.get_tensor(int(op["inputs"][1]))]
            except Exception:  # noqa: BLE001 - informative only
                pass
    model_ops = ops(interpreter(conv["path"], builtin=True))
    failures = {}
    for name, builtin in (("xnnpack", False), ("builtin", True)):
        f = interpreter(conv["path"], builtin=builtin)
        f.resize_tensor_input(f.get_input_details()[0]["index"], [8, *common.CNN_INPUT])
        failures[name] = {"allocate_tensors": _error(f.allocate_tensors)}
    held = ok1 <= ATOL and all(v["allocate_tensors"] for v in failures.values())
    return Finding(
        "batch-constant-op-fails", held,
        f"Conv -> Flatten -> Linear at batch 1 (diff {ok1:.1e}) lowers Flatten to RESHAPE "
        f"{reshape_shape}; resized to 8, allocate_tensors fails: "
        f"{failures['builtin']['allocate_tensors']} (with XNNPACK: "
        f"{failures['xnnpack']['allocate_tensors']})",
        {"batch1_max_abs_diff": ok1, "reshape_constant_shape": reshape_shape,
         "ops": model_ops, "resize_to": 8, "failures": failures,
         "where": "allocate_tensors (resize_tensor_input itself accepts the new shape)"})


def _strict(static, dynamic, x8) -> Finding:
    it = interpreter(static["path"], allocate=False)
    refused = _error(lambda: it.resize_tensor_input(
        it.get_input_details()[0]["index"], list(x8.shape), strict=True))
    dyn_result = None
    if dynamic is not None:
        d = interpreter(dynamic["path"], allocate=False)
        idx = d.get_input_details()[0]["index"]

        def strict_dynamic():
            d.resize_tensor_input(idx, list(x8.shape), strict=True)
            d.allocate_tensors()
            d.set_tensor(idx, x8.numpy())
            d.invoke()

        dyn_result = _error(strict_dynamic) or "accepted, runs batch 8"
    held = (refused is not None and "ResizeInputTensorStrict" in refused
            and (dyn_result is None or dyn_result.startswith("accepted")))
    return Finding(
        "strict-resize-refused", held,
        f"strict resize of the static batch 1 to 8: {refused}; on the Dim('batch') model: "
        f"{dyn_result or 'not tried (no dynamic model)'}",
        {"static_strict_error": refused, "dynamic_strict": dyn_result})


def _int8(ctx: LabContext, torch) -> Finding:
    from litert_torch.quantize import pt2e_quantizer as pq
    from litert_torch.quantize.quant_config import QuantConfig
    from torchao.quantization.pt2e import move_exported_model_to_eval, quantize_pt2e

    width = ctx.params.int8_width
    mlp = common.make_mlp(seed=ctx.seed, width=width).eval()
    x1 = common.randn((1, width), seed=ctx.seed)
    fp32 = convert(mlp, x1, ctx.workdir / "mlp_fp32.tflite")
    quantizer = pq.PT2EQuantizer().set_global(
        pq.get_symmetric_quantization_config(is_per_channel=True, is_dynamic=True))
    with common.capture_warnings():
        prepared = quantize_pt2e.prepare_pt2e(torch.export.export(mlp, (x1,)).module(),
                                              quantizer)
        prepared(x1)  # dynamic activations: one pass only records the graph
        quantized = quantize_pt2e.convert_pt2e(prepared, fold_quantize=False)
        # Switches the exported graph's dropout/batch-norm ops to eval. The converter still
        # logs "converted in training mode": it reads `.training`, which an exported
        # GraphModule keeps True whatever is called on it.
        move_exported_model_to_eval(quantized)
    int8 = convert(quantized, x1, ctx.workdir / "mlp_int8.tflite",
                   quant_config=QuantConfig(pt2e_quantizer=quantizer))
    batch = 64
    xs = common.randn((batch, width), seed=ctx.seed + 7)
    with torch.no_grad():
        want = mlp(xs).numpy()
    got32 = infer(interpreter(fp32["path"]), xs)
    got8 = infer(interpreter(int8["path"]), xs)
    import numpy as np

    ratio = int8["bytes"] / fp32["bytes"]
    err = common.max_abs_diff(got8, want)
    rel = err / float(np.max(np.abs(want)))
    top1 = float(np.mean(np.argmax(got8, axis=1) == np.argmax(want, axis=1)))
    held = (INT8_RATIO[0] <= ratio <= INT8_RATIO[1] and rel <= INT8_REL_ERROR
            and top1 >= INT8_TOP1)
    return Finding(
        "int8-quarter-size", held,
        f"4 x Linear({width}, {width}): fp32 .tflite {fp32['bytes']} B, PT2E dynamic int8 "
        f"{int8['bytes']} B ({ratio:.3f}x); at batch {batch} max abs diff vs eager "
        f"{err:.1e} (relative {rel:.1e}), top-1 agreement {top1:.0%}",
        {"fp32_bytes": fp32["bytes"], "int8_bytes": int8["bytes"], "ratio": ratio,
         "max_abs_diff": err, "relative_error": rel, "max_abs_output": float(np.max(np.abs(want))),
         "top1_agreement": top1, "batch": batch, "width": width,
         "fp32_max_abs_diff": common.max_abs_diff(got32, want),
         "convert_seconds": {"fp32": fp32["seconds"], "int8": int8["seconds"]},
         "bounds": {"ratio": INT8_RATIO, "relative_error": INT8_REL_ERROR, "top1": INT8_TOP1},
         "how": "PT2EQuantizer(get_symmetric_quantization_config(is_per_channel=True, "
                "is_dynamic=True)) -> prepare_pt2e / convert_pt2e(fold_quantize=False) -> "
                "litert_torch.convert(..., quant_config=QuantConfig(pt2e_quantizer=q))"})


def _reload(ctx, cnn, static, dyn_model, dynamic, fl, fl_conv, x1, torch) -> Finding:
    """v1 serves from ``model.tflite``; v2 is written beside it and moved over it
    (``os.replace``, the atomic step an app does after a download), then loaded by a new
    Interpreter while v1's keeps answering."""
    v2_model, v2 = (dyn_model, dynamic) if dynamic is not None else (fl, fl_conv)
    deployed = ctx.workdir / "model.tflite"
    deployed.write_bytes(Path(static["path"]).read_bytes())
    old = interpreter(deployed)
    before = infer(old, x1)
    tmp = deployed.with_suffix(".tflite.download")
    tmp.write_bytes(Path(v2["path"]).read_bytes())
    os.replace(tmp, deployed)
    t0 = time.perf_counter()
    new = interpreter(deployed)
    load_ms = (time.perf_counter() - t0) * 1e3
    after_old = infer(old, x1)
    after_new = infer(new, x1)
    with torch.no_grad():
        want_v1, want_v2 = cnn(x1), v2_model(x1)
    rows = {
        "old_unchanged_bitwise": bool((after_old == before).all()),
        "old_vs_v1_eager": common.max_abs_diff(after_old, want_v1),
        "new_vs_v2_eager": common.max_abs_diff(after_new, want_v2),
        "new_vs_old": common.max_abs_diff(after_new, after_old),
    }
    held = (rows["old_unchanged_bitwise"] and rows["old_vs_v1_eager"] <= ATOL
            and rows["new_vs_v2_eager"] <= ATOL and rows["new_vs_old"] > 1e-3)
    return Finding(
        "model-reload", held,
        f"v2 moved over the served model.tflite: a new Interpreter loads it in {load_ms:.1f} ms "
        f"and matches v2 eager ({rows['new_vs_v2_eager']:.1e}); the old Interpreter still "
        f"gives v1 (bitwise unchanged: {rows['old_unchanged_bitwise']}, vs v1 eager "
        f"{rows['old_vs_v1_eager']:.1e})",
        {**rows, "load_and_allocate_ms": load_ms, "atol": ATOL,
         "v2": "the CNN with other weights and a mean head" if dynamic is not None
               else "the Conv -> Flatten -> Linear model",
         "how": "download to model.tflite.download, os.replace over model.tflite, "
                "Interpreter(model_path=...) + allocate_tensors(), then swap the reference",
         "same_as": "the hot-swap lab's TorchScript reload"})


def _xnnpack(ctx: LabContext, cnn, static, torch) -> Finding:
    runs = ctx.params.xnnpack_runs
    batches = ctx.params.xnnpack_batches
    load = common.cpu_load(0.3)
    rows = {}
    for b in batches:
        x = common.randn((b, *common.CNN_INPUT), seed=ctx.seed + 50 + b)
        xnn, builtin = interpreter(static["path"]), interpreter(static["path"], builtin=True)
        for it in (xnn, builtin):
            infer(it, x)  # resize, allocate and set the input once: invoke is what is timed
        with torch.inference_mode():
            t = common.compare_many({"builtin": builtin.invoke, "xnnpack": xnn.invoke,
                                     "eager_1_thread": lambda x=x: cnn(x)},
                                    warmup=5, runs=runs)
        rows[b] = {**t, "builtin_over_xnnpack":
                   t["builtin"]["median_ms"] / t["xnnpack"]["median_ms"],
                   "eager_over_xnnpack": t["eager_1_thread"]["median_ms"]
                   / t["xnnpack"]["median_ms"],
                   "xnnpack_ops": ops(xnn), "builtin_ops": ops(builtin)}
    speed = rows[1]["builtin_over_xnnpack"]
    held, verdict = speed_verdict(speed, CLEAR, faster="XNNPACK faster", slower="XNNPACK slower")
    more = "".join(f"; batch {b}: {r['builtin_over_xnnpack']:.1f}x" for b, r in rows.items()
                   if b != 1)
    r1 = rows[1]
    return Finding(
        "xnnpack-faster", held,
        f"CNN batch 1, 1 thread: XNNPACK {r1['xnnpack']['median_ms']:.3f} ms vs built-in "
        f"kernels {r1['builtin']['median_ms']:.3f} ms ({speed:.1f}x): {verdict}{more}; eager "
        f"torch {r1['eager_1_thread']['median_ms']:.3f} ms",
        {"batches": {str(b): r for b, r in rows.items()}, "threads": 1,
         "clear_ratio": CLEAR, "cpu_load_before": load, "runs": runs,
         "timed": "Interpreter.invoke() on a set input, round robin with eager in one process"})


LAB = Lab(id="litert",
          title={"zh": "LiteRT（原 TensorFlow Lite）：从 PyTorch 转换、batch 与重新加载",
                 "en": "LiteRT (formerly TensorFlow Lite): conversion from PyTorch, the batch, "
                       "reloads"},
          statements=STATEMENTS, run=run, requires=("litert",),
          # flatten: try the Conv -> Flatten -> Linear conversion with a batch Dim (its
          # failing JAX trace costs ~9 s); int8_width: quick 4 x 1 MB of weights, full 4 x 4 MB
          quick=dict(flatten=False, int8_width=512, xnnpack_runs=40, xnnpack_batches=(1,)),
          full=dict(flatten=True, int8_width=1024, xnnpack_runs=200, xnnpack_batches=(1, 8)))
