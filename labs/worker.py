"""Run one lab in this process and stream JSON lines to the parent (``python -m labs.worker``).

The protocol goes to a private copy of stdout; the real stdout is pointed at stderr first,
so whatever torch, the ONNX exporter or ExecuTorch print cannot corrupt it. Lines:
``{"type": "progress", "fraction", "message"}``, ``{"type": "log", "line"}``, and last
``{"type": "result", "status", "error", "findings", "env"}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from labs.base import LabContext, LabUnavailable, base_env
from labs.skeleton import findings_problem

# Packages whose absence means "the labs extra is not installed", not a bug in a lab.
OPTIONAL = {"torch", "onnx", "onnxruntime", "onnxscript", "executorch", "torchao", "numpy"}


def execute(lab_id: str, quick: bool, seed: int, emit) -> dict[str, Any]:
    """Run the lab with ``emit(dict)`` for progress and log lines; return the result message."""
    from labs import registry

    lab = registry().get(lab_id)
    if lab is None:
        return {
            "type": "result",
            "status": "failed",
            "error": f"no lab {lab_id!r}",
            "findings": [],
            "env": base_env(),
        }

    def progress(fraction: float, message: str) -> None:
        emit(
            {
                "type": "progress",
                "fraction": max(0.0, min(1.0, float(fraction))),
                "message": str(message),
            }
        )

    def log(line: str) -> None:
        emit({"type": "log", "line": str(line)})

    status, error, findings, tb = "ok", None, [], None
    # Lab.requires, checked before the run: a missing extra is "unavailable" with the
    # package and the pip command, before the lab imports anything.
    missing = lab.requirement_problem()
    if missing:
        return {"type": "result", "status": "unavailable", "error": missing, "findings": [],
                "env": {**base_env(), "quick": quick}}
    with tempfile.TemporaryDirectory(prefix=f"quizlab-{lab_id}-") as tmp:
        ctx = LabContext(quick=quick, workdir=Path(tmp), progress=progress, log=log, seed=seed)
        try:
            returned = list(lab.run(ctx))
            findings = [f.to_dict() for f in returned]
            # The declared statements are the contract: a finding missing, undeclared,
            # repeated or out of order fails the run (the findings are kept to read).
            problem = findings_problem(lab, returned)
            if problem:
                status, error = "failed", problem
        except LabUnavailable as e:
            status, error = "unavailable", str(e)
        except ModuleNotFoundError as e:
            if (e.name or "").split(".")[0] in OPTIONAL:
                status = "unavailable"
                error = (
                    f"{e.name} is not installed; install the labs extra: pip install -e '.[labs]'"
                )
            else:
                status, error, tb = "failed", f"{type(e).__name__}: {e}", traceback.format_exc()
        except Exception as e:  # noqa: BLE001 - any failure is reported, with its traceback
            status, error, tb = "failed", f"{type(e).__name__}: {e}", traceback.format_exc()
    env = base_env()
    if "torch" in sys.modules:  # only describe torch when the lab loaded it
        from labs.common import torch_env

        env = torch_env(quick)
    env["quick"] = quick
    env["params"] = lab.params(quick).to_json()  # the sizes the figures were measured at
    out = {"type": "result", "status": status, "error": error, "findings": findings, "env": env}
    if tb:
        out["traceback"] = tb[-4000:]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m labs.worker")
    ap.add_argument("lab")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    proto = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    def emit(msg: dict) -> None:
        proto.write(json.dumps(msg, ensure_ascii=False, default=str) + "\n")

    emit(execute(args.lab, args.quick, args.seed, emit))
    proto.flush()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # The result is delivered and the work folder removed: skip the interpreter's teardown,
    # which after a litert run (jax, MLIR, the LiteRT converter) took ~2 s of the lab's time.
    os._exit(code)
