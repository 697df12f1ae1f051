"""quizlab's labs: real experiments that check the deck's claims.

Importing this package (or ``registry()``) never imports torch, onnx or onnxruntime: each
lab module declares its statements at import and imports the heavy libraries inside
``run``. The runner (``labs.runner``) executes a lab, normally in a child process, and
returns a typed ``LabRun``.

This package is a leaf: it imports nothing of ``quiz`` (an import-linter contract in
pyproject.toml says so). Joining a run's findings with a deck's claims and keeping runs
are done on the quiz side, in ``quiz.labs_service``.
"""

from __future__ import annotations

import importlib

from labs.base import Finding, Lab, LabContext, LabRun, LabUnavailable, RunStatus, Statement

# Lab id -> module under labs/, in the order the labs are listed.
MODULES: dict[str, str] = {
    "formats": "formats",
    "dynamic-batch": "dynamic_batch",
    "quantization": "quantization",
    "threads": "threads",
    "fusion": "fusion",
    "pruning": "pruning",
    "hot-swap": "hot_swap",
    "memory": "memory",
    "parity": "parity",
    "loss-export": "loss_export",
    "executorch": "executorch_lab",
    "litert": "litert_lab",
}


def load() -> tuple[dict[str, Lab], dict[str, str]]:
    """Every lab that loads, by id, and every lab module that does not (id -> its error:
    a SyntaxError, an ImportError at import, a wrong ``LAB``), both in ``MODULES`` order.
    A lab whose module is absent is in neither (its claims then fail lint)."""
    out: dict[str, Lab] = {}
    broken: dict[str, str] = {}
    for lab_id, module in MODULES.items():
        try:
            mod = importlib.import_module(f"labs.{module}")
            lab = mod.LAB
        except ModuleNotFoundError as e:
            if e.name == f"labs.{module}":
                continue
            broken[lab_id] = f"labs/{module}.py: {type(e).__name__}: {e}"
            continue
        except Exception as e:  # noqa: BLE001 - one broken module must not hide the others
            broken[lab_id] = f"labs/{module}.py: {type(e).__name__}: {e}"
            continue
        if getattr(lab, "id", None) != lab_id:
            broken[lab_id] = (f"labs/{module}.py declares lab {getattr(lab, 'id', None)!r}, "
                              f"expected {lab_id!r}")
            continue
        out[lab_id] = lab
    return out, broken


def registry() -> dict[str, Lab]:
    """Every lab that loads, by id (a broken module is left out: see ``broken``)."""
    return load()[0]


def broken() -> dict[str, str]:
    """Lab id -> why its module does not load, for each lab module that does not."""
    return load()[1]


__all__ = ["Finding", "Lab", "LabContext", "LabRun", "LabUnavailable", "RunStatus", "Statement",
           "MODULES", "broken", "load", "registry"]
