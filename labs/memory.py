"""Lab `memory`: where the inference "memory leak" comes from.

The seed worries that repeated inference leaks memory. Measured here: the process RSS
(``VmRSS`` in /proc/self/status) over many inferences of the same MLP, in four modes, in
this order:

1. under ``torch.no_grad()`` with outputs dropped: flat;
2. under ``torch.inference_mode()`` with outputs dropped: flat;
3. grad enabled, outputs kept after ``.detach()``: grows by the outputs' own size only;
4. grad enabled, outputs kept as they are: each keeps its autograd graph, and the graph
   keeps every activation saved for backward alive: RSS grows by that much per call.

The growth rate of (4) is compared with the bytes autograd saves per call, counted with
``torch.autograd.graph.saved_tensors_hooks``: the "leak" is exactly those tensors.
"""

from __future__ import annotations

import gc

from labs import common
from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement

STATEMENTS = (
    Statement("no-leak-no-grad", {
        "zh": "在 `torch.no_grad()`/`inference_mode()` 下进行大量推理，RSS 保持平稳。",
        "en": "RSS stays flat over many inferences under `torch.no_grad()`/"
              "`inference_mode()`."}),
    Statement("kept-graphs-grow", {
        "zh": "保留带有 autograd 计算图的输出会让内存增长：这就是常说的“泄漏”。",
        "en": "Keeping outputs that carry autograd graphs grows memory: the usual \"leak\"."}),
)

MB = 1024 * 1024
FLAT_MB_PER_100 = 1.0  # allocator noise allowance for "flat"


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise LabUnavailable("VmRSS missing from /proc/self/status")


def _trim() -> bool:
    """Give freed heap memory back to the OS (glibc ``malloc_trim``), so one phase does not
    reuse what the previous one freed and hide its growth. False where unavailable."""
    try:
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0)) or True
    except (OSError, AttributeError):
        return False


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def _phase(ctx, torch, model, name: str, iters: int, batch: int, seed: int) -> dict:
    """Run ``iters`` inferences in one mode, sampling RSS; returns the curve and slope."""
    g = torch.Generator().manual_seed(seed)
    kept = []
    step = max(1, iters // 20)

    def infer():
        x = torch.randn(batch, model[0].in_features, generator=g)
        if name == "no_grad":
            with torch.no_grad():
                model(x)
        elif name == "inference_mode":
            with torch.inference_mode():
                model(x)
        elif name == "kept_detached":
            kept.append(model(x).detach())
        else:  # kept_graph
            kept.append(model(x))

    for _ in range(5):  # warm-up, then forget what it kept
        infer()
    kept.clear()
    gc.collect()
    _trim()
    for _ in range(2):  # take back from the OS the working set of one call after the trim
        infer()
    kept.clear()
    xs, ys = [0], [rss_bytes()]
    for i in range(1, iters + 1):
        infer()
        if i % step == 0 or i == iters:
            xs.append(i)
            ys.append(rss_bytes())
    slope = _slope(xs, ys)  # bytes per inference
    has_graph = bool(kept) and kept[-1].grad_fn is not None
    grad_fn = type(kept[-1].grad_fn).__name__ if has_graph else None
    kept_outputs = sum(t.numel() * t.element_size() for t in kept)
    kept.clear()
    gc.collect()
    trimmed = _trim()
    after_release = rss_bytes()
    return {"iterations": iters, "batch": batch,
            "rss_start_bytes": ys[0], "rss_end_bytes": ys[-1],
            "growth_bytes": ys[-1] - ys[0], "mb_per_100": slope * 100 / MB,
            "outputs_have_grad_fn": has_graph, "grad_fn": grad_fn,
            "kept_output_bytes": kept_outputs, "rss_after_release_bytes": after_release,
            "malloc_trim": trimmed,
            "curve": {"x": xs, "y": [round(y / MB, 2) for y in ys],
                      "x_label": "inferences", "y_label": "RSS (MB)"}}


def _saved_bytes_per_call(torch, model, batch: int) -> int:
    """Bytes of the distinct tensors autograd saves for backward in one forward, without
    the parameters (already resident). A ReLU output saved by the ReLU and by the next
    Linear counts once."""
    seen = {p.untyped_storage().data_ptr() for p in model.parameters()}
    total = 0

    def pack(t):
        nonlocal total
        ptr = t.untyped_storage().data_ptr()
        if ptr not in seen:
            seen.add(ptr)
            total += t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(torch.randn(batch, model[0].in_features))
    return total


def run(ctx: LabContext) -> list[Finding]:
    try:
        rss_bytes()
    except OSError as e:
        raise LabUnavailable(f"needs /proc/self/status (Linux) to read RSS: {e}") from e
    import torch

    torch.manual_seed(ctx.seed)
    width = ctx.params.width
    model = common.make_mlp(seed=ctx.seed, width=width).eval()
    batch = 32
    iters = ctx.params.iters
    phases = {}
    order = ("no_grad", "inference_mode", "kept_detached", "kept_graph")
    # One thread: no timing is claimed here, and on a busy 2-core machine two OpenMP
    # threads can be several times slower than one.
    with common.torch_threads(1):
        for k, name in enumerate(order):
            phases[name] = _phase(ctx, torch, model, name, iters, batch, ctx.seed + k)
            ctx.log(f"{name}: {phases[name]['mb_per_100']:+.2f} MB per 100 inferences")
            ctx.progress((k + 1) / (len(order) + 1), f"{name} measured")
        saved = _saved_bytes_per_call(torch, model, batch)
    out_bytes = batch * width * 4

    ng, im = phases["no_grad"], phases["inference_mode"]
    det, gr = phases["kept_detached"], phases["kept_graph"]
    flat = max(abs(ng["mb_per_100"]), abs(im["mb_per_100"]))
    flat_held = flat < FLAT_MB_PER_100 and flat * 10 < gr["mb_per_100"]
    f_flat = Finding(
        "no-leak-no-grad", flat_held,
        f"{iters} inferences (MLP 4x{width}, batch {batch}): no_grad "
        f"{ng['mb_per_100']:+.2f} MB/100, inference_mode {im['mb_per_100']:+.2f} MB/100 "
        f"(RSS {ng['rss_start_bytes'] / MB:.0f} -> {im['rss_end_bytes'] / MB:.0f} MB): flat",
        {"no_grad": ng, "inference_mode": im, "flat_threshold_mb_per_100": FLAT_MB_PER_100})
    expected_graph = (saved + out_bytes) * 100 / MB
    grow_held = (gr["mb_per_100"] > 10 * max(flat, 0.1) and gr["outputs_have_grad_fn"]
                 and gr["mb_per_100"] > 2 * det["mb_per_100"])
    f_grow = Finding(
        "kept-graphs-grow", grow_held,
        f"keeping outputs with grad_fn={gr['grad_fn']}: {gr['mb_per_100']:+.1f} MB/100 "
        f"inferences (autograd saves {saved / MB:.2f} MB per call: expected "
        f"{expected_graph:.1f} MB/100); kept after .detach(): {det['mb_per_100']:+.1f} "
        f"MB/100 (the outputs alone: {out_bytes * 100 / MB:.1f} MB/100; the rest is "
        f"allocator overhead); no_grad {ng['mb_per_100']:+.2f} MB/100",
        {"kept_graph": gr, "kept_detached": det,
         "saved_for_backward_bytes_per_call": saved, "output_bytes_per_call": out_bytes,
         "expected_graph_mb_per_100": expected_graph,
         "expected_detached_mb_per_100": out_bytes * 100 / MB,
         "graph_measured_over_expected": gr["mb_per_100"] / expected_graph,
         "detached_measured_over_expected": det["mb_per_100"] / (out_bytes * 100 / MB),
         "cause": "each kept output references its grad_fn, which holds the activations "
                  "saved for backward; no_grad/inference_mode or .detach() drop them"})
    ctx.progress(1.0, "done")
    return [f_flat, f_grow]


LAB = Lab(id="memory",
          title={"zh": "内存：推理中的“内存泄漏”从何而来",
                 "en": "Memory: where the inference \"leak\" comes from"},
          statements=STATEMENTS, run=run,
          # Quick: a 512-wide MLP keeps about 0.3 MB per call with its graph (x 80 calls),
          # far above allocator noise, at a quarter of the compute of the full 1024-wide one.
          quick=dict(width=512, iters=80), full=dict(width=1024, iters=1000))
