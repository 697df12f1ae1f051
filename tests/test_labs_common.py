"""Shared lab helpers: the models are the same in every process for a given seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# runs torch (in child processes): a lab test, skipped by `-m "not labs"`
pytestmark = pytest.mark.labs


def weights_in_a_fresh_process(seed: int) -> str:
    code = (
        "import torch; from labs.common import make_cnn, make_mlp;"
        f"torch.manual_seed(12345); c = make_cnn({seed}); m = make_mlp({seed}, width=32);"
        "print(repr(float(c[0].weight.detach().sum())), repr(float(m[0].weight.detach().sum())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_models_depend_on_the_seed_only():
    first = weights_in_a_fresh_process(3)
    assert first == weights_in_a_fresh_process(3)
    assert first != weights_in_a_fresh_process(4)
