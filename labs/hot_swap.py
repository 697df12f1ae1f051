"""Lab `hot-swap`: replace a model file on disk and serve the new model without a restart.

The seed says a mobile/served model cannot be updated without restarting the app. Here a
server thread answers requests from a loaded model (.ptl via the lite interpreter, and
TorchScript .pt via ``torch.jit.load``), watching the file's identity (inode, mtime,
size). The main thread replaces the file atomically (write a temp file in the same
folder, then ``os.replace``) with a model that has different weights; the server notices,
loads it again in the same process and its outputs become the new model's. The old
handle, still held, keeps giving the old outputs. A file written in place instead of
atomically can be read half-written: the lab shows the error that gives.
"""

from __future__ import annotations

import os
import threading
import time

from labs import common
from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement("reload-in-process", {
        "zh": "磁盘上被替换的模型文件可以在同一进程中重新加载，无需重启即可输出新结果；"
              "旧的句柄仍保持旧模型。",
        "en": "A model file replaced on disk can be loaded again in the same process and "
              "serves new outputs without a restart; the old handle keeps the old model."}),
)

TOL = 1e-5


class _Server:
    """Answers requests from the model at ``path``; reloads when the file changes."""

    def __init__(self, path, load, probe, expected: dict, torch):
        self.path, self.load, self.probe, self.expected = path, load, probe, expected
        self.torch = torch
        self.stamp = self._stamp()
        self.handle = load(str(path))
        self.served = 0
        self.reload_ms: list[float] = []
        self.served_by: list[str] = []  # which model answered each request (run-length)
        self.unmatched = 0
        self.errors: list[str] = []
        self.last_out = None
        self.transitions: list[dict] = []  # output just before and just after each reload
        self._before = None
        self.stop = threading.Event()
        self.reloaded = threading.Condition()

    def _stamp(self):
        st = os.stat(self.path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _which(self, out) -> str:
        for name, ref in self.expected.items():
            if out.shape == ref.shape and common.max_abs_diff(out, ref) <= TOL:
                return name
        return "?"

    def request(self) -> None:
        stamp = self._stamp()
        if stamp != self.stamp:
            t0 = time.perf_counter()
            self.handle = self.load(str(self.path))
            self.reload_ms.append((time.perf_counter() - t0) * 1e3)
            self._before = self.last_out
            self.stamp = stamp
            with self.reloaded:
                self.reloaded.notify_all()
        with self.torch.inference_mode():
            out = self.handle(self.probe)
        name = self._which(out)
        if self._before is not None:
            self.transitions.append({"before": [round(v, 5) for v in self._before[0, :4].tolist()],
                                     "after": [round(v, 5) for v in out[0, :4].tolist()],
                                     "after_model": name})
            self._before = None
        self.last_out = out
        self.unmatched += name == "?"
        if not self.served_by or self.served_by[-1].split("x")[0] != name:
            self.served_by.append(f"{name}x1")
        else:
            n = int(self.served_by[-1].split("x")[1]) + 1
            self.served_by[-1] = f"{name}x{n}"
        self.served += 1

    def loop(self) -> None:
        try:
            while not self.stop.is_set():
                self.request()
        except Exception as e:  # a failed request ends the service: that is the finding
            self.errors.append(common.error_text(e))
            with self.reloaded:
                self.reloaded.notify_all()


def _swap_run(ctx, torch, fmt: str, models: dict, probe, expected: dict, swaps: int,
              per_segment: int) -> dict:
    """Serve from ``fmt`` files in a thread while the main thread swaps A/B ``swaps`` times."""
    from torch.jit.mobile import _load_for_lite_interpreter

    wd = ctx.workdir / fmt
    wd.mkdir(exist_ok=True)

    def save(module, path):
        with common.capture_warnings():  # jit/lite-interpreter deprecation warnings
            if fmt == "ptl":
                module._save_for_lite_interpreter(str(path))
            else:
                torch.jit.save(module, str(path))

    def load(path):
        with common.capture_warnings():
            return _load_for_lite_interpreter(path) if fmt == "ptl" else torch.jit.load(path)

    path = wd / f"model.{fmt}"
    save(models["A"], path)
    server = _Server(path, load, probe, expected, torch)
    first_handle = server.handle
    thread = threading.Thread(target=server.loop, daemon=True)
    thread.start()
    order = []
    try:
        for k in range(swaps):
            name = "B" if k % 2 == 0 else "A"
            served_before = server.served
            while server.served < served_before + per_segment and not server.errors:
                time.sleep(0.001)  # let it serve some requests from the current model
            tmp = wd / f".model.{fmt}.tmp"
            save(models[name], tmp)
            with server.reloaded:
                n = len(server.reload_ms)
                os.replace(tmp, path)  # atomic: a reader sees the old or the new file
                server.reloaded.wait_for(lambda n=n: len(server.reload_ms) > n
                                         or bool(server.errors), timeout=30)
            order.append(name)
        served_before = server.served
        while server.served < served_before + per_segment and not server.errors:
            time.sleep(0.001)
    finally:
        server.stop.set()
        thread.join(timeout=30)
    with torch.inference_mode():
        old_out = first_handle(probe)
    return {"format": fmt, "requests_served": server.served, "swaps": swaps,
            "swap_order": order, "reloads": len(server.reload_ms),
            "reload_ms": common.summarize(server.reload_ms) if server.reload_ms else None,
            "served_by": server.served_by, "unmatched_outputs": server.unmatched,
            "outputs_around_reloads": server.transitions[:4],
            "errors": server.errors, "final_model": server.served_by[-1].split("x")[0],
            "expected_final": order[-1] if order else "A",
            "old_handle_max_abs_diff_vs_A": common.max_abs_diff(old_out, expected["A"]),
            "file_bytes": common.file_size(path)}


def _torn_write(ctx, torch, models) -> str:
    """Write a .pt in place and read it half-way through: the failure atomic replace avoids."""
    full = ctx.workdir / "whole.pt"
    with common.capture_warnings():
        torch.jit.save(models["B"], str(full))
    data = full.read_bytes()
    torn = ctx.workdir / "torn.pt"
    torn.write_bytes(data[: len(data) // 2])
    try:
        with common.capture_warnings():
            torch.jit.load(str(torn))
    except Exception as e:
        return common.error_text(e)
    return "no error (unexpected: half a file loaded)"


def run(ctx: LabContext) -> list[Finding]:
    import torch

    torch.manual_seed(ctx.seed)
    probe = common.randn((4, *common.CNN_INPUT), seed=ctx.seed)
    models, expected = {}, {}
    for k, name in enumerate("AB"):
        eager = common.make_cnn(seed=ctx.seed + 100 * k).eval()
        with common.capture_warnings(), torch.no_grad():
            models[name] = torch.jit.script(eager)
        with torch.inference_mode():
            expected[name] = eager(probe)
    a_vs_b = common.max_abs_diff(expected["A"], expected["B"])
    ctx.progress(0.1, "two models with different weights scripted")

    swaps = ctx.params.swaps
    results = {}
    for i, fmt in enumerate(("ptl", "pt")):
        results[fmt] = _swap_run(ctx, torch, fmt, models, probe, expected,
                                 swaps if fmt == "ptl" else max(2, swaps // 2),
                                 per_segment=ctx.params.per_segment)
        r = results[fmt]
        ctx.log(f"{fmt}: {r['requests_served']} requests, {r['reloads']} reloads, "
                f"served by {' '.join(r['served_by'])}")
        ctx.progress(round(0.2 + 0.35 * (i + 1), 3), f"{fmt}: swapped {r['swaps']} times")
    torn = _torn_write(ctx, torch, models)

    ok = all(r["reloads"] == r["swaps"] and not r["errors"] and r["unmatched_outputs"] == 0
             and r["final_model"] == r["expected_final"]
             and r["old_handle_max_abs_diff_vs_A"] <= TOL for r in results.values())
    ok = ok and a_vs_b > 1e-3  # the two models really differ
    p = results["ptl"]
    med = p["reload_ms"]["median_ms"] if p["reload_ms"] else float("nan")
    summary = (f".ptl served {p['requests_served']} requests in one process across "
               f"{p['swaps']} atomic file swaps ({' '.join(p['served_by'])}), reload median "
               f"{med:.1f} ms, {len(p['errors'])} errors; old handle still gives model A "
               f"(diff {p['old_handle_max_abs_diff_vs_A']:.0e}); TorchScript .pt: "
               f"{results['pt']['reloads']}/{results['pt']['swaps']} reloads")
    first = p["outputs_around_reloads"][0] if p["outputs_around_reloads"] else None
    if first:
        summary += (f"; first output row before the swap {first['before'][:2]}, after "
                    f"{first['after'][:2]}")
    finding = Finding("reload-in-process", ok, summary, {
        "expected_A_first_row": [round(v, 5) for v in expected["A"][0, :4].tolist()],
        "expected_B_first_row": [round(v, 5) for v in expected["B"][0, :4].tolist()],
        "ptl": p, "pt": results["pt"], "models_max_abs_diff_A_vs_B": a_vs_b,
        "torn_write_error": torn, "probe_shape": list(probe.shape),
        "pid": os.getpid()})
    ctx.progress(1.0, "done")
    return [finding]


LAB = Lab(id="hot-swap",
          title={"zh": "热更新：进程内替换模型", "en": "Hot swap: replacing a model in-process"},
          statements=STATEMENTS, run=run,
          quick=dict(swaps=3, per_segment=5), full=dict(swaps=20, per_segment=50))
