"""Lab `loss-export`: the loss trains the model; it does not ship with it.

A CNN is trained a few steps with CrossEntropyLoss; then the inference model (its
``forward``) is exported three ways: TorchScript, ``torch.export`` and ONNX. The lab lists
the op kinds of each graph and looks for loss ops. As a control it exports a wrapper whose
``forward`` computes ``F.cross_entropy``: only there does a loss op appear, which shows the
detector would see one.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from typing import Any

from labs import common
from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement("loss-not-exported", {
        "zh": "训练时使用的损失函数不属于导出的推理图。",
        "en": "A loss used in training is not part of the exported inference graph."}),
)

# An op "is a loss" when its name says so: aten::cross_entropy_loss, aten::nll_loss(2d/nd),
# aten::mse_loss ...; ONNX SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss.
LOSS_MARKERS = ("loss", "nll", "crossentropy", "negativeloglikelihood")


def _is_loss(op: str) -> bool:
    low = op.lower().replace("_", "")
    return any(m.replace("_", "") in low for m in LOSS_MARKERS)


def _train(model, torch, seed: int, steps: int) -> list[float]:
    """A few SGD steps of CrossEntropyLoss on a fixed random batch: the loss is real."""
    g = torch.Generator().manual_seed(seed + 5)
    x = torch.randn(16, *common.CNN_INPUT, generator=g)
    y = torch.randint(0, 10, (16,), generator=g)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 4))
    model.eval()
    return losses


def _ts_ops(module, torch, *example) -> Counter:
    with common.capture_warnings():
        scripted = torch.jit.script(module)
    return Counter(n.kind() for n in scripted.inlined_graph.nodes()
                   if n.kind().startswith("aten::"))


def _export_ops(module, example: tuple, torch) -> Counter:
    with common.capture_warnings():
        ep = torch.export.export(module, example)
    return Counter(str(n.target) for n in ep.graph.nodes if n.op == "call_function")


def _onnx_ops(ctx: LabContext, module, example: tuple, name: str, torch) -> tuple[Counter, str]:
    import onnx

    path = ctx.workdir / f"{name}.onnx"
    common.quiet_onnx_logs()
    if ctx.params.legacy_onnx:
        with common.capture_warnings():
            torch.onnx.export(module, example, str(path), dynamo=False)
        exporter = "legacy (dynamo=False, quick mode)"
    else:
        with common.capture_warnings(), contextlib.redirect_stdout(io.StringIO()):
            torch.onnx.export(module, example, str(path), dynamo=True, verbose=False,
                              external_data=False)
        exporter = "dynamo (default)"
    graph = onnx.load(str(path)).graph
    return Counter(n.op_type for n in graph.node), exporter


def run(ctx: LabContext) -> list[Finding]:
    # threads=1 on LAB: nothing here is about threads (labs.skeleton.in_threads)
    import torch
    import torch.nn.functional as F  # noqa: N812
    from torch import nn

    torch.manual_seed(ctx.seed)  # make_cnn's init uses the global RNG
    model = common.make_cnn(seed=ctx.seed)
    steps = ctx.params.steps
    ctx.progress(0.05, f"train {steps} steps with CrossEntropyLoss")
    losses = _train(model, torch, ctx.seed, steps)
    ctx.log(f"loss {losses[0]} -> {losses[-1]}")

    class WithLoss(nn.Module):
        """What you would have to export for the loss to be in the graph."""

        def __init__(self, net: nn.Module) -> None:
            super().__init__()
            self.net = net

        def forward(self, x, y):
            return F.cross_entropy(self.net(x), y)

    x = common.randn((2, *common.CNN_INPUT), seed=ctx.seed)
    y = torch.tensor([1, 3])
    wrapper = WithLoss(model).eval()
    graphs: dict[str, dict[str, Any]] = {}
    ctx.progress(0.2, "TorchScript graphs")
    graphs["torchscript"] = {"inference": _ts_ops(model, torch),
                             "with_loss_wrapper": _ts_ops(wrapper, torch)}
    ctx.progress(0.4, "torch.export graphs")
    graphs["torch.export"] = {"inference": _export_ops(model, (x,), torch),
                              "with_loss_wrapper": _export_ops(wrapper, (x, y), torch)}
    ctx.progress(0.6, "ONNX graphs")
    inf_ops, exporter = _onnx_ops(ctx, model, (x,), "inference", torch)
    loss_ops, _ = _onnx_ops(ctx, wrapper, (x, y), "with_loss", torch)
    graphs["onnx"] = {"inference": inf_ops, "with_loss_wrapper": loss_ops}
    rows = {}
    for fmt, g in graphs.items():
        inf_loss = sorted(op for op in g["inference"] if _is_loss(op))
        wrap_loss = sorted(op for op in g["with_loss_wrapper"] if _is_loss(op))
        rows[fmt] = {"inference_ops": dict(g["inference"]),
                     "inference_loss_ops": inf_loss,
                     "wrapper_loss_ops": wrap_loss}
    clean = all(not r["inference_loss_ops"] for r in rows.values())
    detected = all(r["wrapper_loss_ops"] for r in rows.values())
    if not clean:
        held = False
    elif detected:
        held = True
    else:
        held = None  # the detector did not see the loss even where it is: cannot tell
    kinds = "; ".join(f"{fmt}: {', '.join(sorted(r['inference_ops']))}"
                      for fmt, r in rows.items())
    wrapped = ", ".join(f"{fmt} {'+'.join(r['wrapper_loss_ops']) or 'none'}"
                        for fmt, r in rows.items())
    summary = (f"trained {steps} steps (CE loss {losses[0]:.3f} -> {losses[-1]:.3f}); no loss "
               f"op in the TorchScript, torch.export or ONNX inference graphs; a wrapper "
               f"that computes the loss shows it: {wrapped}" if held else
               f"loss ops in inference graphs: "
               f"{ {f: r['inference_loss_ops'] for f, r in rows.items()} }; wrapper: {wrapped}")
    ctx.progress(1.0, "done")
    return [Finding("loss-not-exported", held, summary,
                    {"train_losses": losses, "steps": steps, "graphs": rows,
                     "onnx_exporter": exporter, "op_kinds": kinds,
                     "loss_markers": list(LOSS_MARKERS),
                     "curve": {"x": list(range(1, steps + 1)), "y": losses,
                               "x_label": "training step", "y_label": "cross-entropy loss"}})]


LAB = Lab(id="loss-export",
          title={"zh": "损失函数不在导出的推理图里",
                 "en": "The loss is not in the exported inference graph"},
          statements=STATEMENTS, run=run, threads=1,
          quick=dict(steps=3, legacy_onnx=True), full=dict(steps=30, legacy_onnx=False))
