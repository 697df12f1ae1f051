"""Labs formats, dynamic-batch, parity, loss-export and executorch, run in quick mode.

Each lab runs once per module (fixtures) and the tests assert the toolchain facts that
settle the deck's claims: round trips within tolerance, the exact error texts, op kinds.
No timing is asserted: speed findings may be None on a busy machine.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")

from lab_quick import run_quick as _run  # noqa: E402

from labs import dynamic_batch, executorch_lab, formats, loss_export, parity  # noqa: E402
from labs.base import LabContext, LabUnavailable  # noqa: E402

pytestmark = pytest.mark.labs
ROOT = Path(__file__).resolve().parents[1]
MODULES = (formats, dynamic_batch, parity, loss_export, executorch_lab)
HAS_EXECUTORCH = importlib.util.find_spec("executorch") is not None


@pytest.fixture(scope="module")
def fmt(tmp_path_factory):
    return _run(formats, tmp_path_factory)


@pytest.fixture(scope="module")
def dyn(tmp_path_factory):
    return _run(dynamic_batch, tmp_path_factory)


@pytest.fixture(scope="module")
def par(tmp_path_factory):
    return _run(parity, tmp_path_factory)


@pytest.fixture(scope="module")
def loss(tmp_path_factory):
    return _run(loss_export, tmp_path_factory)


# --------------------------------------------------------------------------- formats


def test_ptl_roundtrip(fmt):
    f = fmt["ptl-roundtrip"]
    assert f.held is True
    for kind in ("scripted", "traced"):
        ev = f.evidence[kind]
        assert ev["max_abs_diff"] <= 1e-5
        assert ev["ptl_bytes"] > 0
        assert ev["loaded_type"] == "LiteScriptModule"
    assert "bytecode.pkl" in f.evidence["plain_pt_in_lite_loader_error"]


def test_onnx_is_not_torchscript(fmt):
    f = fmt["onnx-not-torchscript"]
    assert f.held is True
    for loader in ("torch.jit.load", "_load_for_lite_interpreter"):
        assert "failed finding central directory" in f.evidence["errors"][loader]
    assert "failed finding central directory" in f.summary


def test_caffe2_is_gone(fmt):
    f = fmt["caffe2-gone"]
    assert f.held is True
    assert f.evidence["error"] == "ModuleNotFoundError: No module named 'caffe2'"


def test_optimize_for_mobile_needs_xnnpack(fmt):
    import torch

    f = fmt["optimize-needs-xnnpack"]
    assert f.evidence["xnnpack_enabled"] == torch._C._is_xnnpack_enabled()
    assert f.held is True
    if not f.evidence["xnnpack_enabled"]:
        assert "XNNPACK is not enabled" in f.evidence["message"]


def test_jit_deprecation_warnings_are_captured(fmt):
    f = fmt["jit-deprecated"]
    assert f.held is True
    assert any("`torch.jit.script` is deprecated" in w for w in f.evidence["script"])
    assert any("`torch.jit.trace` is deprecated" in w for w in f.evidence["trace"])
    assert any("ExecuTorch" in w for w in f.evidence["lite_interpreter"])


# --------------------------------------------------------------------------- dynamic batch


def test_traced_at_batch_1_runs_any_batch(dyn):
    f = dyn["traced-any-batch"]
    assert f.held is True
    rows = f.evidence["rows"]
    assert [r["batch"] for r in rows] == [1, 4, 16]
    for r in rows:
        assert r["torchscript_max_abs_diff"] <= 1e-5 and r["ptl_max_abs_diff"] <= 1e-5


def test_int_of_shape_bakes_the_batch(dyn):
    f = dyn["trace-bakes-shape"]
    assert f.held is True
    assert any("Converting a tensor to a Python integer" in w
               for w in f.evidence["tracer_warnings"])
    assert f.evidence["reason"] == "shape '[1, 64]' is invalid for input of size 256"
    assert f.evidence["eager_output_shape_at_batch_4"] == [4, 10]


def test_onnx_static_batch_is_rejected(dyn):
    f = dyn["onnx-static-batch"]
    assert f.held is True
    assert "Got: 4 Expected: 1" in f.evidence["error_at_batch_4"]
    assert f.evidence["input_shape"] == ["1", "3", "32", "32"]


def test_onnx_dynamic_batch_runs_every_batch(dyn):
    f = dyn["onnx-dynamic-batch"]
    assert f.held is True
    assert f.evidence["input_shape"][0] == "batch"
    rows = f.evidence["rows"]
    assert [r["batch"] for r in rows] == [1, 4, 16]
    assert all(r["max_abs_diff"] <= 1e-4 for r in rows)


def test_batch_throughput_is_a_curve(dyn):
    ev = dyn["batch-throughput"].evidence
    curve = ev["curve"]
    assert curve["x"] == [1, 4, 16]
    assert len(curve["y"]) == 3 and all(v > 0 for v in curve["y"])
    assert all(ev["latency"]["torchscript"][str(b)]["runs"] >= 20 for b in (1, 4, 16))
    assert ev["threads"] == 1


def test_executorch_dynamic_batch_says_why_in_quick_mode(dyn):
    f = dyn["executorch-dynamic-batch"]
    assert f.held is None  # quick mode never imports executorch
    want = "quick mode" if HAS_EXECUTORCH else "not installed"
    assert want in f.summary


def test_onnx_dim_batch_from_a_batch_1_example(dyn):
    """torch.onnx.export keeps Dim("batch") dynamic from a batch-1 example; torch.export
    does not (content audit M4)."""
    f = dyn["onnx-dim-batch-from-one"]
    assert f.held is True
    ev = f.evidence
    assert ev["example_batch"] == 1
    assert ev["onnx_input_shape"] == ["batch", "3", "32", "32"]
    assert ev["onnx_batch_4_max_abs_diff"] <= 1e-4
    assert "Constraints violated (batch)" in ev["torch_export_error"]
    assert "specialized it to be a constant (1)" in ev["torch_export_error"]


def test_size0_is_traced_dynamically(dyn):
    f = dyn["size0-traces-dynamic"]
    assert f.held is True
    for row in f.evidence["variants"].values():
        assert row["tracer_warnings"] == []
        assert row["graph_reads_size"] is True
        assert row["outcome"] == "same as eager" and row["eager_shape"] == [4, 10]


def test_int_of_shape_outcome_depends_on_the_op(dyn):
    """The TracerWarning always, then an error or a silently wrong shape (audit M7)."""
    f = dyn["int-shape-bakes"]
    assert f.held is True
    v = f.evidence["variants"]
    assert all(any("Converting a tensor to a Python integer" in w for w in r["tracer_warnings"])
               for r in v.values())
    assert v["reshape(n, 64)"]["outcome"] == "error"
    assert v["reshape(n, 64)"]["error"] == "shape '[1, 64]' is invalid for input of size 256"
    assert v["reshape(n, -1)"]["outcome"] == "silently wrong shape"
    assert v["reshape(n, -1)"]["traced_shape"] == [1, 256]
    assert v["reshape(n, -1)"]["eager_shape"] == [4, 64]
    assert v["out[:n]"]["traced_shape"] == [1, 10] and v["out[:n]"]["eager_shape"] == [4, 10]


def test_hardcoded_view_gives_no_tracer_warning(dyn):
    f = dyn["hardcoded-view-no-warning"]
    assert f.held is True
    row = f.evidence["variant"]
    assert row["tracer_warnings"] == []
    assert row["eager_shape"] == row["traced_shape"] == [1, 4 * 64]  # eager is just as wrong


# --------------------------------------------------------------------------- parity


def test_parity_all_close(par):
    f = par["parity-all-close"]
    assert f.held is True
    rows = f.evidence["backends"]
    for name in ("torchscript (script)", "torchscript (trace)", ".ptl (lite interpreter)",
                 "onnxruntime"):
        assert rows[name]["assert_close"] is True
        assert rows[name]["max_abs_diff"] <= rows[name]["atol"]
    assert rows["onnxruntime"]["max_abs_diff"] <= 1e-4
    assert "executorch (xnnpack)" in f.evidence["skipped"]  # quick mode


# --------------------------------------------------------------------------- loss export


def test_loss_not_in_inference_graphs(loss):
    f = loss["loss-not-exported"]
    assert f.held is True
    graphs = f.evidence["graphs"]
    assert set(graphs) == {"torchscript", "torch.export", "onnx"}
    for g in graphs.values():
        assert g["inference_loss_ops"] == []
        assert g["wrapper_loss_ops"]  # the control: the detector sees a loss that is there
    assert "aten::conv2d" in graphs["torchscript"]["inference_ops"]
    assert "Conv" in graphs["onnx"]["inference_ops"]
    assert graphs["torch.export"]["wrapper_loss_ops"] == ["aten.cross_entropy_loss.default"]
    losses = f.evidence["train_losses"]
    assert len(losses) == 3 and losses[-1] < losses[0]


# --------------------------------------------------------------------------- executorch


def test_executorch_lab_says_how_to_install(tmp_path, monkeypatch):
    """Without executorch the lab raises LabUnavailable with the install command (here
    simulated when it is installed), before importing torch or executorch."""
    real = executorch_lab.common.has_module
    monkeypatch.setattr(executorch_lab.common, "has_module",
                        lambda name: False if name == "executorch" else real(name))
    with pytest.raises(LabUnavailable, match=r"pip install -e '\.\[labs,executorch\]'"):
        executorch_lab.LAB.run(LabContext(quick=True, workdir=tmp_path))
    assert executorch_lab.LAB.requires == ("executorch",)


@pytest.mark.skipif(not HAS_EXECUTORCH, reason="executorch not installed (optional extra)")
def test_pte_roundtrip(tmp_path_factory):
    fs = _run(executorch_lab, tmp_path_factory)
    f = fs["pte-roundtrip"]
    assert f.held is True
    assert f.evidence["xnnpack"]["delegate_calls"] >= 1
    assert f.evidence["portable"]["delegate_calls"] == 0
    assert f.evidence["xnnpack"]["max_abs_diff"] <= 1e-4
    assert f.evidence["portable"]["max_abs_diff"] <= 1e-4
    ev = fs["xnnpack-faster"].evidence
    assert ev["xnnpack"]["runs"] == ev["portable"]["runs"] >= 10
