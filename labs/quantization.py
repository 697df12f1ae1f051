"""Lab `quantization`: dynamic int8, static PTQ, onnxruntime quantization, torchao.

What the seed gets wrong and this lab measures: int8 weights are about 4x smaller than
fp32 (4 bytes -> 1 byte, plus a scale and zero point per tensor), not 10x; dynamic int8
is faster for Linear layers on x86 (fbgemm/x86 engine, not qnnpack, which is the ARM
path); outputs are close to fp32 but not identical; ``torch.ao.quantization`` still works
in torch 2.13 but warns that it is deprecated in favour of torchao.
"""

from __future__ import annotations

import importlib.util
import logging

from labs import common
from labs.base import Finding, Lab, LabContext, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("int8-size", {
        "zh": "对以 Linear 为主的模型做动态 int8 量化，权重大约缩小 4 倍（不是 10 倍）。",
        "en": "Dynamic int8 quantization of a Linear-heavy model makes the weights about 4x "
              "smaller (not 10x)."}),
    Statement("int8-speed", {
        "zh": "在这台 x86 CPU 上，对 Linear 层而言动态 int8 比 fp32 更快"
              "（batch 1 和 32，单线程）。",
        "en": "Dynamic int8 is faster than fp32 for Linear layers on this x86 CPU (batch 1 and "
              "32, 1 thread)."}),
    Statement("int8-accuracy", {
        "zh": "int8 的输出与 fp32 接近（相对误差最多几个百分点），但并不完全相同。",
        "en": "Int8 outputs stay close to fp32 (relative error of a few percent at most), not "
              "identical."}),
    Statement("static-ptq", {
        "zh": "对 CNN 做静态训练后量化（融合、校准、转换）可行，int8 模型可以保存为 .ptl。",
        "en": "Static post-training quantization (fuse, calibrate, convert) of a CNN works and "
              "the int8 model saves as .ptl."}),
    Statement("ort-quantize", {
        "zh": "onnxruntime 的动态量化让 ONNX 模型缩小约 4 倍。",
        "en": "onnxruntime's dynamic quantization makes an ONNX model about 4x smaller."}),
    Statement("ao-deprecated", {
        "zh": "`torch.ao.quantization` 会发出弃用警告，建议改用 torchao。",
        "en": "`torch.ao.quantization` warns it is deprecated in favour of torchao."}),
)

# A size ratio outside this band means the measurement is wrong (e.g. 10x: something was
# dropped from the saved file, or the fp32 file held extra tensors).
SIZE_BAND = (3.5, 4.2)
# Speed claims hold only with a clear margin; anything thinner is "inconclusive here".
CLEAR = 1.15


def _rel_err(ref, out) -> float:
    return float((out - ref).norm() / ref.norm())


def _dynamic_int8(ctx: LabContext, torch, findings: dict, notes: dict) -> None:
    nn = torch.nn
    engine = "x86" if "x86" in torch.backends.quantized.supported_engines else "fbgemm"
    torch.backends.quantized.engine = engine
    fp32 = common.make_mlp(seed=ctx.seed).eval()
    with common.capture_warnings() as caught:
        int8 = torch.ao.quantization.quantize_dynamic(fp32, {nn.Linear}, dtype=torch.qint8)
    notes["ao_warnings"] = common.warning_texts(caught)
    notes["engine"] = engine

    # --- size: the saved state dicts, both written the same way.
    fp_path, q_path = ctx.workdir / "mlp_fp32.pt", ctx.workdir / "mlp_int8.pt"
    torch.save(fp32.state_dict(), fp_path)
    torch.save(int8.state_dict(), q_path)
    fp_size, q_size = common.file_size(fp_path), common.file_size(q_path)
    ratio = fp_size / q_size
    n_linear = sum(isinstance(m, nn.Linear) for m in fp32.modules())
    held = SIZE_BAND[0] <= ratio <= SIZE_BAND[1]
    summary = (f"{n_linear}x Linear MLP state dict: fp32 {fp_size / 1e6:.2f} MB -> int8 "
               f"{q_size / 1e6:.2f} MB, {ratio:.2f}x smaller")
    if ratio > 6:
        summary += " (physically implausible for 4->1 byte weights: measurement bug)"
    findings["int8-size"] = Finding("int8-size", held, summary, {
        "fp32_bytes": fp_size, "int8_bytes": q_size, "ratio": ratio,
        "expected_band": list(SIZE_BAND), "linear_layers": n_linear, "engine": engine,
        "int8_module": int8[0]._get_name() if isinstance(int8, nn.Sequential) else None})
    ctx.progress(0.25, f"int8 size ratio {ratio:.2f}x")

    # --- accuracy: relative error on a fixed batch.
    g = torch.Generator().manual_seed(ctx.seed)
    x = torch.randn(32, 1024, generator=g)
    with torch.inference_mode():
        ref, out = fp32(x), int8(x)
    rel = _rel_err(ref, out)
    mad = common.max_abs_diff(ref, out)
    held = 0.0 < rel < 0.05
    findings["int8-accuracy"] = Finding(
        "int8-accuracy", held,
        f"int8 vs fp32 relative error {rel:.2e} (max abs diff {mad:.2e}, output max "
        f"{float(ref.abs().max()):.2e}): {'close, not identical' if held else 'see evidence'}",
        {"relative_error": rel, "max_abs_diff": mad, "identical": rel == 0.0,
         "batch": 32, "bound": 0.05})

    # --- speed: 1 thread, batch 1 and 32, fp32 and int8 alternated.
    runs = ctx.params.int8_runs
    batches = (1, 32)
    latency: dict = {}
    with common.torch_threads(1):
        for i, b in enumerate(batches):
            xb = torch.randn(b, 1024, generator=g)
            with torch.inference_mode():
                ab = common.compare_ab(lambda xb=xb: fp32(xb), lambda xb=xb: int8(xb),
                                       warmup=5, runs=runs)
            latency[b] = ab
            ctx.log(f"batch {b}: fp32 {ab['a']['median_ms']:.3f} ms, "
                    f"int8 {ab['b']['median_ms']:.3f} ms")
            ctx.progress(0.3 + 0.1 * i, f"int8 latency batch {b}")
    speedups = {b: latency[b]["speedup"] for b in batches}
    # Held at every batch size, not held at any one: the slowest batch's ratio decides
    # (all above the margin <=> the smallest is; any below its inverse <=> the smallest is).
    held, _ = speed_verdict(min(speedups.values()), CLEAR, faster="int8 faster",
                            slower="int8 slower")
    parts = ", ".join(f"batch {b} {latency[b]['a']['median_ms']:.2f} -> "
                      f"{latency[b]['b']['median_ms']:.2f} ms ({speedups[b]:.2f}x)"
                      for b in batches)
    findings["int8-speed"] = Finding(
        "int8-speed", held,
        f"1 thread, engine {engine}: {parts}"
        + ("" if held is not None else " (inconclusive on this machine: margin < "
           f"{CLEAR}x)"),
        {"engine": engine, "threads": 1, "clear_ratio": CLEAR,
         **{f"batch{b}_fp32": latency[b]["a"] for b in batches},
         **{f"batch{b}_int8": latency[b]["b"] for b in batches},
         **{f"batch{b}_speedup": speedups[b] for b in batches}})

    notes["mlp_fp32"] = fp32


def _static_ptq(ctx: LabContext, torch, findings: dict, notes: dict) -> None:
    aq = torch.ao.quantization
    nn = torch.nn
    cnn = common.make_cnn(seed=ctx.seed).eval()
    model = nn.Sequential(aq.QuantStub(), cnn, aq.DeQuantStub()).eval()
    groups = [[f"1.{name}" for name in grp] for grp in common.conv_bn_relu_groups(cnn)]
    g = torch.Generator().manual_seed(ctx.seed + 1)
    calib = [torch.randn(8, 3, 32, 32, generator=g) for _ in range(ctx.params.calibration_batches)]
    x = torch.randn(4, 3, 32, 32, generator=g)
    steps: list[str] = []
    ptl = ctx.workdir / "cnn_int8.ptl"
    try:
        with common.capture_warnings() as caught:
            with torch.inference_mode():
                ref = model(x)
            fused = aq.fuse_modules(model, groups)
            steps.append(f"fuse {len(groups)} groups")
            fused.qconfig = aq.get_default_qconfig(torch.backends.quantized.engine)
            prepared = aq.prepare(fused)
            steps.append("prepare")
            with torch.inference_mode():
                for xb in calib:
                    prepared(xb)
            steps.append(f"calibrate {len(calib)} batches")
            int8 = aq.convert(prepared)
            steps.append("convert")
            with torch.inference_mode():
                q_out = int8(x)
            scripted = torch.jit.script(int8)
            scripted._save_for_lite_interpreter(str(ptl))
            steps.append("script + save .ptl")
            from torch.jit.mobile import _load_for_lite_interpreter

            loaded = _load_for_lite_interpreter(str(ptl))
            with torch.inference_mode():
                ptl_out = loaded(x)
            steps.append("load .ptl")
    except Exception as e:  # a failing step is the finding
        findings["static-ptq"] = Finding(
            "static-ptq", False, f"static PTQ failed after {steps}: {type(e).__name__}: {e}",
            {"steps": steps, "error": f"{type(e).__name__}: {e}"})
        return
    fp_path = ctx.workdir / "cnn_fp32.pt"
    torch.save(cnn.state_dict(), fp_path)
    # _get_name() gives the printed name (QuantizedConvReLU2d), type() only ConvReLU2d.
    quant_kinds = sorted({m._get_name() for m in int8.modules()
                          if m._get_name().startswith("Quantize")})
    ptl_diff = common.max_abs_diff(q_out, ptl_out)
    rel = _rel_err(ref, q_out)
    held = bool(quant_kinds) and ptl_diff <= 1e-5 and rel < 0.1
    findings["static-ptq"] = Finding(
        "static-ptq", held,
        f"fuse/prepare/calibrate/convert -> {', '.join(quant_kinds)}; .ptl "
        f"{common.file_size(ptl) / 1e3:.1f} kB loads and matches int8 eager (max diff "
        f"{ptl_diff:.1e}); int8 vs fp32 relative error {rel:.2e}",
        {"steps": steps, "fused_groups": groups, "quantized_modules": quant_kinds,
         "ptl_bytes": common.file_size(ptl), "fp32_state_dict_bytes": common.file_size(fp_path),
         "ptl_vs_int8_eager_max_abs_diff": ptl_diff, "int8_vs_fp32_relative_error": rel,
         "calibration_batches": len(calib),
         "warnings": common.warning_texts(caught)})


def _ort_quantize(ctx: LabContext, torch, findings: dict, notes: dict) -> None:
    try:
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as e:
        findings["ort-quantize"] = Finding(
            "ort-quantize", None, f"onnxruntime not importable: {e}", {"error": str(e)})
        return
    common.quiet_onnx_logs()
    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's pre-processing hint
    fp32 = notes["mlp_fp32"]
    src, dst = ctx.workdir / "mlp.onnx", ctx.workdir / "mlp_int8.onnx"
    # Quick mode uses the legacy exporter (well under 1 s) rather than the dynamo one
    # (about 4 s the first time); the graph of this MLP is the same: Gemm/MatMul + Relu.
    dynamo = not ctx.params.legacy_onnx
    x = torch.randn(1, 1024)
    if dynamo:
        common.export_onnx(fp32, x, src, external_data=False)
    else:
        with common.capture_warnings():
            torch.onnx.export(fp32, (x,), str(src), dynamo=False)
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
    # file_size counts an external-data file beside the .onnx, if one was written.
    src_size, dst_size = common.file_size(src), common.file_size(dst)
    ratio = src_size / dst_size
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    s_fp = ort.InferenceSession(str(src), so, providers=["CPUExecutionProvider"])
    s_q = ort.InferenceSession(str(dst), so, providers=["CPUExecutionProvider"])
    name = s_fp.get_inputs()[0].name
    xn = x.numpy()
    y_fp, y_q = s_fp.run(None, {name: xn})[0], s_q.run(None, {name: xn})[0]
    rel = float(((y_q - y_fp) ** 2).sum() ** 0.5 / (y_fp ** 2).sum() ** 0.5)
    ab = common.compare_ab(lambda: s_fp.run(None, {name: xn}),
                           lambda: s_q.run(None, {name: xn}),
                           warmup=5, runs=ctx.params.ort_runs)
    held = SIZE_BAND[0] <= ratio <= SIZE_BAND[1]
    findings["ort-quantize"] = Finding(
        "ort-quantize", held,
        f"ONNX MLP {src_size / 1e6:.2f} MB -> {dst_size / 1e6:.2f} MB ({ratio:.2f}x) with "
        f"onnxruntime quantize_dynamic; batch 1, 1 thread {ab['a']['median_ms']:.3f} -> "
        f"{ab['b']['median_ms']:.3f} ms; relative error {rel:.1e}",
        {"fp32_bytes": src_size, "int8_bytes": dst_size, "ratio": ratio,
         "exporter": "dynamo" if dynamo else "legacy (dynamo=False)",
         "files": sorted(p.name for p in ctx.workdir.glob("mlp*.onnx*")),
         "fp32_latency": ab["a"], "int8_latency": ab["b"], "speedup": ab["speedup"],
         "relative_error": rel, "onnxruntime": ort.__version__})


def _torchao(ctx: LabContext, torch, notes: dict) -> dict:
    if importlib.util.find_spec("torchao") is None:
        return {"torchao": "torchao not installed (it comes with the executorch extra)"}
    if not ctx.params.torchao:  # `import torchao` alone takes about 2.6 s: full mode only
        return {"torchao": f"torchao {common.package_version('torchao')} installed; its "
                           "Int8WeightOnlyConfig path runs in full mode (import ~2.6 s)"}
    try:
        import torchao
        from torchao.quantization import Int8WeightOnlyConfig, quantize_

        fp32 = notes["mlp_fp32"]
        m = common.make_mlp(seed=ctx.seed).eval()
        x = torch.randn(8, 1024)
        with torch.inference_mode():
            ref = m(x)
        with common.capture_warnings() as caught:
            quantize_(m, Int8WeightOnlyConfig())
            with torch.inference_mode():
                out = m(x)
        path = ctx.workdir / "mlp_torchao.pt"
        torch.save(m.state_dict(), path)
        fp_size = common.file_size(ctx.workdir / "mlp_fp32.pt")
        size = common.file_size(path)
        x1 = x[:1]
        with common.torch_threads(1), torch.inference_mode():
            ab = common.compare_ab(lambda: fp32(x1), lambda: m(x1), warmup=5,
                                   runs=ctx.params.torchao_runs)
        return {"torchao": getattr(torchao, "__version__", "?"),
                "torchao_config": "Int8WeightOnlyConfig",
                "torchao_batch1_fp32": ab["a"], "torchao_batch1_int8": ab["b"],
                "torchao_speedup": ab["speedup"],
                "torchao_int8_weight_only_bytes": size,
                "torchao_ratio": fp_size / size,
                "torchao_relative_error": _rel_err(ref, out),
                "torchao_warnings": common.warning_texts(caught)}
    except Exception as e:  # report, do not fail the lab: torchao is optional here
        return {"torchao": f"torchao path failed: {common.error_text(e)}"}


def run(ctx: LabContext) -> list[Finding]:
    import torch

    torch.manual_seed(ctx.seed)
    findings: dict[str, Finding] = {}
    notes: dict = {}
    old_engine = torch.backends.quantized.engine
    try:
        ctx.progress(0.0, "dynamic int8 quantization of an MLP")
        _dynamic_int8(ctx, torch, findings, notes)
        ctx.progress(0.55, "static post-training quantization of a CNN")
        _static_ptq(ctx, torch, findings, notes)
        ctx.progress(0.7, "onnxruntime dynamic quantization")
        try:
            _ort_quantize(ctx, torch, findings, notes)
        except Exception as e:  # an export problem says nothing about ORT quantization
            findings["ort-quantize"] = Finding(
                "ort-quantize", None, f"could not measure: {common.error_text(e)}",
                {"error": common.error_text(e)})
        ctx.progress(0.9, "torchao")
        ao = _torchao(ctx, torch, notes)
    finally:
        torch.backends.quantized.engine = old_engine

    if "torchao_ratio" in ao:
        ao_note = (f"torchao {ao['torchao']} Int8WeightOnlyConfig: {ao['torchao_ratio']:.2f}x "
                   f"smaller, {ao['torchao_speedup']:.2f}x speed at batch 1 (1 thread)")
    else:
        ao_note = f"torchao: {ao['torchao']}"
    texts = notes.get("ao_warnings", [])
    dep = [t for t in texts if "torch.ao.quantization is deprecated" in t]
    held = bool(dep) and "torchao" in dep[0]
    first = dep[0].splitlines()[0].strip() if dep else ""
    findings["ao-deprecated"] = Finding(
        "ao-deprecated", held,
        (f"quantize_dynamic warns: \"{first}\" and points to torchao (the removal version "
         f"is stale: torch {torch.__version__} still ships it); {ao_note}")
        if held else f"no deprecation warning pointing to torchao captured ({len(texts)} "
        f"warnings); {ao_note}",
        {"warning": dep[0] if dep else None, "all_warnings": texts,
         "torch": torch.__version__, **ao})
    ctx.progress(1.0, "done")
    return [findings[s.id] for s in STATEMENTS]


LAB = Lab(id="quantization",
          title={"zh": "量化：动态 int8、静态 PTQ、onnxruntime 量化",
                 "en": "Quantization: dynamic int8, static PTQ, onnxruntime quantization"},
          statements=STATEMENTS, run=run,
          # torchao_runs in quick mode is never used (quick skips torchao); it keeps the
          # figure the torchao step had there.
          quick=dict(int8_runs=30, calibration_batches=4, legacy_onnx=True, ort_runs=30,
                     torchao=False, torchao_runs=20),
          full=dict(int8_runs=200, calibration_batches=16, legacy_onnx=False, ort_runs=200,
                    torchao=True, torchao_runs=100))
