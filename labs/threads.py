"""Lab `threads`: PyTorch is multithreaded by default.

The seed says PyTorch Mobile inference does "no multithreading". On a desktop/server CPU
build ``torch.get_num_threads()`` defaults to the number of cores, and a conv model runs
faster with all of them than with one. This lab reads the defaults (before touching
them), times 1 thread against all cores alternately in one process, and restores the
thread count afterwards.
"""

from __future__ import annotations

import os

from labs import common
from labs.base import Finding, Lab, LabContext, Statement
from labs.skeleton import speed_verdict

STATEMENTS = (
    Statement("multithread-default", {
        "zh": "PyTorch 默认使用多个算子内（intra-op）线程（`get_num_threads()` 等于核心数）。",
        "en": "PyTorch uses several intra-op threads by default (`get_num_threads()` = "
              "cores)."}),
    Statement("threads-speedup", {
        "zh": "在卷积模型上，用全部核心推理比单线程更快。",
        "en": "Inference with all cores is faster than with one thread on a conv model."}),
)

CLEAR = 1.15  # a speed-up below this is reported as inconclusive, not as a result
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TORCH_NUM_THREADS")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _backend(info: str) -> str:
    for line in info.splitlines():
        if "parallel backend" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def run(ctx: LabContext) -> list[Finding]:
    import torch

    # Read the defaults first: nothing in this process may have set them yet.
    default_threads = torch.get_num_threads()
    interop = torch.get_num_interop_threads()
    cores = _cores()
    env = {k: os.environ[k] for k in THREAD_ENV if k in os.environ}
    ctx.log(f"get_num_threads()={default_threads}, interop={interop}, cores={cores}")
    env_note = f" ({', '.join(f'{k}={v}' for k, v in env.items())} set)" if env else ""
    if cores < 2:
        held = None
        summary = (f"only {cores} core available here: cannot show multithreading "
                   f"(get_num_threads()={default_threads})")
    else:
        held = default_threads == cores and default_threads > 1
        summary = (f"get_num_threads() defaults to {default_threads} on {cores} cores"
                   f"{env_note}; interop threads {interop}; parallel backend "
                   f"{_backend(torch.__config__.parallel_info())}")
        if env and not held:
            held = None
            summary += " (thread count forced by the environment: inconclusive)"
    f_default = Finding("multithread-default", held, summary, {
        "get_num_threads": default_threads, "get_num_interop_threads": interop,
        "cores": cores, "os_cpu_count": os.cpu_count(), "thread_env": env,
        "parallel_info": torch.__config__.parallel_info()})
    ctx.progress(0.1, f"default threads {default_threads}")

    torch.manual_seed(ctx.seed)
    model = common.make_cnn(seed=ctx.seed).eval()
    p = ctx.params
    batch = p.batch
    x = torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(ctx.seed))
    runs = p.runs
    counts = list(range(1, max(default_threads, cores) + 1))

    def at(n):
        def f():
            torch.set_num_threads(n)
            model(x)
        return f

    curve = {}
    load = common.cpu_load()  # other processes' busy cores, measured before timing
    try:
        with torch.inference_mode():
            ab = common.compare_ab(at(1), at(max(counts)), warmup=5, runs=runs)
            ctx.progress(0.6, "1 thread vs all cores")
            if p.curve and len(counts) > 2:
                for n in counts:
                    curve[n] = common.measure(at(n), warmup=5, runs=runs)["median_ms"]
    finally:
        torch.set_num_threads(default_threads)
    if not curve:
        curve = {1: ab["a"]["median_ms"], max(counts): ab["b"]["median_ms"]}
    speedup = ab["speedup"]
    n_all = max(counts)
    if n_all < 2:
        held = None
        verdict = "single core: nothing to compare"
    else:
        # Oversubscription: intra-op threads wait at barriers for a thread that shares
        # its core with another process. A fact about a busy machine, not about threads.
        held, verdict = speed_verdict(
            speedup, CLEAR, faster="all cores faster", slower="all cores slower", load=load,
            busy_hides_margin=True, busy_why=f", so {n_all} threads contend for them")
    f_speed = Finding(
        "threads-speedup", held,
        f"CNN batch {batch}: 1 thread {ab['a']['median_ms']:.2f} ms vs {n_all} threads "
        f"{ab['b']['median_ms']:.2f} ms ({speedup:.2f}x): {verdict}",
        {"batch": batch, "cpu_load_before": load, "one_thread": ab["a"],
         "all_threads": ab["b"], "threads": n_all,
         "speedup": speedup, "clear_ratio": CLEAR,
         "restored_threads": torch.get_num_threads(),
         "curve": {"x": list(curve), "y": list(curve.values()), "x_label": "threads",
                   "y_label": "median latency (ms)"}})
    ctx.progress(1.0, "done")
    return [f_default, f_speed]


LAB = Lab(id="threads",
          title={"zh": "线程：PyTorch 默认就多线程",
                 "en": "Threads: PyTorch is multithreaded by default"},
          statements=STATEMENTS, run=run,
          # quick: 12 alternated pairs, no curve over every thread count
          quick=dict(batch=8, runs=12, curve=False),
          full=dict(batch=16, runs=100, curve=True))
