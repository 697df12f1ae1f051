"""Lab `executorch`: PyTorch Mobile's successor, end to end on this machine.

``torch.export.export`` -> ``executorch.exir.to_edge_transform_and_lower`` (with the
XNNPACK partitioner, or none for the portable kernels) -> ``to_executorch()`` -> a .pte
file, run with ``executorch.runtime`` and compared with eager. Timing puts the
XNNPACK-delegated program, the portable one and eager side by side, alternated.

ExecuTorch is an optional extra (``pip install -e '.[labs,executorch]'``): it doubles the
install (~90 s, +0.5 GB: coremltools, pandas, scikit-learn...). Without it the lab raises
LabUnavailable saying so. The helpers here (``to_pte``, ``load_forward``,
``capture_stderr_fd``) are shared with the dynamic-batch and parity labs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from labs import common
from labs.base import Finding, Lab, LabContext, LabUnavailable, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("pte-roundtrip", {
        "zh": "`torch.export` -> `to_edge_transform"
              "_and_lower`（XNNPACK）-> `.pte` 在 "
              "ExecuTorch 运行时中运行，输出与 eager 一致。",
        "en": "`torch.export` -> `to_edge_transform_and_lower` (XNNPACK) -> `.pte` runs in "
              "ExecuTorch's runtime with outputs matching eager."}),
    Statement("xnnpack-faster", {
        "zh": "XNNPACK 委托的 .pte 比可移植（非委托）算子快得多。",
        "en": "XNNPACK-delegated .pte is much faster than the portable (non-delegated) "
              "kernels."}),
)

INSTALL_HINT = "install the executorch extra: pip install -e '.[labs,executorch]'"
ATOL = 1e-4  # XNNPACK reorders float32 accumulations (observed diffs ~1e-7 .. 1e-6)
CLEAR = 1.15


# --------------------------------------------------------------------------- helpers
# Shared with the dynamic-batch and parity labs (importing this module imports no torch).


def unavailable_reason() -> str | None:
    """None when ExecuTorch's exporter and runtime are importable, else why not."""
    if not common.has_module("executorch"):
        return f"executorch is not installed; {INSTALL_HINT}"
    try:
        with common.capture_warnings():  # its import warns (ExperimentalWarning ...)
            import executorch.exir  # noqa: F401
            import executorch.runtime  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - a broken install is reported, not raised
        return f"executorch {common.package_version('executorch')} does not import: " \
               f"{common.error_text(exc)}"
    return None


@contextlib.contextmanager
def capture_stderr_fd() -> Iterator[list[str]]:
    """Capture what C++ code writes to file descriptor 2 inside the block (ExecuTorch logs
    its errors there, while the Python exception only carries an error code). Yields a
    list that holds the captured lines after the block."""
    lines: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield lines
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", "replace")
            lines.extend(ln for ln in text.splitlines() if ln.strip())


def to_pte(model, example, path: Path, *, xnnpack: bool = True,
           dynamic_batch: int | None = None) -> dict[str, Any]:
    """torch.export -> to_edge_transform_and_lower (XNNPACK or portable) -> .pte file.

    ``dynamic_batch``: the upper bound of a ``Dim("batch")`` on the first input dim (the
    example batch must then be >= 2). Returns {"path", "bytes", "seconds", "delegated"}.
    """
    import torch
    from executorch.exir import to_edge_transform_and_lower

    t0 = time.perf_counter()
    kwargs: dict[str, Any] = {}
    if dynamic_batch:
        kwargs["dynamic_shapes"] = ({0: torch.export.Dim("batch", min=1, max=dynamic_batch)},)
    with common.capture_warnings():
        ep = torch.export.export(model, (example,), **kwargs)
        partitioners = []
        if xnnpack:
            from executorch.backends.xnnpack.partition.xnnpack_partitioner import (
                XnnpackPartitioner,
            )

            partitioners = [XnnpackPartitioner()]
        edge = to_edge_transform_and_lower(ep, partitioner=partitioners)
        graph = edge.exported_program().graph_module.graph
        delegated = sum(1 for n in graph.nodes
                        if n.op == "call_function" and "call_delegate" in str(n.target))
        prog = edge.to_executorch()
    path.write_bytes(prog.buffer)
    return {"path": str(path), "bytes": common.file_size(path),
            "seconds": time.perf_counter() - t0, "delegate_calls": delegated}


def load_forward(path: Path):
    """The ``forward`` method of a .pte, loaded with executorch.runtime."""
    from executorch.runtime import Runtime

    program = Runtime.get().load_program(str(path))
    return program.load_method("forward")


def run_method(method, x):
    """Execute a loaded method on one tensor; returns the first output."""
    return method.execute([x])[0]


# --------------------------------------------------------------------------- the lab


def run(ctx: LabContext) -> list[Finding]:
    reason = unavailable_reason()
    if reason:
        raise LabUnavailable(reason)
    # One torch thread for the work (two OpenMP threads crawl on this shared machine);
    # eager is also timed at the default count, passed on here.
    with common.torch_threads(1) as default_threads:
        return _run(ctx, default_threads)


def _run(ctx: LabContext, threads: int) -> list[Finding]:
    import torch

    env = common.torch_env()
    ctx.log(f"executorch {env['executorch']}, torch {env['torch']}")
    torch.manual_seed(ctx.seed)  # make_cnn's init uses the global RNG
    model = common.make_cnn(seed=ctx.seed).eval()
    batch = 1
    x = common.randn((batch, *common.CNN_INPUT), seed=ctx.seed)
    with torch.inference_mode():
        want = model(x)
    ctx.progress(0.05, "export and lower with XNNPACK")
    xnn = to_pte(model, x, ctx.workdir / "cnn_xnnpack.pte", xnnpack=True)
    ctx.log(f"xnnpack .pte {xnn['bytes']} B in {xnn['seconds']:.1f} s")
    ctx.progress(0.45, "export and lower without a partitioner (portable kernels)")
    port = to_pte(model, x, ctx.workdir / "cnn_portable.pte", xnnpack=False)
    ctx.log(f"portable .pte {port['bytes']} B in {port['seconds']:.1f} s")
    ctx.progress(0.6, "run both .pte in executorch.runtime")
    with capture_stderr_fd() as runtime_log:
        m_xnn = load_forward(Path(xnn["path"]))
        m_port = load_forward(Path(port["path"]))
        got_xnn = run_method(m_xnn, x)
        got_port = run_method(m_port, x)
    rows = {}
    for name, got, info in (("xnnpack", got_xnn, xnn), ("portable", got_port, port)):
        try:
            torch.testing.assert_close(got, want, atol=ATOL, rtol=ATOL)
            close = True
        except AssertionError:
            close = False
        rows[name] = {"pte_bytes": info["bytes"], "export_seconds": round(info["seconds"], 2),
                      "delegate_calls": info["delegate_calls"],
                      "max_abs_diff": common.max_abs_diff(got, want), "assert_close": close,
                      "output_shape": list(got.shape)}
    held = rows["xnnpack"]["assert_close"] and rows["xnnpack"]["delegate_calls"] > 0
    f_rt = Finding(
        "pte-roundtrip", held,
        f"XNNPACK .pte ({xnn['bytes']} B, {xnn['delegate_calls']} delegate call(s)) runs in "
        f"executorch.runtime: max abs diff vs eager {rows['xnnpack']['max_abs_diff']:.1e}; "
        f"portable .pte {rows['portable']['max_abs_diff']:.1e} (atol {ATOL})",
        {**rows, "atol": ATOL, "rtol": ATOL, "batch": batch, "runtime_log": runtime_log[:20],
         "executorch": env["executorch"], "pipeline": "torch.export.export -> "
         "to_edge_transform_and_lower(partitioner=[XnnpackPartitioner()]) -> "
         "to_executorch() -> .pte -> Runtime.get().load_program().load_method('forward')"})
    ctx.progress(0.7, "time eager, XNNPACK, portable")
    runs = ctx.params.runs
    load = common.cpu_load(0.3)
    warm = ctx.params.warmup
    with torch.inference_mode():
        # Two A/B pairs, not one round robin: eager interleaved with the portable .pte
        # ran 100x slower here (torch's two OpenMP threads and ExecuTorch's thread pool
        # contend for two cores), which says nothing about either runtime alone.
        ab_port = common.compare_ab(lambda: m_port.execute([x]), lambda: m_xnn.execute([x]),
                                    warmup=warm, runs=runs)
        # Eager at torch's default threads and at one thread: on this shared 2-core
        # machine two OpenMP threads swung from 0.5 to 200 ms per call with the load of
        # other processes, while one thread stayed near 0.6 ms.
        def eager_at(n):
            def f():
                torch.set_num_threads(n)
                model(x)
            return f

        try:
            tri = common.compare_many({"eager": eager_at(threads), "eager_1_thread": eager_at(1),
                                       "xnnpack": lambda: m_xnn.execute([x])},
                                      warmup=warm, runs=runs)
        finally:
            torch.set_num_threads(1)
    t = {"portable": ab_port["a"], "xnnpack": ab_port["b"], "eager": tri["eager"],
         "eager_1_thread": tri["eager_1_thread"], "xnnpack_vs_eager_run": tri["xnnpack"]}
    speed = t["portable"]["median_ms"] / t["xnnpack"]["median_ms"]
    vs_eager = t["eager_1_thread"]["median_ms"] / t["xnnpack_vs_eager_run"]["median_ms"]
    held, verdict = speed_verdict(speed, CLEAR, faster="XNNPACK faster",
                                  slower="XNNPACK slower")
    f_speed = Finding(
        "xnnpack-faster", held,
        f"CNN batch {batch}: XNNPACK .pte {t['xnnpack']['median_ms']:.2f} ms vs portable "
        f"{t['portable']['median_ms']:.2f} ms ({speed:.1f}x): {verdict}; eager "
        f"{t['eager_1_thread']['median_ms']:.2f} ms at 1 thread, "
        f"{t['eager']['median_ms']:.2f} ms at {threads} (eager 1 thread / XNNPACK = "
        f"{vs_eager:.1f}x)",
        {"batch": batch, "xnnpack": t["xnnpack"], "portable": t["portable"],
         "eager": t["eager"], "eager_threads": threads,
         "eager_1_thread": t["eager_1_thread"], "xnnpack_in_eager_run": t["xnnpack_vs_eager_run"],
         "cpu_load_before": load,
         "portable_over_xnnpack": speed,
         "eager_over_xnnpack": vs_eager, "clear_ratio": CLEAR,
         "note": "ExecuTorch uses its own thread pool; torch.set_num_threads does not "
                 "control it"})
    ctx.progress(1.0, "done")
    return [f_rt, f_speed]


LAB = Lab(id="executorch",
          title={"zh": "ExecuTorch：.pte 导出、运行与 XNNPACK",
                 "en": "ExecuTorch: .pte export, runtime and XNNPACK"},
          statements=STATEMENTS, run=run, requires=("executorch",),
          quick=dict(runs=10, warmup=2), full=dict(runs=40, warmup=5))
