"""Lab `fusion`: Conv-BN(-ReLU) operator fusion inside one model.

The seed calls "fusion" merging models. It is operator fusion: in eval mode a
BatchNorm that follows a convolution is an affine map per channel, so it folds into the
convolution's weight and bias, and the ReLU is applied in the same kernel. The model
keeps its inputs and outputs; it loses modules and graph ops. This lab does it with
``torch.ao.quantization.fuse_modules`` and with ``torch.jit.freeze``, counts modules,
parameters and graph ops before and after, checks outputs and times both.
"""

from __future__ import annotations

import copy
from collections import Counter

from labs import common
from labs.base import Finding, Lab, LabContext, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("fusion-exact", {
        "zh": "Conv-BN(-ReLU) 融合后输出在浮点误差范围内保持一致。",
        "en": "Conv-BN(-ReLU) fusion keeps outputs equal within float tolerance."}),
    Statement("fusion-fewer-ops", {
        "zh": "融合减少模块/算子（BN 折叠进卷积），而不是把两个模型合并。",
        "en": "Fusion removes modules/ops (BN folded into conv), it does not merge two "
              "models."}),
    Statement("fusion-faster", {
        "zh": "融合后的模型比未融合的运行更快。",
        "en": "The fused model runs faster than the unfused one."}),
    Statement("freeze-folds-bn", {
        "zh": "`torch.jit.freeze` 同样会把 conv-bn 折叠。",
        "en": "`torch.jit.freeze` folds conv-bn too."}),
)

# Folding BN saves one elementwise pass over each block's activations: about 1.15-1.25x
# on this CNN with one thread. Below 1.10 the result is reported as inconclusive.
CLEAR = 1.10
ATOL = 1e-5  # float32 re-association error is ~1e-7 relative; this is generous


def _settle_bn(model, torch, seed: int) -> None:
    """Give every BatchNorm non-trivial statistics and affine parameters, as a trained
    model has: with the defaults (mean 0, var 1, weight 1, bias 0) folding is nearly a
    no-op and proves little."""
    g = torch.Generator().manual_seed(seed + 7)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.5)
            m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.25)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def _ops(graph) -> Counter:
    """aten:: node kinds of a TorchScript graph (prim:: bookkeeping left out)."""
    return Counter(n.kind() for n in graph.nodes() if n.kind().startswith("aten::"))


def _convs(ops: Counter) -> int:
    return ops.get("aten::conv2d", 0) + ops.get("aten::_convolution", 0)


def _modules(model) -> dict[str, int]:
    return dict(Counter(m._get_name() for m in model.modules() if not list(m.children())))


def run(ctx: LabContext) -> list[Finding]:
    import torch

    aq = torch.ao.quantization
    torch.manual_seed(ctx.seed)
    model = common.make_cnn(seed=ctx.seed).eval()
    with torch.no_grad():
        _settle_bn(model, torch, ctx.seed)
    groups = common.conv_bn_relu_groups(model)
    batch = ctx.params.batch
    side = 64  # 64x64 inputs: enough work per call for a stable A/B ratio
    x = torch.randn(batch, 3, side, side, generator=torch.Generator().manual_seed(ctx.seed))

    # fuse_modules refuses train mode: that message is worth showing.
    train_error = None
    try:
        aq.fuse_modules(copy.deepcopy(model).train(), groups)
    except Exception as e:
        train_error = f"{type(e).__name__}: {e}"
    with common.capture_warnings() as caught:
        fused = aq.fuse_modules(copy.deepcopy(model), groups).eval()
    ctx.progress(0.15, f"fused {len(groups)} conv-bn(-relu) groups")

    with torch.inference_mode():
        ref, out = model(x), fused(x)
    diff = common.max_abs_diff(ref, out)
    scale = float(ref.abs().max())

    # Graph ops: script both and count aten ops (scripting, unlike the first
    # torch.jit.trace in a process, costs no ~2 s warm-up).
    with common.capture_warnings() as jit_caught, torch.no_grad():
        scripted = torch.jit.script(copy.deepcopy(model).eval())
        g_before = g_script = _ops(scripted.inlined_graph)
        g_after = _ops(torch.jit.script(copy.deepcopy(fused)).inlined_graph)
        frozen = torch.jit.freeze(scripted)
        g_frozen = _ops(frozen.graph)
    with torch.inference_mode():
        frozen_out = frozen(x)
    frozen_diff = common.max_abs_diff(ref, frozen_out)
    ctx.progress(0.35, "graphs scripted and frozen")

    m_before, m_after = _modules(model), _modules(fused)
    p_before = sum(p.numel() for p in model.parameters())
    p_after = sum(p.numel() for p in fused.parameters())
    bn_before = m_before.get("BatchNorm2d", 0)
    bn_after = m_after.get("BatchNorm2d", 0)
    n_before, n_after = sum(m_before.values()), sum(m_after.values())
    # Identity placeholders take the folded modules' names; they compute nothing.
    n_after_real = n_after - m_after.get("Identity", 0)

    exact = diff <= ATOL and frozen_diff <= ATOL and ref.shape == out.shape
    f_exact = Finding(
        "fusion-exact", exact,
        f"fused vs unfused max abs diff {diff:.1e} (outputs up to {scale:.2f}); "
        f"torch.jit.freeze vs eager {frozen_diff:.1e}; tolerance {ATOL:g}",
        {"max_abs_diff": diff, "frozen_max_abs_diff": frozen_diff, "output_max_abs": scale,
         "tolerance": ATOL, "batch": batch, "groups": groups})

    fewer = (bn_before > 0 and bn_after == 0 and g_after.get("aten::batch_norm", 0) == 0
             and n_after_real < n_before and tuple(ref.shape) == tuple(out.shape))
    f_fewer = Finding(
        "fusion-fewer-ops", fewer,
        f"one model in, one model out (output {tuple(out.shape)} unchanged): leaf modules "
        f"{n_before} -> {n_after_real} (+{m_after.get('Identity', 0)} Identity "
        f"placeholders), BatchNorm2d {bn_before} -> {bn_after}, scripted aten::batch_norm "
        f"{g_before.get('aten::batch_norm', 0)} -> {g_after.get('aten::batch_norm', 0)} "
        f"(aten ops {sum(g_before.values())} -> {sum(g_after.values())}), parameters "
        f"{p_before} -> {p_after}",
        {"modules_before": m_before, "modules_after": m_after,
         "parameters_before": p_before, "parameters_after": p_after,
         "graph_ops_before": dict(g_before), "graph_ops_after": dict(g_after),
         "output_shape": list(out.shape), "train_mode_error": train_error,
         "warnings": common.warning_texts(caught)})

    bn_script = g_script.get("aten::batch_norm", 0)
    bn_frozen = g_frozen.get("aten::batch_norm", 0)
    folds = bn_script > 0 and bn_frozen == 0 and frozen_diff <= ATOL
    f_freeze = Finding(
        "freeze-folds-bn", folds,
        f"torch.jit.script graph has {bn_script} aten::batch_norm, after torch.jit.freeze "
        f"{bn_frozen}; convolutions {_convs(g_script)} -> {_convs(g_frozen)}; "
        f"max abs diff {frozen_diff:.1e}",
        {"scripted_ops": dict(g_script), "frozen_ops": dict(g_frozen),
         "max_abs_diff": frozen_diff, "jit_warnings": common.warning_texts(jit_caught)})

    # Latency: unfused vs fused eager, alternated, one thread (the claim is about work per
    # op, and a single thread is far less sensitive to other processes on a 2-core box).
    runs = ctx.params.runs
    with common.torch_threads(1), torch.inference_mode():
        load = common.cpu_load(0.2)
        ab = common.compare_ab(lambda: model(x), lambda: fused(x), warmup=5, runs=runs)
        ctx.progress(0.8, "unfused vs fused timed")
        ab_frozen = common.compare_ab(lambda: scripted(x), lambda: frozen(x), warmup=5,
                                      runs=runs)
    s = ab["speedup"]
    held, verdict = speed_verdict(s, CLEAR, faster="fused faster", slower="fused slower")
    f_fast = Finding(
        "fusion-faster", held,
        f"CNN batch {batch} at {side}x{side}, 1 thread: unfused {ab['a']['median_ms']:.2f} "
        f"ms, fused {ab['b']['median_ms']:.2f} ms ({s:.2f}x); scripted "
        f"{ab_frozen['a']['median_ms']:.2f} ms vs frozen {ab_frozen['b']['median_ms']:.2f} "
        f"ms ({ab_frozen['speedup']:.2f}x): "
        f"{verdict}",
        {"batch": batch, "input": [3, side, side], "threads": 1, "unfused": ab["a"],
         "fused": ab["b"], "speedup": s,
         "scripted": ab_frozen["a"], "frozen": ab_frozen["b"],
         "frozen_speedup": ab_frozen["speedup"], "clear_ratio": CLEAR,
         "cpu_load_before": load})
    ctx.progress(1.0, "done")
    return [f_exact, f_fewer, f_fast, f_freeze]


LAB = Lab(id="fusion",
          title={"zh": "算子融合：Conv-BN(-ReLU)", "en": "Operator fusion: Conv-BN(-ReLU)"},
          statements=STATEMENTS, run=run,
          quick=dict(batch=8, runs=20), full=dict(batch=32, runs=100))
