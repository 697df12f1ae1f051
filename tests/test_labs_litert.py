"""Lab litert (LiteRT, formerly TensorFlow Lite), run once in quick mode.

The tests assert the toolchain facts that settle the deck's claims: outputs within
tolerance, shapes and shape signatures, the exact error texts of the interpreter and of
torch.export, file size ratios, which ops the delegate took. No timing is asserted: the
XNNPACK finding may be None on a busy machine.
"""

from __future__ import annotations

import importlib.util

import pytest

pytest.importorskip("torch")

from lab_quick import run_quick as _run  # noqa: E402

from labs import litert_lab  # noqa: E402
from labs.base import LabContext, LabUnavailable  # noqa: E402

pytestmark = pytest.mark.labs
HAS_LITERT = all(importlib.util.find_spec(m) is not None
                 for m in ("litert_torch", "ai_edge_litert"))
needs_litert = pytest.mark.skipif(not HAS_LITERT,
                                  reason="litert-torch / ai-edge-litert not installed (extra)")
INPUT = [1, 3, 32, 32]


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    return _run(litert_lab, tmp_path_factory)


def test_litert_lab_says_how_to_install(tmp_path, monkeypatch):
    """Without the extra the lab raises LabUnavailable with the one-command install (here
    simulated when it is installed), before converting anything."""
    real = litert_lab.common.has_module
    monkeypatch.setattr(litert_lab.common, "has_module",
                        lambda name: False if name == "litert_torch" else real(name))
    with pytest.raises(LabUnavailable,
                       match=r"litert_torch not installed.*pip install -e "
                             r"'\.\[labs,executorch,litert\]'"):
        litert_lab.LAB.run(LabContext(quick=True, workdir=tmp_path))
    assert litert_lab.LAB.requires == ("litert",)
    assert list(tmp_path.iterdir()) == []


@needs_litert
def test_converts_and_matches_without_tensorflow(lite):
    f = lite["converts-and-matches"]
    assert f.held is True
    ev = f.evidence
    assert ev["max_abs_diff"] <= 1e-5 and ev["wrapper_max_abs_diff"] <= 1e-5
    assert ev["tensorflow_imported"] is False
    assert "CONV_2D" in ev["builtin_ops"] and "FULLY_CONNECTED" in ev["builtin_ops"]
    assert ev["ops"][-1] == "DELEGATE"  # the default interpreter hands the graph to XNNPACK
    assert ev["tflite_bytes"] > 50_000  # ~24k float32 parameters plus the flatbuffer


@needs_litert
def test_batch_is_stored_as_one(lite):
    f = lite["batch-stored-static"]
    assert f.held is True
    assert f.evidence["static"] == {"shape": INPUT, "shape_signature": INPUT}
    assert f.evidence["dynamic"] == {"shape": INPUT, "shape_signature": [-1, 3, 32, 32]}


@needs_litert
def test_another_batch_needs_resize_then_allocate(lite):
    f = lite["resize-then-allocate"]
    assert f.held is True
    assert set(f.evidence["models"]) == {"static_b1", "dynamic"}
    for row in f.evidence["models"].values():
        assert row["set_without_resize"] == (
            "ValueError: Cannot set tensor: Dimension mismatch. Got 8 but expected 1 for "
            "dimension 0 of input 0.")
        assert row["set_without_allocate"] == (
            "ValueError: Cannot set tensor: Tensor is unallocated. Try calling "
            "allocate_tensors() first")
        assert "not ready" in row["invoke_without_allocate"]
        assert row["after_allocate"] is None and row["output_shape"] == [8, 10]


@needs_litert
def test_static_batch_one_runs_batch_eight(lite):
    f = lite["static-batch-resizes"]
    assert f.held is True
    assert f.evidence["output_shape"] == [8, 10]
    assert len(f.evidence["row_max_abs_diff"]) == 8
    assert max(f.evidence["row_max_abs_diff"]) <= 1e-5
    assert f.evidence["input_after_resize"]["shape"] == [8, 3, 32, 32]


@needs_litert
def test_reshape_constant_fails_at_allocate(lite):
    f = lite["batch-constant-op-fails"]
    assert f.held is True
    ev = f.evidence
    assert ev["reshape_constant_shape"] == [1, 8 * 16 * 16]
    assert "RESHAPE" in ev["ops"]
    builtin = ev["failures"]["builtin"]["allocate_tensors"]
    assert "(16384 != 2048)" in builtin and "(RESHAPE) failed to prepare" in builtin
    assert "XNNPack delegate failed to reshape" in ev["failures"]["xnnpack"]["allocate_tensors"]
    assert ev["batch1_max_abs_diff"] <= 1e-5


@needs_litert
def test_strict_resize_refuses_a_fixed_batch(lite):
    f = lite["strict-resize-refused"]
    assert f.held is True
    assert f.evidence["static_strict_error"] == (
        "RuntimeError: Attempting to resize dimension 0 of tensor 0 with value 1 to 8. "
        "ResizeInputTensorStrict only allows mutating unknown dimensions identified by -1.")
    assert f.evidence["dynamic_strict"] == "accepted, runs batch 8"


@needs_litert
def test_dim_batch_needs_example_two_then_runs_1_8_64(lite):
    f = lite["dim-batch-export"]
    assert f.held is True
    ev = f.evidence
    assert "Constraints violated (batch)" in ev["example_batch_1_error"]
    assert "specialized it to be a constant (1)" in ev["example_batch_1_error"]
    assert [r["batch"] for r in ev["rows"]] == [1, 8, 64]
    assert all(r["max_abs_diff"] <= 1e-5 for r in ev["rows"])
    assert ev["io"]["shape_signature"][0] == -1
    assert "quick mode" in ev["flatten"] and ev["flatten_error"] is None


@needs_litert
def test_int8_is_about_a_quarter(lite):
    f = lite["int8-quarter-size"]
    assert f.held is True
    ev = f.evidence
    assert 0.2 <= ev["ratio"] <= 0.3
    assert ev["fp32_bytes"] > 4 * 512 * 512 * 4  # quick: 4 x Linear(512, 512) in float32
    assert 0 < ev["relative_error"] < 0.05  # close, not identical
    assert ev["top1_agreement"] >= 0.9
    assert ev["fp32_max_abs_diff"] <= 1e-4


@needs_litert
def test_new_interpreter_loads_the_new_file_while_old_serves(lite):
    f = lite["model-reload"]
    assert f.held is True
    ev = f.evidence
    assert ev["old_unchanged_bitwise"] is True
    assert ev["old_vs_v1_eager"] <= 1e-5 and ev["new_vs_v2_eager"] <= 1e-5
    assert ev["new_vs_old"] > 1e-3  # really another model


@needs_litert
def test_xnnpack_timing_is_one_process_round_robin(lite):
    f = lite["xnnpack-faster"]
    row = f.evidence["batches"]["1"]
    for k in ("xnnpack", "builtin", "eager_1_thread"):
        assert row[k]["median_ms"] > 0 and row[k]["runs"] == f.evidence["runs"] >= 40
    assert "DELEGATE" in row["xnnpack_ops"] and "DELEGATE" not in row["builtin_ops"]
    assert f.evidence["threads"] == 1
