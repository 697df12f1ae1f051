"""Lab `pruning`: unstructured vs structured pruning, and what actually gets smaller.

The seed says pruning makes the model file smaller. Unstructured pruning
(``prune.l1_unstructured``) only writes zeros into dense tensors: the saved file keeps its
size (and doubles before ``prune.remove``, which still holds ``weight_orig`` and
``weight_mask``); the zeros save space once compressed, or stored sparse at high
sparsity. Structured pruning that rebuilds smaller layers does shrink the file and the
work. Removing a hidden neuron of ``Linear -> ReLU -> Linear`` is exact only if its
constant output ``relu(bias)`` is folded into the next layer's bias.
"""

from __future__ import annotations

import copy
import gzip

from labs import common
from labs.base import Finding, Lab, LabContext, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("unstructured-same-size", {
        "zh": "非结构化剪枝后，稠密保存的文件大小不变（在 `prune.remove` 之前反而更大）。",
        "en": "Unstructured pruning leaves the dense saved file the same size (larger before "
              "`prune.remove`)."}),
    Statement("structured-smaller", {
        "zh": "真正移除神经元/通道的结构化剪枝会让文件变小、推理变快。",
        "en": "Structured pruning that removes neurons/channels makes the file smaller and "
              "inference faster."}),
    Statement("compressed-smaller", {
        "zh": "剪枝产生的零只有在文件被压缩（或在高稀疏度下以稀疏格式存储）时才节省空间。",
        "en": "Zeros from pruning only save space once the file is compressed (or stored "
              "sparse at high sparsity)."}),
)

CLEAR = 1.15
AMOUNT = 0.5


def _linears(model, torch):
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def _save(torch, obj, path) -> int:
    torch.save(obj, path)
    return common.file_size(path)


def _gz(path, level: int) -> int:
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=level))


def _hidden_pairs(model, torch):
    """(index of Linear, index of the next Linear) for every Linear -> ReLU -> Linear in a
    Sequential: the hidden neurons that can be removed."""
    mods = list(model)
    pairs = []
    for i, m in enumerate(mods):
        if (isinstance(m, torch.nn.Linear) and i + 2 < len(mods)
                and isinstance(mods[i + 1], torch.nn.ReLU)
                and isinstance(mods[i + 2], torch.nn.Linear)):
            pairs.append((i, i + 2))
    return pairs


def _structured(model, torch, amount: float):
    """Mask the hidden neurons with the smallest L1 rows (``prune.ln_structured``), then
    rebuild smaller Linear layers. Returns (masked reference, rebuilt, rebuilt without the
    bias fold, kept-neuron counts)."""
    from torch.nn.utils import prune
    nn = torch.nn
    masked = copy.deepcopy(model)
    pairs = _hidden_pairs(masked, torch)
    for i, _ in pairs:
        prune.ln_structured(masked[i], "weight", amount=amount, n=1, dim=0)
        prune.remove(masked[i], "weight")  # weight now has zero rows; bias untouched
    mods = [copy.deepcopy(m) for m in masked]
    unfolded = [copy.deepcopy(m) for m in masked]
    kept_counts = []
    with torch.no_grad():
        for i, j in pairs:
            w = mods[i].weight
            keep = (w != 0).any(dim=1)
            kept_counts.append(int(keep.sum()))
            for target, fold in ((mods, True), (unfolded, False)):
                cur, nxt = target[i], target[j]
                new_cur = nn.Linear(cur.in_features, int(keep.sum()))
                new_cur.weight.copy_(cur.weight[keep])
                new_cur.bias.copy_(cur.bias[keep])
                new_nxt = nn.Linear(int(keep.sum()), nxt.out_features)
                new_nxt.weight.copy_(nxt.weight[:, keep])
                bias = nxt.bias.clone()
                if fold:  # a removed neuron still outputs relu(bias): a constant
                    bias += nxt.weight[:, ~keep] @ torch.relu(cur.bias[~keep])
                new_nxt.bias.copy_(bias)
                target[i], target[j] = new_cur, new_nxt
    # The "next" layer of one pair can be the "current" of the following one: rebuilding
    # in order handles that, since its input side was shrunk first and its rows next.
    return masked, nn.Sequential(*mods).eval(), nn.Sequential(*unfolded).eval(), kept_counts


def run(ctx: LabContext) -> list[Finding]:
    import torch
    from torch.nn.utils import prune
    torch.manual_seed(ctx.seed)
    p = ctx.params
    level = p.gzip_level
    width = p.width
    model = common.make_mlp(seed=ctx.seed, width=width).eval()
    wd = ctx.workdir
    dense_size = _save(torch, model.state_dict(), wd / "dense.pt")
    dense_gz = _gz(wd / "dense.pt", level)
    ctx.progress(0.1, "dense model saved")

    # --- unstructured: l1_unstructured 50% on every Linear weight.
    pruned = copy.deepcopy(model)
    for m in _linears(pruned, torch):
        prune.l1_unstructured(m, "weight", amount=AMOUNT)
    before_remove_keys = sorted(pruned.state_dict())[:4]
    before_remove = _save(torch, pruned.state_dict(), wd / "pruned_before_remove.pt")
    for m in _linears(pruned, torch):
        prune.remove(m, "weight")
    after_remove = _save(torch, pruned.state_dict(), wd / "pruned.pt")
    weights = [m.weight.detach() for m in _linears(pruned, torch)]
    zeros = sum(int((w == 0).sum()) for w in weights)
    total = sum(w.numel() for w in weights)
    sparsity = zeros / total
    same = abs(after_remove - dense_size) / dense_size < 0.01
    larger = before_remove > 1.8 * dense_size
    f_un = Finding(
        "unstructured-same-size", same and larger,
        f"l1_unstructured {AMOUNT:.0%} (weight sparsity {sparsity:.1%}): dense file "
        f"{dense_size / 1e6:.2f} MB -> {after_remove / 1e6:.2f} MB after prune.remove, "
        f"{before_remove / 1e6:.2f} MB before it ({before_remove / dense_size:.2f}x: "
        "weight_orig + weight_mask)",
        {"dense_bytes": dense_size, "pruned_bytes_after_remove": after_remove,
         "pruned_bytes_before_remove": before_remove,
         "before_remove_ratio": before_remove / dense_size, "weight_sparsity": sparsity,
         "state_dict_keys_before_remove": before_remove_keys})
    ctx.progress(0.3, "unstructured pruning measured")

    # --- compression and sparse storage at several sparsities.
    sparsities = list(p.sparsities)
    curve_gz, curve_csr = [], []
    for k, s in enumerate(sparsities):
        if s == AMOUNT:  # already pruned and saved above
            m2, path = pruned, wd / "pruned.pt"
        else:
            m2 = copy.deepcopy(model)
            if s > 0:
                for lin in _linears(m2, torch):
                    prune.l1_unstructured(lin, "weight", amount=s)
                    prune.remove(lin, "weight")
            path = wd / f"sparse_{s}.pt"
            _save(torch, m2.state_dict(), path)
        curve_gz.append(dense_gz if s == 0 else _gz(path, level))
        with common.capture_warnings():  # "Sparse CSR tensor support is in beta state"
            csr = {n: (t.to_sparse_csr() if t.dim() == 2 else t)
                   for n, t in m2.state_dict().items()}
        curve_csr.append(_save(torch, csr, wd / f"csr_{s}.pt"))
        ctx.progress(round(0.3 + 0.3 * (k + 1) / len(sparsities), 3), f"sparsity {s:.0%} stored")
    gz_pruned = curve_gz[sparsities.index(0.5)]
    csr_half, csr_high = curve_csr[sparsities.index(0.5)], curve_csr[sparsities.index(0.9)]
    held = same and gz_pruned < 0.8 * dense_gz and csr_high < dense_size
    f_comp = Finding(
        "compressed-smaller", held,
        f"at 50% zeros the dense file stays {after_remove / 1e6:.2f} MB; gzip: dense "
        f"{dense_gz / 1e6:.2f} MB vs pruned {gz_pruned / 1e6:.2f} MB "
        f"({dense_gz / gz_pruned:.2f}x); sparse CSR {csr_half / 1e6:.2f} MB at 50% "
        f"(larger: int64 indices), {csr_high / 1e6:.2f} MB at 90%",
        {"dense_bytes": dense_size, "dense_gzip_bytes": dense_gz,
         "pruned50_gzip_bytes": gz_pruned, "csr50_bytes": csr_half, "csr90_bytes": csr_high,
         "gzip_level": level,
         "gzip_curve": {"x": sparsities, "y": curve_gz, "x_label": "weight sparsity",
                        "y_label": "gzip-compressed file (bytes)"},
         "csr_curve": {"x": sparsities, "y": curve_csr, "x_label": "weight sparsity",
                       "y_label": "sparse CSR file (bytes)"}})

    # --- structured: remove half the hidden neurons, rebuild smaller layers.
    masked, small, unfolded, kept = _structured(model, torch, AMOUNT)
    small_size = _save(torch, small.state_dict(), wd / "structured.pt")
    x = torch.randn(32, width, generator=torch.Generator().manual_seed(ctx.seed))
    with torch.inference_mode():
        y_masked, y_small, y_unfolded, y_dense = masked(x), small(x), unfolded(x), model(x)
    exact = common.max_abs_diff(y_masked, y_small)
    no_fold = common.max_abs_diff(y_masked, y_unfolded)
    vs_dense = common.max_abs_diff(y_dense, y_small)
    ctx.progress(0.7, "structured model rebuilt")
    runs = p.runs
    with common.torch_threads(1), torch.inference_mode():
        ab = common.compare_ab(lambda: model(x), lambda: small(x), warmup=5, runs=runs)
    s = ab["speedup"]
    smaller = small_size < 0.6 * dense_size and exact < 1e-4
    # The statement is "smaller and faster": the size condition comes first and no speed
    # verdict overrides it (a model that is not smaller fails, however fast). Only when
    # it is smaller does the speed ratio decide, by the shared rule.
    if not smaller:
        held, verdict = False, "not smaller"
    else:
        held, verdict = speed_verdict(s, CLEAR, faster="smaller and faster", slower="slower")
        if held is None:
            verdict = f"smaller; speed {verdict}"
    f_st = Finding(
        "structured-smaller", held,
        f"hidden neurons {kept} kept of {width}: file {dense_size / 1e6:.2f} MB -> "
        f"{small_size / 1e6:.2f} MB ({dense_size / small_size:.2f}x), batch 32, 1 thread "
        f"{ab['a']['median_ms']:.2f} -> {ab['b']['median_ms']:.2f} ms ({s:.2f}x); vs masked "
        f"model max diff {exact:.1e} with the bias fold, {no_fold:.1e} without: {verdict}",
        {"dense_bytes": dense_size, "structured_bytes": small_size,
         "size_ratio": dense_size / small_size, "kept_neurons": kept,
         "dense_latency": ab["a"], "structured_latency": ab["b"], "speedup": s,
         "max_abs_diff_vs_masked": exact, "max_abs_diff_without_bias_fold": no_fold,
         "max_abs_diff_vs_unpruned": vs_dense, "batch": 32, "width": width, "threads": 1,
         "clear_ratio": CLEAR})
    ctx.progress(1.0, "done")
    return [f_un, f_st, f_comp]


LAB = Lab(id="pruning",
          title={"zh": "剪枝：非结构化与结构化", "en": "Pruning: unstructured vs structured"},
          statements=STATEMENTS, run=run,
          # Quick: 4 x Linear(512, 512) (4.2 MB); full: 4 x Linear(1024, 1024) (16.8 MB).
          # The ratios do not depend on the width; the time to save and gzip does.
          quick=dict(gzip_level=1, width=512, sparsities=(0.5, 0.9), runs=20),
          full=dict(gzip_level=6, width=1024, sparsities=(0.0, 0.3, 0.5, 0.7, 0.9, 0.95),
                    runs=150))
