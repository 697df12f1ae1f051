"""What every lab repeats, in one place: the thread count it runs at, the extras it needs,
the choice of its quick or full parameters, the speed verdict with its clear margin, and
the check that a run returned exactly the findings its lab declared.

Pure Python, like ``labs.base``: importing this never imports torch. ``in_threads`` and
``requirement_problem`` import or look up torch only when called. Timing itself (warm-up,
median with p10/p90, ABBA interleaving) is ``labs.common.measure`` / ``compare_ab`` /
``compare_many``; the verdict on a timed ratio is here.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labs.base import Finding, Lab, LabContext, Params

# Each extra of pyproject.toml a lab may require, the modules that prove it is installed,
# and the extras to name in the install command (litert resolves only with executorch:
# README "Set up").
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "labs": (("torch", "onnx", "onnxruntime"), "labs"),
    "executorch": (("executorch",), "labs,executorch"),
    "litert": (("litert_torch", "ai_edge_litert"), "labs,executorch,litert"),
}

# A speed-up thinner than this is "inconclusive here", not a result (most labs use it).
CLEAR = 1.15


def install_hint(extra: str) -> str:
    spec = EXTRAS.get(extra, ((), f"labs,{extra}"))[1]
    return f"install the {extra} extra: pip install -e '.[{spec}]'"


def requirement_problem(requires: Iterable[str]) -> str | None:
    """None when every extra in ``requires`` looks installed, else which package is missing
    and the pip command that adds it. Looks the modules up without importing them. (The
    ``labs`` extra itself need not be declared: a lab that imports torch without it is
    reported the same way by the worker, from the ModuleNotFoundError.)"""
    for extra in requires:
        modules = EXTRAS.get(extra, ((extra,), extra))[0]
        for name in modules:
            try:
                found = importlib.util.find_spec(name) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                return f"{name} is not installed; {install_hint(extra)}"
    return None


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[int]:
    """Run the block with ``torch.set_num_threads(n)``, restoring the previous count.

    On a 2-core machine that other processes also use, two OpenMP threads wait at
    barriers for a descheduled peer: 3 SGD steps of the small CNN took 1.4-3 s with 2
    threads and 0.06 s with 1 here. Labs whose findings are not about threads run their
    work under ``torch_threads(1)``. Yields the previous count.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield before
    finally:
        torch.set_num_threads(before)


def in_threads(n: int, run: Callable[[LabContext], list[Finding]]
               ) -> Callable[[LabContext], list[Finding]]:
    """``run`` under ``torch.set_num_threads(n)``, the previous count restored after.

    On a 2-core machine shared with other processes two OpenMP threads wait at barriers for
    a descheduled peer (work that is not about threads ran up to 20x slower), so most labs
    declare ``threads=1`` on their ``Lab`` and get this around their ``run``."""

    @functools.wraps(run)
    def wrapped(ctx: LabContext) -> list[Finding]:
        with torch_threads(n):
            return run(ctx)

    wrapped.threads = n  # type: ignore[attr-defined]
    return wrapped


def params_problem(quick: Params, full: Params) -> str | None:
    """None when a lab's quick and full parameter sets have the same keys; else which keys
    only one of them has (``Lab`` refuses such a declaration)."""
    only_quick = [k for k in quick if k not in full]
    only_full = [k for k in full if k not in quick]
    if not only_quick and not only_full:
        return None
    parts = []
    if only_quick:
        parts.append(f"only in quick: {', '.join(only_quick)}")
    if only_full:
        parts.append(f"only in full: {', '.join(only_full)}")
    return "the quick and full parameters must have the same keys (" + "; ".join(parts) + ")"


def choose_params(quick: Params, full: Params, is_quick: bool) -> Params:
    """The set a run gets: the quick one in quick mode, else the full one. The one place
    that asks whether a run is quick (labs themselves read ``ctx.params``)."""
    return quick if is_quick else full


def with_params(quick: Params, full: Params, run: Callable[[LabContext], list[Finding]]
                ) -> Callable[[LabContext], list[Finding]]:
    """``run`` with ``ctx.params`` filled in from the lab's declared sets by ``ctx.quick``
    (a context that already has params keeps them). ``Lab`` wraps every ``run`` so."""

    @functools.wraps(run)
    def wrapped(ctx: LabContext) -> list[Finding]:
        if ctx is not None and getattr(ctx, "params", None) is None:
            ctx.params = choose_params(quick, full, bool(ctx.quick))
        return run(ctx)

    wrapped.chooses_params = True  # type: ignore[attr-defined]
    return wrapped


def speed_verdict(ratio: float, clear: float = CLEAR, *, faster: str, slower: str,
                  load: dict[str, Any] | None = None, busy_hides_margin: bool = False,
                  busy_why: str = " while timing") -> tuple[bool | None, str]:
    """The held / not held / could not tell verdict on a speed ratio (> 1: the claim's way).

    Above ``clear``: held (``faster``); below ``1 / clear``: not held (``slower``); between:
    inconclusive. With ``load`` (``labs.common.cpu_load``) showing other processes on more
    than half a core, a slowdown is no evidence either (threads contend for the busy cores):
    inconclusive, and with ``busy_hides_margin`` the thin-margin band says so too."""
    busy = load is not None and float(load.get("busy_cores") or 0.0) > 0.5
    if ratio > clear:
        return True, faster
    if busy and (ratio < 1 / clear or busy_hides_margin):
        assert load is not None
        return None, (f"inconclusive: other processes kept {load['busy_cores']:.1f} of "
                      f"{load['cores']} cores busy{busy_why}")
    if ratio < 1 / clear:
        return False, slower
    return None, f"inconclusive on this machine (margin < {clear}x)"


def findings_problem(lab: Lab, findings: Sequence[Finding]) -> str | None:
    """None when ``findings`` are exactly the lab's declared statements, in order; else
    what is missing, undeclared, repeated or out of order."""
    want = lab.finding_ids()
    got = [f.id for f in findings]
    if got == want:
        return None
    missing = [i for i in want if i not in got]
    extra = [i for i in got if i not in want]
    dupes = sorted({i for i in got if got.count(i) > 1})
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        parts.append(f"undeclared {', '.join(extra)}")
    if dupes:
        parts.append(f"repeated {', '.join(dupes)}")
    if not parts:
        parts.append(f"out of order (declared {', '.join(want)})")
    return f"the findings do not match the statements lab {lab.id!r} declares: " \
           + "; ".join(parts)
