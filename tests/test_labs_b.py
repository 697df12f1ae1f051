"""Labs quantization, threads, fusion, pruning, hot-swap and memory, run in quick mode.

Each lab runs once per module (fixtures) and the tests assert the structural facts that
settle the deck's claims: sizes, equality within tolerance, warnings, ops removed, RSS
growth direction. No timing is asserted: speed findings may be None on a busy machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from lab_quick import run_quick as _run  # noqa: E402

from labs import fusion, hot_swap, memory, pruning, quantization, threads  # noqa: E402
from labs.base import LabContext  # noqa: E402

pytestmark = pytest.mark.labs
ROOT = Path(__file__).resolve().parents[1]
MODULES = (quantization, threads, fusion, pruning, hot_swap, memory)


@pytest.fixture(scope="module")
def quant(tmp_path_factory):
    return _run(quantization, tmp_path_factory)


@pytest.fixture(scope="module")
def fus(tmp_path_factory):
    return _run(fusion, tmp_path_factory)


@pytest.fixture(scope="module")
def prun(tmp_path_factory):
    return _run(pruning, tmp_path_factory)


@pytest.fixture(scope="module")
def swap(tmp_path_factory):
    return _run(hot_swap, tmp_path_factory)


@pytest.fixture(scope="module")
def mem(tmp_path_factory):
    return _run(memory, tmp_path_factory)


# --------------------------------------------------------------------------- quantization


def test_int8_size_is_about_4x(quant):
    f = quant["int8-size"]
    assert 3.5 <= f.evidence["ratio"] <= 4.2
    assert f.evidence["fp32_bytes"] > 16_000_000  # 4 x Linear(1024, 1024) in fp32
    assert f.held is True


def test_int8_outputs_close_not_identical(quant):
    f = quant["int8-accuracy"]
    assert 0 < f.evidence["relative_error"] < 0.05
    assert f.held is True


def test_int8_speed_reports_medians_for_both_batches(quant):
    ev = quant["int8-speed"].evidence
    for key in ("batch1_fp32", "batch1_int8", "batch32_fp32", "batch32_int8"):
        assert ev[key]["median_ms"] > 0 and ev[key]["runs"] >= 20
    assert ev["engine"] in ("x86", "fbgemm")
    assert ev["threads"] == 1


def test_static_ptq_saves_a_working_ptl(quant):
    f = quant["static-ptq"]
    assert f.held is True
    assert "QuantizedConvReLU2d" in f.evidence["quantized_modules"]
    assert f.evidence["ptl_bytes"] > 0
    assert f.evidence["ptl_vs_int8_eager_max_abs_diff"] <= 1e-5


def test_onnxruntime_quantization_is_about_4x(quant):
    f = quant["ort-quantize"]
    assert 3.5 <= f.evidence["ratio"] <= 4.2
    assert f.held is True


def test_ao_quantization_deprecation_is_captured(quant):
    f = quant["ao-deprecated"]
    assert f.held is True
    assert "torch.ao.quantization is deprecated" in f.evidence["warning"]
    assert "torchao" in f.evidence["warning"]
    import importlib.util

    if importlib.util.find_spec("torchao") is None:
        assert f.evidence["torchao"].startswith("torchao not installed")
    else:  # quick mode skips torchao's 2.6 s import; test_torchao_path runs it
        assert "runs in full mode" in f.evidence["torchao"]


def test_torchao_path(tmp_path):
    """The full-mode torchao step on its own: Int8WeightOnlyConfig makes the MLP ~4x smaller."""
    pytest.importorskip("torchao")
    import torch

    from labs import common

    fp32 = common.make_mlp(seed=0).eval()
    torch.save(fp32.state_dict(), tmp_path / "mlp_fp32.pt")
    ctx = LabContext(quick=False, workdir=tmp_path, params=quantization.LAB.full)
    ev = quantization._torchao(ctx, torch, {"mlp_fp32": fp32})
    assert 3.5 < ev["torchao_ratio"] < 4.2, ev
    assert 0 < ev["torchao_relative_error"] < 0.05
    assert ev["torchao_batch1_int8"]["runs"] == 100


# --------------------------------------------------------------------------- threads


def test_threads_default_is_multithreaded(tmp_path):
    """In a fresh process (as the runner does): no earlier test may have set threads."""
    code = ("import json, pathlib, sys\nfrom labs.threads import LAB\nfrom labs.base import "
            "LabContext\nimport torch\nfs = LAB.run(LabContext(quick=True, workdir="
            f"pathlib.Path({str(tmp_path)!r})))\n"
            "print(json.dumps({'f': [f.to_dict() for f in fs], "
            "'after': torch.get_num_threads()}))\n")
    env = {k: v for k, v in os.environ.items() if k not in threads.THREAD_ENV}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, env=env)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    default, speed = data["f"]
    cores = threads._cores()
    assert default["evidence"]["get_num_threads"] == cores
    assert default["held"] is (True if cores > 1 else None)
    assert data["after"] == default["evidence"]["get_num_threads"]  # restored
    assert speed["evidence"]["restored_threads"] == cores
    assert speed["evidence"]["one_thread"]["median_ms"] > 0
    assert len(speed["evidence"]["curve"]["x"]) == len(speed["evidence"]["curve"]["y"])


# --------------------------------------------------------------------------- fusion


def test_fusion_is_exact(fus):
    f = fus["fusion-exact"]
    assert f.held is True
    assert f.evidence["max_abs_diff"] < 1e-5
    assert f.evidence["frozen_max_abs_diff"] < 1e-5


def test_fusion_removes_batchnorm(fus):
    f = fus["fusion-fewer-ops"]
    assert f.held is True
    ev = f.evidence
    assert ev["modules_before"]["BatchNorm2d"] == 3
    assert "BatchNorm2d" not in ev["modules_after"]
    assert ev["graph_ops_before"]["aten::batch_norm"] == 3
    assert "aten::batch_norm" not in ev["graph_ops_after"]
    assert "Fusion only for eval" in ev["train_mode_error"]


def test_freeze_folds_bn(fus):
    f = fus["freeze-folds-bn"]
    assert f.held is True
    assert f.evidence["scripted_ops"]["aten::batch_norm"] == 3
    assert "aten::batch_norm" not in f.evidence["frozen_ops"]


def test_fusion_timing_is_ab(fus):
    ev = fus["fusion-faster"].evidence
    assert ev["unfused"]["runs"] == ev["fused"]["runs"] >= 20


# --------------------------------------------------------------------------- pruning


def test_unstructured_pruning_keeps_dense_size(prun):
    f = prun["unstructured-same-size"]
    assert f.held is True
    ev = f.evidence
    assert abs(ev["weight_sparsity"] - 0.5) < 0.01
    assert abs(ev["pruned_bytes_after_remove"] - ev["dense_bytes"]) < 0.01 * ev["dense_bytes"]
    assert 1.9 < ev["before_remove_ratio"] < 2.1


def test_zeros_only_save_space_compressed(prun):
    f = prun["compressed-smaller"]
    assert f.held is True
    ev = f.evidence
    assert ev["pruned50_gzip_bytes"] < 0.8 * ev["dense_gzip_bytes"]
    assert ev["csr50_bytes"] > ev["dense_bytes"]  # sparse storage loses at 50%
    assert ev["csr90_bytes"] < ev["dense_bytes"]


def test_structured_pruning_shrinks_and_stays_exact(prun):
    ev = prun["structured-smaller"].evidence
    assert ev["structured_bytes"] < 0.6 * ev["dense_bytes"]
    assert ev["max_abs_diff_vs_masked"] < 1e-4
    assert ev["max_abs_diff_without_bias_fold"] > 1e-3  # the fold is what makes it exact
    assert ev["kept_neurons"] == [ev["width"] // 2] * 3
    assert prun["structured-smaller"].held is not False


# --------------------------------------------------------------------------- hot swap


def test_reload_in_process(swap):
    f = swap["reload-in-process"]
    assert f.held is True
    for fmt in ("ptl", "pt"):
        r = f.evidence[fmt]
        assert r["reloads"] == r["swaps"] >= 2
        assert r["errors"] == [] and r["unmatched_outputs"] == 0
        assert r["final_model"] == r["expected_final"]
        assert r["old_handle_max_abs_diff_vs_A"] == 0.0
        assert len(r["served_by"]) == r["swaps"] + 1  # A, B, A, ... each served requests
        # The first request after each reload already gets the new model's output.
        assert [t["after_model"] for t in r["outputs_around_reloads"]] == r["swap_order"][:4]
        first = r["outputs_around_reloads"][0]
        assert first["before"] != first["after"]
    assert f.evidence["pid"] == os.getpid()  # same process, no restart
    assert f.evidence["models_max_abs_diff_A_vs_B"] > 1e-3


def test_torn_write_fails_to_load(swap):
    err = swap["reload-in-process"].evidence["torn_write_error"]
    assert err.startswith(("RuntimeError", "ValueError", "OSError"))


# --------------------------------------------------------------------------- memory


def test_no_grad_is_flat(mem):
    f = mem["no-leak-no-grad"]
    assert f.held is True
    assert abs(f.evidence["no_grad"]["mb_per_100"]) < 1.0
    assert abs(f.evidence["inference_mode"]["mb_per_100"]) < 1.0


def test_kept_graphs_grow(mem):
    f = mem["kept-graphs-grow"]
    assert f.held is True
    ev = f.evidence
    graph, detached = ev["kept_graph"]["mb_per_100"], ev["kept_detached"]["mb_per_100"]
    assert graph > 10  # MB per 100 inferences
    assert graph > 2 * detached
    assert ev["kept_graph"]["outputs_have_grad_fn"] is True
    assert ev["kept_detached"]["outputs_have_grad_fn"] is False
    # Measured growth is of the order of what autograd saves per call.
    assert 0.5 < graph / ev["expected_graph_mb_per_100"] < 2.0
