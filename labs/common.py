"""Helpers every lab shares: timing, sizes, environment, warnings, small models, diffs.

Importing this module never imports torch, onnx or onnxruntime: every function that
needs them imports them when called (from inside a lab's ``run``).

Timing rules (see docs/toolchain-facts): warm up first, take many runs, report the median
with its spread (p10/p90), and compare two variants *alternately in the same process*
(``compare_ab``) rather than in two separate measurements.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from labs.base import base_env
from labs.skeleton import torch_threads  # noqa: F401 - re-exported: the skeleton owns it

# --------------------------------------------------------------------------- timing


def _percentile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in [0, 1]) of an already sorted list."""
    if not sorted_values:
        return float("nan")
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    frac = pos - lo
    return sorted_values[lo] * (1 - frac) + sorted_values[hi] * frac


def summarize(times_ms: list[float]) -> dict[str, Any]:
    """Median and spread of a list of durations in milliseconds."""
    s = sorted(times_ms)
    return {
        "median_ms": statistics.median(s) if s else float("nan"),
        "p10_ms": _percentile(s, 0.10),
        "p90_ms": _percentile(s, 0.90),
        "min_ms": s[0] if s else float("nan"),
        "max_ms": s[-1] if s else float("nan"),
        "runs": len(s),
    }


def measure(
    fn: Callable[[], Any],
    warmup: int = 3,
    runs: int = 20,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """Call ``fn`` ``warmup`` times untimed, then ``runs`` times timed one by one.

    Returns {"median_ms", "p10_ms", "p90_ms", "min_ms", "max_ms", "runs", "warmup"}.
    """
    for _ in range(max(0, warmup)):
        fn()
    times = []
    for _ in range(max(1, runs)):
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1e3)
    out = summarize(times)
    out["warmup"] = warmup
    return out


def compare_ab(
    a: Callable[[], Any],
    b: Callable[[], Any],
    warmup: int = 3,
    runs: int = 20,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """Time A and B alternately in this process (ABBA order, so neither always goes first).

    Returns {"a": stats, "b": stats, "speedup": median(A) / median(B), "ratio":
    median(B) / median(A)}: ``speedup`` > 1 means B is faster.
    """
    for _ in range(max(0, warmup)):
        a()
        b()
    ta: list[float] = []
    tb: list[float] = []
    for i in range(max(1, runs)):
        order = ((a, ta), (b, tb)) if i % 2 == 0 else ((b, tb), (a, ta))
        for fn, acc in order:
            t0 = clock()
            fn()
            acc.append((clock() - t0) * 1e3)
    sa, sb = summarize(ta), summarize(tb)
    sa["warmup"] = sb["warmup"] = warmup
    return {
        "a": sa,
        "b": sb,
        "speedup": sa["median_ms"] / sb["median_ms"] if sb["median_ms"] else float("inf"),
        "ratio": sb["median_ms"] / sa["median_ms"] if sa["median_ms"] else float("inf"),
    }


def compare_many(
    fns: dict[str, Callable[[], Any]],
    warmup: int = 3,
    runs: int = 20,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, dict[str, Any]]:
    """Like ``compare_ab`` for several variants: round-robin, rotating who goes first."""
    names = list(fns)
    for _ in range(max(0, warmup)):
        for n in names:
            fns[n]()
    acc: dict[str, list[float]] = {n: [] for n in names}
    for i in range(max(1, runs)):
        k = i % len(names)
        for n in names[k:] + names[:k]:
            t0 = clock()
            fns[n]()
            acc[n].append((clock() - t0) * 1e3)
    out = {}
    for n in names:
        out[n] = summarize(acc[n])
        out[n]["warmup"] = warmup
    return out


def _proc_stat() -> tuple[int, int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as f:
            parts = f.readline().split()
    except OSError:
        return None
    vals = [int(v) for v in parts[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
    total = sum(vals[:8])  # guest time is already counted in user
    return total, idle


def cpu_load(interval: float = 0.5) -> dict[str, Any]:
    """How many cores *other* processes kept busy over ``interval`` seconds (Linux).

    {"busy_cores": float, "cores": int, "interval_s": float, "available": bool}; on
    systems without /proc, busy_cores is 0.0 and available False.
    """
    cores = os.cpu_count() or 1
    first = _proc_stat()
    if first is None:
        time.sleep(0)
        return {"busy_cores": 0.0, "cores": cores, "interval_s": 0.0, "available": False}
    own0 = time.process_time()
    time.sleep(interval)
    second = _proc_stat()
    own1 = time.process_time()
    assert second is not None
    d_total = second[0] - first[0]
    d_idle = second[1] - first[1]
    if d_total <= 0:
        return {"busy_cores": 0.0, "cores": cores, "interval_s": interval, "available": False}
    busy_fraction = (d_total - d_idle) / d_total
    busy = busy_fraction * cores - (own1 - own0) / interval
    return {
        "busy_cores": round(max(0.0, busy), 2),
        "cores": cores,
        "interval_s": interval,
        "available": True,
    }


# --------------------------------------------------------------------------- sizes


def file_size(path: str | os.PathLike) -> int:
    """Bytes on disk of a model file, counting what it needs beside it.

    For an ``.onnx`` file the external-data file the default exporter writes next to it
    (``model.onnx.data``) is added; a folder counts every file below it.
    """
    p = Path(path)
    if p.is_dir():
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    size = p.stat().st_size
    if p.suffix == ".onnx":
        for extra in (p.with_name(p.name + ".data"), p.with_suffix(".data")):
            if extra.is_file():
                size += extra.stat().st_size
                break
    return size


# --------------------------------------------------------------------------- environment


def package_version(name: str) -> str | None:
    """Installed version of a distribution, without importing it (None when absent)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


TIMING_ENV = (
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TORCH_NUM_THREADS",
)


def torch_env(quick: bool | None = None) -> dict[str, Any]:
    """The environment a lab ran in: machine, library versions, torch threads, XNNPACK.

    Imports torch (call it from a lab's run); onnx / onnxruntime / executorch versions are
    read from package metadata, so they are not imported.
    """
    env = base_env()
    if quick is not None:
        env["quick"] = bool(quick)
    for dist in ("torch", "onnx", "onnxruntime", "onnxscript", "executorch", "torchao",
                 "litert-torch", "ai-edge-litert"):
        env[dist] = package_version(dist)
    try:
        import torch
    except ImportError:
        env["torch_importable"] = False
        return env
    env["torch"] = torch.__version__
    env["threads"] = torch.get_num_threads()
    env["interop_threads"] = torch.get_num_interop_threads()
    try:
        env["xnnpack"] = bool(torch._C._is_xnnpack_enabled())
    except AttributeError:
        env["xnnpack"] = None
    try:
        env["quantized_engine"] = torch.backends.quantized.engine
    except Exception:  # noqa: BLE001 - informative only
        env["quantized_engine"] = None
    env["env_vars"] = {k: os.environ[k] for k in TIMING_ENV if k in os.environ}
    return env


# --------------------------------------------------------------------------- warnings


@contextlib.contextmanager
def capture_warnings() -> Iterator[list]:
    """Record every warning raised inside the block, including ones Python would hide.

    torch.jit's DeprecationWarnings have no stacklevel, so the default filters drop them;
    here ``simplefilter("always")`` keeps them. Yields the list of
    ``warnings.WarningMessage``; ``warning_texts(caught)`` turns it into strings.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def warning_texts(caught: list) -> list[str]:
    """ "Category: message" for each captured warning, exact duplicates dropped, in order."""
    out: list[str] = []
    for w in caught:
        if isinstance(w, str):
            text = w
        else:
            text = f"{w.category.__name__}: {w.message}"
        if text not in out:
            out.append(text)
    return out


# --------------------------------------------------------------------------- models


def _seeded(seed: int):
    """A context in which torch's global RNG is seeded, restored afterwards."""
    import torch

    @contextlib.contextmanager
    def ctx():
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield

    return ctx()


def make_cnn(seed: int = 0, channels: tuple[int, ...] = (16, 32, 64), classes: int = 10):
    """A small deterministic CNN for 3x32x32 inputs: conv-bn-relu blocks, pooling, linear head.

    An ``nn.Sequential`` (so eager-mode quantization and ``fuse_modules`` work on it by
    module name): [Conv2d, BatchNorm2d, ReLU] per block (stride 2 after the first),
    then AdaptiveAvgPool2d(1), Flatten, Linear. Returned in train mode like any module:
    call ``.eval()``.
    """
    import torch
    from torch import nn

    # Weights are drawn when each layer is built, so the layers are built inside the
    # seeded block: the same seed gives the same model in every process.
    with _seeded(seed):
        layers: list[nn.Module] = []
        c_in = 3
        for i, c in enumerate(channels):
            layers += [
                nn.Conv2d(c_in, c, 3, stride=1 if i == 0 else 2, padding=1, bias=False),
                nn.BatchNorm2d(c),
                nn.ReLU(),
            ]
            c_in = c
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, classes)]
        model = nn.Sequential(*layers)
    del torch
    return model


CNN_INPUT = (3, 32, 32)  # per-sample input shape of make_cnn


def conv_bn_relu_groups(model) -> list[list[str]]:
    """Names of [conv, bn(, relu)] runs inside the model's Sequential containers, in the
    form ``torch.ao.quantization.fuse_modules`` takes."""
    from torch import nn

    groups: list[list[str]] = []
    for prefix, mod in model.named_modules():
        if not isinstance(mod, nn.Sequential):
            continue
        kids = list(mod.named_children())
        i = 0
        while i < len(kids):
            name, m = kids[i]
            if (
                isinstance(m, nn.Conv2d)
                and i + 1 < len(kids)
                and isinstance(kids[i + 1][1], nn.BatchNorm2d)
            ):
                grp = [name, kids[i + 1][0]]
                if i + 2 < len(kids) and isinstance(kids[i + 2][1], nn.ReLU):
                    grp.append(kids[i + 2][0])
                groups.append([f"{prefix}.{n}" if prefix else n for n in grp])
                i += len(grp)
            else:
                i += 1
    return groups


def make_mlp(seed: int = 0, width: int = 1024, layers: int = 4):
    """A Linear-heavy MLP: ``layers`` x Linear(width, width) with ReLU between (an
    ``nn.Sequential``; 4 x 1024 is about 16.8 MB of fp32 weights)."""
    from torch import nn

    with _seeded(seed):  # layers draw their weights when built: build them seeded
        mods: list[nn.Module] = []
        for i in range(layers):
            mods.append(nn.Linear(width, width))
            if i < layers - 1:
                mods.append(nn.ReLU())
        model = nn.Sequential(*mods)
    return model


def randn(shape: tuple[int, ...] | list[int], seed: int = 0):
    """A float32 normal tensor from its own generator (the global RNG is untouched)."""
    import torch

    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


# --------------------------------------------------------------------------- comparisons


def _to_numpy(x):
    import numpy as np

    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def max_abs_diff(a, b) -> float:
    """Largest absolute difference between two tensors / arrays (or sequences of them).

    Raises ValueError when the shapes differ: a wrong shape is not a small difference.
    """
    import numpy as np

    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            raise ValueError(f"{len(a)} outputs vs {len(b)}")
        return max((max_abs_diff(x, y) for x, y in zip(a, b, strict=True)), default=0.0)
    xa, xb = _to_numpy(a), _to_numpy(b)
    if xa.shape != xb.shape:
        raise ValueError(f"shapes differ: {tuple(xa.shape)} vs {tuple(xb.shape)}")
    if xa.size == 0:
        return 0.0
    return float(np.max(np.abs(xa.astype(np.float64) - xb.astype(np.float64))))


def error_text(exc: BaseException, limit: int = 400) -> str:
    """``Type: message`` of an exception, first meaningful lines only, for evidence."""
    msg = str(exc).strip()
    lines = [ln.rstrip() for ln in msg.splitlines() if ln.strip()]
    text = " | ".join(lines[:4]) if lines else ""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def quiet_onnx_logs() -> None:
    """Silence torch.onnx's per-op info/warning lines (e.g. missing torchvision ops)."""
    import logging

    for name in ("torch.onnx", "torch.onnx._internal", "onnxscript"):
        logging.getLogger(name).setLevel(logging.ERROR)


def export_onnx(
    model,
    example,
    path: str | os.PathLike,
    *,
    dynamic_batch: bool = False,
    external_data: bool = False,
) -> dict[str, Any]:
    """``torch.onnx.export`` (dynamo exporter) quietly; with ``dynamic_batch`` the first
    dim of the (single) input is ``Dim("batch")`` (the example batch must be >= 2).

    Returns {"path", "seconds", "warnings"}; errors propagate.
    """
    import torch

    quiet_onnx_logs()
    kwargs: dict[str, Any] = {"dynamo": True, "verbose": False, "external_data": external_data}
    if dynamic_batch:
        kwargs["dynamic_shapes"] = ({0: torch.export.Dim("batch")},)
    t0 = time.perf_counter()
    with capture_warnings() as caught, contextlib.redirect_stdout(_Sink()):
        torch.onnx.export(model, (example,), str(path), **kwargs)
    return {
        "path": str(path),
        "seconds": time.perf_counter() - t0,
        "warnings": warning_texts(caught),
    }


def export_onnx_for_lab(model, example, path: str | os.PathLike, legacy: bool) -> str:
    """Write an .onnx file the way a lab run needs it; returns which exporter wrote it.

    ``legacy`` (a lab's quick parameter ``legacy_onnx``) uses the legacy exporter
    (dynamo=False): it writes the same graph for a small CNN in ~0.3 s, where the dynamo
    exporter's first call costs seconds. Otherwise (full mode) the default, dynamo,
    exporter, as a user of torch 2.13 would."""
    import torch

    if legacy:
        with capture_warnings():
            torch.onnx.export(model, (example,), str(path), dynamo=False)
        return "legacy (dynamo=False, quick mode)"
    export_onnx(model, example, path)
    return "dynamo (default)"


class _Sink:
    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass
