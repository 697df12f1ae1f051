"""The verdict model's hard lines (the rubric's rules that no fitted weight may cross), and
the shipped calibration file's checks."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from quiz.grading import verdict_model as vm
from quiz.grading.policy import Evidence
from quiz.grading.verdict_model import (
    CLASSES,
    FEATURES,
    Extras,
    VerdictModel,
    from_dict,
    load_model,
    resolve,
)

SHIPPED_MODEL = resolve(vm.SHIPPED_MODEL)

N = len(FEATURES)


def favouring(cls: str) -> VerdictModel:
    """A model whose only opinion is ``cls``, whatever the answer."""
    intercept = tuple(5.0 if c == cls else 0.0 for c in CLASSES)
    return VerdictModel((0.0,) * N, (1.0,) * N, ((0.0,) * N,) * 3, intercept)


def evidence(**kw) -> Evidence:
    base = dict(coverage=0.8, touched=0.8, essential_total=2, essential_found=2,
                essential_weakest=90.0, misconceptions=0, misconception_near=False,
                contradicted=0, strong_claims=0, keyword_list=False, repetition=False)
    base.update(kw)
    return Evidence(**base)


EXTRAS = Extras(essential_all=True, essential_min=90.0, essential_mean=92.0,
                model_similarity=70.0, length=200, chinese=False, sentences=3)


@pytest.mark.parametrize("kw", [{"misconceptions": 1}, {"contradicted": 1},
                                {"keyword_list": True}, {"repetition": True}])
def test_a_false_claim_a_bare_list_or_repetition_is_never_correct(kw):
    verdict, _, _ = favouring("correct").decide(evidence(**kw), EXTRAS, "correct")
    assert verdict in ("wrong", "partial")  # never the model's first choice


def test_correct_needs_every_essential_point_at_the_floor():
    weak = EXTRAS._replace(essential_min=59.0)
    assert favouring("correct").decide(evidence(), weak)[0] != "correct"
    assert favouring("correct").decide(evidence(), EXTRAS)[0] == "correct"


def test_barred_from_correct_a_right_answer_is_partial_unless_wrong_outweighs_the_rest():
    # p = (0.02, 0.01, 0.97): the model is sure the answer is right, but an essential point
    # is under the floor. Missing an essential point is partial by the rubric; the runner-up
    # class (wrong, by a hair) is not the model's view of this answer.
    m = VerdictModel((0.0,) * N, (1.0,) * N, ((0.0,) * N,) * 3, (0.7, 0.0, 4.6))
    p = m.probabilities((0.0,) * N)
    assert p[2] > 0.95 and p[0] > p[1]
    weak = EXTRAS._replace(essential_min=50.0)
    assert m.decide(evidence(), weak)[0] == "partial"
    # where wrong outweighs partial and correct together, a false claim is the likelier
    # reading, and the answer stays wrong
    m = VerdictModel((0.0,) * N, (1.0,) * N, ((0.0,) * N,) * 3, (1.0, -1.0, 0.5))
    p = m.probabilities((0.0,) * N)
    assert p[0] > p[1] + p[2]
    assert m.decide(evidence(), weak)[0] == "wrong"
    assert m.decide(evidence(repetition=True), EXTRAS)[0] == "wrong"


def test_an_answer_touching_no_point_is_wrong_whatever_the_model_says():
    none = evidence(coverage=0.0, touched=0.0, essential_found=0)
    assert favouring("partial").decide(none, EXTRAS)[0] == "wrong"


def test_the_rules_correct_stands_unless_the_model_gives_wrong_enough():
    assert favouring("partial").decide(evidence(), EXTRAS, "correct")[0] == "correct"
    verdict, _, why = replace(favouring("wrong"), rule_doubt_p_wrong=0.5).decide(
        evidence(), EXTRAS, "correct")
    assert (verdict, why) == ("unsure", ("model-doubt",))


def test_a_model_correct_with_some_doubt_of_wrong_is_unsure():
    m = VerdictModel((0.0,) * N, (1.0,) * N, ((0.0,) * N,) * 3, (1.0, 0.0, 1.5),
                     unsure_p_wrong=0.2)
    p = m.probabilities((0.0,) * N)
    assert p[2] > p[0] > 0.2 and abs(sum(p) - 1) < 1e-9
    assert m.decide(evidence(), EXTRAS)[0] == "unsure"


def test_the_shipped_model_is_there_and_round_trips():
    assert SHIPPED_MODEL is not None
    again = from_dict(SHIPPED_MODEL.to_dict(), "x")
    assert again == SHIPPED_MODEL


def test_a_model_fitted_on_other_features_is_refused_with_the_file(tmp_path):
    data = {"model": {**SHIPPED_MODEL.to_dict(), "features": list(FEATURES[:-1])}}
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=str(path)):
        load_model(path)
    path.write_text(json.dumps({"policy": {}}), encoding="utf-8")
    assert load_model(path) is None  # no model: the threshold rule decides


# The evidence of false claims the matcher cannot place (issue 12: on tune it flagged 29 % of
# the labellers' false claims), read on a real card of the shipped deck.
def _extras(answer: str) -> Extras:
    from quiz.deck.loader import load_deck
    from quiz.grading.grade import grade_evidence

    card = load_deck().card("executorch-export-pipeline")
    return grade_evidence(card, answer, "en")[1]


def test_a_sentence_restating_a_misconception_comes_close_to_it():
    plain = _extras("You call torch.export, lower it to a backend and save a .pte file.")
    wrong = _extras("You call torch.export. Then convert TorchScript to pte for the phone.")
    assert wrong.misconception_similarity >= 90 > plain.misconception_similarity


def test_list_numbers_are_not_sentences_the_model_compares():
    # "1." split off a sentence "1", which partial_ratio put at 100 against any misconception
    # with a 1 in it ("pruning 90 percent ... 10x"): every numbered answer looked false
    from quiz.deck.loader import load_deck
    from quiz.grading.grade import grade_evidence

    card = load_deck().card("mobile-performance-optimization")
    assert any("10" in p for m in card.misconceptions for ps in m.phrasings.values() for p in ps)
    steps = ["Quantize the model to int8 with PT2E.", "Export it and lower to XNNPACK.",
             "Set the thread count to the big cores."]
    numbered = grade_evidence(card, "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))[1]
    plain = grade_evidence(card, "\n".join(steps))[1]
    assert numbered.misconception_similarity == plain.misconception_similarity < 90
    assert numbered.sentences == plain.sentences == 3


def test_negation_cues_and_absolute_words_are_counted():
    x = _extras("It never needs a backend. It always runs on every phone, no need to test.")
    assert x.sentences == 2 and x.negation_cues >= 1 and x.markers >= 3
    assert _extras("You export it and lower it to a backend.").markers == 0


def test_the_model_answer_is_close_to_the_cards_true_texts():
    from quiz.deck.loader import load_deck

    card = load_deck().card("executorch-export-pipeline")
    close = _extras(card.answer["en"]).true_similarity
    far = _extras("Bananas are yellow and grow in warm places.").true_similarity
    assert close == 100 and far < 50


# The trees the shipped calibration holds (benchmarks/calibrate.py exports scikit-learn's
# GradientBoostingClassifier into these and checks the probabilities agree).
def _stump(feature: int, at: float, low: float, high: float) -> vm.Tree:
    return vm.Tree((feature, -2, -2), (at, -2.0, -2.0), (1, -1, -1), (2, -1, -1),
                   (0.0, low, high))


def test_a_tree_model_adds_each_classs_trees_to_its_prior():
    zero = _stump(0, 0.5, 0.0, 0.0)
    m = vm.TreeModel((0.0, 0.0, 0.0), 1.0, ((_stump(0, 0.5, 2.0, -2.0), zero,
                                              _stump(0, 0.5, -2.0, 2.0)),))
    low = m.probabilities((0.0,) * N)
    high = m.probabilities((1.0,) * N)
    assert low[0] > 0.8 and high[2] > 0.8  # e^2 against 1 and e^-2
    assert abs(sum(low) - 1) < 1e-9
    assert vm.from_dict(m.to_dict(), "x") == m


def test_a_malformed_tree_is_refused_with_the_file():
    bad = vm.TreeModel((0.0, 0.0, 0.0), 1.0, ((_stump(0, 0.5, 1.0, 0.0),) * 3,)).to_dict()
    bad["stages"][0][1][2][0] = 7  # a child that is not a node
    with pytest.raises(ValueError, match="calibration.json: a tree"):
        vm.from_dict(bad, "calibration.json")


@pytest.mark.parametrize("m", [favouring("correct"), favouring("wrong")])
def test_a_bare_list_is_partial_unless_a_term_is_false(m):
    lst = evidence(keyword_list=True)
    assert m.decide(lst, EXTRAS)[0] == "partial"
    assert m.decide(lst, EXTRAS._replace(list_false_items=1))[0] == "wrong"
    assert m.decide(evidence(keyword_list=True, misconceptions=1), EXTRAS)[0] == "wrong"


@pytest.mark.parametrize("m", [favouring("correct"), favouring("partial")])
def test_a_false_claim_makes_the_answer_wrong_whatever_the_model_says(m):
    assert m.decide(evidence(misconceptions=1), EXTRAS, "correct")[0] == "wrong"
    assert m.decide(evidence(contradicted=1), EXTRAS)[0] == "wrong"


def test_a_list_item_closer_to_a_misconception_than_to_the_card_is_a_false_term():
    from quiz.grading.grade import ModelTexts, _list_false_items

    texts = ModelTexts(("use torch export and lower to executorch",),
                       ("use torch export and lower to executorch",
                        "torchscript is deprecated"),
                       ("torchscript is the recommended export path",))
    assert _list_false_items("torch.export, ExecuTorch, .pte", texts) == 0
    assert _list_false_items("torch.export, TorchScript is the recommended export, .pte",
                             texts) == 1
    # a term both texts hold ("TorchScript") is not a false one
    assert _list_false_items("TorchScript, torch.export, .pte", texts) == 0


@pytest.mark.parametrize("card_id, answer", [
    ("slow-inference-optimization", "profiling, ETDump, XNNPACK delegate, quantization, "
                                    "thread count, multi-process inference"),  # false term
    ("pytorch-mobile-model-formats", "TorchScript, .ptl, lite interpreter, bytecode"),  # list
    ("mobile-multithreading", "PyTorch Mobile does not support multithreading."),  # misc.
    ("pytorch-mobile-model-formats", "Only ONNX, not TorchScript."),  # contradiction
    ("mobile-multithreading", "It uses a thread pool; set_num_threads sets its size and "
                              "the big cores are what count."),  # the model decides
])
def test_grading_skips_the_models_inputs_only_where_the_rules_settle_it(card_id, answer):
    # grade() does not compute the model's inputs when the rubric's rules decide; the
    # verdict must be the one the model would give with every input computed
    from quiz.deck.loader import load_deck
    from quiz.grading import grade
    from quiz.grading.grade import grade_evidence
    from quiz.grading.policy import SHIPPED, decide_evidence

    card = load_deck().card(card_id)
    e, x = grade_evidence(card, answer)
    full = SHIPPED_MODEL.decide(e, x, decide_evidence(e, SHIPPED)[1])[0]
    assert grade(card, answer).verdict == full


def test_the_compiled_trees_give_the_walks_probabilities_bit_for_bit():
    import random

    m = vm.load_model()
    if not isinstance(m, vm.TreeModel):
        pytest.skip("the shipped model is not trees")
    assert m._raw is not None
    rng = random.Random(0)
    at = sorted({t for stage in m.stages for tree in stage for t in tree.threshold})
    for _ in range(3000):
        x = tuple(rng.choice((*at, rng.random(), rng.uniform(-1, 3), 0.0, 1.0))
                  for _ in range(N))
        assert m.probabilities(x) == m._walk(x)


def test_trees_without_an_exact_literal_are_walked():
    inf = vm.TreeModel((0.0, 0.0, 0.0), 1.0, ((_stump(0, float("inf"), 1.0, 0.0),) * 3,))
    assert inf._raw is None
    assert inf.probabilities((0.0,) * N) == inf._walk((0.0,) * N)
