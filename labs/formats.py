"""Lab `formats`: what PyTorch Mobile reads, and what it does not.

The lite interpreter (PyTorch Mobile) loads TorchScript modules saved with
``_save_for_lite_interpreter`` (.ptl, zip archives with bytecode). It does not read ONNX
(a protobuf) nor Caffe2 models (caffe2 is gone from torch 2.x). This lab scripts and
traces a small CNN, round-trips both through .ptl, feeds an .onnx file to both TorchScript
loaders, imports caffe2, runs ``optimize_for_mobile`` (which needs XNNPACK) and records the
deprecation warnings that TorchScript and the lite interpreter emit.
"""

from __future__ import annotations

from labs import common
from labs.base import Finding, Lab, LabContext, Statement

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

ATOL = 1e-5  # float32: the .ptl runs the same aten kernels, so this is generous
CENTRAL_DIR = "failed finding central directory"
XNNPACK_MSG = "XNNPACK is not enabled"


def _lite_loader():
    from torch.jit.mobile import _load_for_lite_interpreter

    return _load_for_lite_interpreter


def _ptl_roundtrip(ctx: LabContext, model, x, torch) -> tuple[Finding, list[str], list[str]]:
    """Script and trace, save each for the lite interpreter, load back, compare."""
    load_lite = _lite_loader()
    with torch.no_grad():
        want = model(x)
    with common.capture_warnings() as w_script:
        scripted = torch.jit.script(model)
    with common.capture_warnings() as w_trace:
        traced = torch.jit.trace(model, x)
    ctx.progress(0.25, "scripted and traced")
    rows = {}
    lite_warnings: list[str] = []
    for name, mod in (("scripted", scripted), ("traced", traced)):
        path = ctx.workdir / f"{name}.ptl"
        with common.capture_warnings() as w_save:
            mod._save_for_lite_interpreter(str(path))
        lite_warnings += common.warning_texts(w_save)
        with common.capture_warnings() as w_load:
            lite = load_lite(str(path))
        lite_warnings += common.warning_texts(w_load)
        with torch.no_grad():
            got = lite(x)
        diff = common.max_abs_diff(got, want)
        try:
            torch.testing.assert_close(got, want, atol=ATOL, rtol=0)
            close = True
        except AssertionError:
            close = False
        rows[name] = {"ptl_bytes": common.file_size(path), "max_abs_diff": diff,
                      "assert_close": close, "loaded_type": type(lite).__name__,
                      "bytecode_version":
                          torch.jit.mobile._get_model_bytecode_version(str(path))}
    # A plain TorchScript .pt is not a lite-interpreter file.
    pt = ctx.workdir / "scripted.pt"
    with common.capture_warnings():
        torch.jit.save(scripted, str(pt))
    try:
        with common.capture_warnings():
            load_lite(str(pt))
        pt_error = None
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        pt_error = common.error_text(exc)
    held = all(r["assert_close"] for r in rows.values())
    s, t = rows["scripted"], rows["traced"]
    f = Finding(
        "ptl-roundtrip", held,
        f".ptl (bytecode v{s['bytecode_version']}) loads back with "
        f"_load_for_lite_interpreter: max abs diff vs eager {s['max_abs_diff']:.1e} "
        f"(scripted, {s['ptl_bytes']} B), {t['max_abs_diff']:.1e} (traced, "
        f"{t['ptl_bytes']} B); atol {ATOL}",
        {"scripted": s, "traced": t, "atol": ATOL, "batch": int(x.shape[0]),
         "plain_pt_in_lite_loader_error": pt_error})
    jit_warnings = common.warning_texts(w_script) + common.warning_texts(w_trace)
    return f, jit_warnings, list(dict.fromkeys(lite_warnings))


def _onnx_not_torchscript(ctx: LabContext, model, x, torch) -> Finding:
    path = ctx.workdir / "model.onnx"
    exporter = common.export_onnx_for_lab(model, x, path, ctx.params.legacy_onnx)
    with open(path, "rb") as fh:
        head = fh.read(4)
    errors = {}
    for name, loader in (("torch.jit.load", torch.jit.load),
                         ("_load_for_lite_interpreter", _lite_loader())):
        try:
            with common.capture_warnings():  # torch.jit.load's DeprecationWarning
                loader(str(path))
            errors[name] = None
        except Exception as exc:  # noqa: BLE001 - the message is the evidence
            errors[name] = common.error_text(exc)
    both_fail = all(errors.values())
    held = both_fail
    reason = errors["torch.jit.load"] or "loaded!"
    first = reason.split(". ")[0] if reason else ""
    return Finding(
        "onnx-not-torchscript", held,
        f"an .onnx file ({common.file_size(path)} B, {exporter} exporter) fails in "
        f"torch.jit.load and in _load_for_lite_interpreter: {first}" if both_fail else
        f"an .onnx file loaded in at least one TorchScript loader: {errors}",
        {"onnx_bytes": common.file_size(path), "exporter": exporter,
         "errors": errors, "file_magic_hex": head.hex(),
         "note": "TorchScript and .ptl files are zip archives; an .onnx file is a "
                 "protobuf, so the zip reader finds no central directory"})


def _caffe2_gone(torch) -> Finding:
    try:
        import caffe2  # noqa: F401
        error = None
    except ImportError as exc:
        error = common.error_text(exc)
    held = error is not None and error.startswith("ModuleNotFoundError")
    return Finding(
        "caffe2-gone", held,
        f"torch {torch.__version__}: `import caffe2` -> {error}" if error else
        f"torch {torch.__version__}: `import caffe2` succeeded",
        {"error": error, "torch": torch.__version__,
         "torch_has_caffe2_attr": hasattr(torch, "caffe2"),
         "note": "the only readers of mobile files in torch are torch.jit.load and "
                 "_load_for_lite_interpreter, which take TorchScript zip archives"})


def _optimize_for_mobile(scripted, torch) -> Finding:
    from torch.utils.mobile_optimizer import optimize_for_mobile

    xnnpack = bool(torch._C._is_xnnpack_enabled())
    try:
        with common.capture_warnings() as caught:
            optimize_for_mobile(scripted)
        error = None
    except Exception as exc:  # noqa: BLE001 - the message is the evidence
        error = common.error_text(exc, limit=600)
        caught = []
    if error is not None:
        start = error.find("Mobile optimization")
        message = error[start:] if start >= 0 else error
    else:
        message = None
    if not xnnpack and error and XNNPACK_MSG in error:
        held, summary = True, (f"torch._C._is_xnnpack_enabled() is False in this wheel "
                               f"and optimize_for_mobile fails: {message}")
    elif xnnpack and error is None:
        held, summary = True, ("this torch build has XNNPACK and optimize_for_mobile "
                               "works (it needs XNNPACK)")
    elif not xnnpack and error is None:
        held, summary = False, "optimize_for_mobile worked without XNNPACK"
    else:
        held, summary = None, f"optimize_for_mobile failed for another reason: {error}"
    return Finding("optimize-needs-xnnpack", held, summary,
                   {"xnnpack_enabled": xnnpack, "error": error, "message": message,
                    "warnings": common.warning_texts(caught)})


def _jit_deprecated(jit_warnings: list[str], lite_warnings: list[str]) -> Finding:
    script = [w for w in jit_warnings if "torch.jit.script" in w and "deprecated" in w]
    trace = [w for w in jit_warnings if "torch.jit.trace" in w and "deprecated" in w]
    lite = [w for w in lite_warnings if "Lite Interpreter is deprecated" in w]
    held = bool(script and trace and lite)
    first_lite = " ".join(lite[0].split()) if lite else "none"
    return Finding(
        "jit-deprecated", held,
        f"{script[0] if script else 'no script warning'}; lite interpreter: "
        f"{first_lite}" if held else
        f"deprecation warnings missing (script {len(script)}, trace {len(trace)}, "
        f"lite {len(lite)})",
        {"script": script, "trace": trace, "lite_interpreter": lite,
         "all_jit_warnings": jit_warnings,
         "note": "emitted without stacklevel: hidden under Python's default filters, "
                 "captured here with warnings.simplefilter('always')"})


def run(ctx: LabContext) -> list[Finding]:
    # threads=1 on LAB: nothing here is about threads (labs.skeleton.in_threads)
    import torch
    import torch.jit.mobile  # noqa: F401 - registers torch.jit.mobile

    ctx.log(f"torch {torch.__version__}")
    torch.manual_seed(ctx.seed)  # make_cnn's init uses the global RNG
    model = common.make_cnn(seed=ctx.seed).eval()
    x = common.randn((ctx.params.batch, *common.CNN_INPUT), seed=ctx.seed)
    ctx.progress(0.05, "script, trace, save .ptl")
    f_ptl, jit_w, lite_w = _ptl_roundtrip(ctx, model, x, torch)
    ctx.log(f_ptl.summary)
    ctx.progress(0.4, "export .onnx and try the TorchScript loaders")
    f_onnx = _onnx_not_torchscript(ctx, model, x, torch)
    ctx.log(f_onnx.summary)
    ctx.progress(0.8, "caffe2, optimize_for_mobile")
    f_caffe2 = _caffe2_gone(torch)
    with common.capture_warnings():
        scripted = torch.jit.script(model)
    f_opt = _optimize_for_mobile(scripted, torch)
    f_dep = _jit_deprecated(jit_w, lite_w)
    ctx.progress(1.0, "done")
    return [f_ptl, f_onnx, f_caffe2, f_opt, f_dep]


LAB = Lab(id="formats",
          title={"zh": "模型格式：TorchScript、.ptl、ONNX 与 Caffe2",
                 "en": "Formats: TorchScript, .ptl, ONNX and Caffe2"},
          statements=STATEMENTS, run=run, threads=1,
          quick=dict(batch=2, legacy_onnx=True), full=dict(batch=8, legacy_onnx=False))
