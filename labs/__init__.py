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


def registry() -> dict[str, Lab]:
    """Every lab, by id. A lab whose module is absent is left out (its claims then fail lint)."""
    out: dict[str, Lab] = {}
    for lab_id, module in MODULES.items():
        try:
            mod = importlib.import_module(f"labs.{module}")
        except ModuleNotFoundError as e:
            if e.name == f"labs.{module}":
                continue
            raise
        lab = mod.LAB
        if lab.id != lab_id:
            raise RuntimeError(f"labs/{module}.py declares lab {lab.id!r}, expected {lab_id!r}")
        out[lab_id] = lab
    return out


__all__ = ["Finding", "Lab", "LabContext", "LabRun", "LabUnavailable", "RunStatus", "Statement",
           "MODULES", "registry"]
