"""What the labs screen says about a run: verdicts in the card's terms (B9), series named
in words with integer axes for counts (F9)."""

from __future__ import annotations

import pytest

from quiz.tui import labinfo
from quiz.tui.screens.labs import series_of


@pytest.mark.parametrize(("deck", "held", "want"), [
    ("true", True, "supported"), ("true", False, "refuted"),
    ("false", True, "refuted"), ("false", False, "supported"),
    ("partly", True, "partly"), ("outdated", True, "outdated"),
    ("partly", False, "contradicted"), ("outdated", False, "contradicted"),
    ("outdated", None, "inconclusive"), ("true", None, "inconclusive"),
])
def test_outcome_keeps_partly_and_outdated(deck, held, want):
    assert labinfo.outcome(deck, held) == want


def test_an_outdated_claim_the_runner_called_refuted_reads_outdated():
    run = {"claims": [{"card": "mobile-quantization", "claim": "mobile-supports-quantization",
                       "deck_verdict": "outdated", "held": True, "verdict": "refuted"}]}
    got = labinfo.claim_outcome(run, "mobile-quantization", "mobile-supports-quantization")
    assert got == "outdated"
    assert labinfo.outcome_text(got, "en") == "seed claim outdated (the correction holds)"
    assert labinfo.outcome_text("refuted", "en") == "seed claim refuted"
    assert labinfo.outcome_text("refuted", "zh") == "原说法被推翻"
    # an old run without `held`: read from the runner's verdict and the card's
    old = {"claims": [{"card": "c", "claim": "k", "verdict": "refuted"}]}
    assert labinfo.claim_outcome(old, "c", "k", "partly") == "partly"
    assert labinfo.claim_outcome(old, "c", "k", "false") == "refuted"
    assert labinfo.claim_outcome(old, "c", "other") is None


def test_summary_counts_partly_true_claims_apart_from_refuted_ones():
    run = {"status": "ok", "claims": [
        {"card": "a", "claim": "1", "deck_verdict": "false", "held": True, "verdict": "refuted"},
        {"card": "a", "claim": "2", "deck_verdict": "outdated", "held": True,
         "verdict": "refuted"},
        {"card": "b", "claim": "3", "deck_verdict": "partly", "held": True, "verdict": "refuted"},
        {"card": "b", "claim": "4", "deck_verdict": "true", "held": None,
         "verdict": "inconclusive"},
    ]}
    assert str(labinfo.summary(run)) == "ok  ✗1 ~2 ?1"


def test_series_are_named_in_words_and_a_duplicate_headline_curve_is_dropped():
    ys = [100.0, 180.0, 300.0]
    finding = {"id": "batch-throughput", "evidence": {
        "curve": {"x": [1, 2, 4], "y": ys, "x_label": "batch size", "y_label": "samples/s"},
        "curves": {"torchscript": {"x": [1, 2, 4], "y": ys},
                   "onnxruntime": {"x": [1, 2, 4], "y": [90.0, 150.0, 200.0]},
                   "executorch_xnnpack": {"x": [1, 2, 4], "y": [80.0, 120.0, 210.0]}},
        "backends": {"x": ["eager", "ort"], "y": [0.0, 1e-6]}}}
    names = [name for name, *_ in series_of(finding)]
    assert names == ["TorchScript", "ONNX Runtime", "executorch xnnpack"]
    assert not any("." in n for n in names)


def test_a_single_curve_is_named_by_its_y_axis():
    f = {"id": "threads-speedup", "evidence": {"curve": {
        "x": [1, 2, 4], "y": [40.0, 22.0, 13.0], "x_label": "threads",
        "y_label": "median latency (ms)"}}}
    assert [n for n, *_ in series_of(f)] == ["median latency (ms)"]


def test_count_axes_get_integer_ticks_and_real_axes_none():
    assert labinfo.integer_ticks([1.0, 2.0, 4.0]) == [1, 2, 4]
    assert labinfo.integer_ticks([1, 2, 4, 8, 16, 32, 64]) == [1, 2, 4, 8, 16, 32, 64]
    many = labinfo.integer_ticks(list(range(1, 201)))
    assert len(many) <= 10 and all(isinstance(t, int) for t in many)
    assert labinfo.integer_ticks([0.0, 0.5, 0.9]) is None
