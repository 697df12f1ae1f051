"""Where a negation cue reaches (quiz/grading/segment.py, keypoints.py): the clause breaks
found on right answers of the blind set's tune part that the grader read as contradicting a
key point."""

from __future__ import annotations

import pytest

from quiz.deck.loader import load_deck
from quiz.grading import grade
from quiz.grading.segment import segment


def cues(text: str) -> list[int]:
    return segment(text).clause_cues


@pytest.mark.parametrize("text, expected", [
    # a spaced dash and an arrow end a clause as a comma does
    ("No - export the trained weights as is", [1, 0]),
    ("no control flow -> rewrite that part", [1, 0]),
    ("no control flow → rewrite that part", [1, 0]),
    # 且 ("and") ends a negation's reach, as 并且 does
    ("shape 可能写死且不报错", [0, 1]),
    # "which" opens a clause of its own
    ("check the Error codes in ExecuTorch, which does not use exceptions", [0, 1]),
])
def test_a_cue_does_not_reach_past_a_clause_break(text, expected):
    assert cues(text) == expected


def test_a_list_mark_between_statements_ends_a_clause_but_not_inside_a_noun_list():
    # 、 joining two statements, one with a cue: the cue keeps to its own
    assert cues("数据相关分支被固化、shape 可能写死") == [0]  # no cue: one clause
    assert cues("PyTorch Mobile 依赖已弃用的 TorchScript、runtime 大、缺少 AOT 优化") == [0, 1]
    # 、 joining nouns after a cue: the cue negates them all
    assert cues("不支持 Conv、BN、ReLU") == [1]
    # ... also when the nouns are lexicon forms: the concept token written beside a form
    # is no word of the writer's, and counted it made "dtype" weigh a statement's worth
    assert cues("不支持 dtype、tensor、cache") == [1]
    assert cues("不支持 OTA、rollback、hash") == [1]


@pytest.mark.parametrize("text", ["the official wheels stopped including XNNPACK",
                                  "the MPS backend is absent from the pip wheel"])
def test_ceasing_and_absence_are_negations(text):
    assert sum(cues(text)) == 1


def test_stop_before_a_noun_is_no_negation():
    assert cues("stop the thread pool") == [0]


def test_a_clause_lending_a_pair_one_word_keeps_its_cue():
    # "（移动端可以用 ORT 格式），PyTorch Mobile 打不开": the 打不开 is about PyTorch Mobile,
    # not about the ORT format the point speaks of
    card = load_deck().card("pytorch-mobile-model-formats")
    g = grade(card, card.answer["zh"], "zh")
    assert g.verdict == "correct"
    assert not any(p.negated for p in g.key_points)


def test_the_deck_model_answers_that_the_old_clause_rules_failed_now_grade_correct():
    deck = load_deck()
    for cid, lang in (("executorch-backends-2026", "en"), ("abnormal-input-validation", "zh")):
        card = deck.card(cid)
        g = grade(card, card.answer[lang], lang)
        assert g.verdict == "correct", (cid, g.flags)


def test_a_condition_is_supposed_not_claimed():
    seg = segment("memory grows if you append outputs to a list")
    assert seg.conditional == {1}
    assert segment("如果精度掉太多，就做 QAT").conditional == {0}
    # so a point stated negatively is not contradicted by the condition that names its
    # cause, while the same words as a claim still contradict it
    from quiz.deck.model import Card, KeyPoint

    card = Card(id="t", seed=(), question={"en": "Why does memory grow?"},
                answer={"en": "Outputs kept in a list hold memory."},
                key_points=(KeyPoint("no-list", 1.0, {"en": ("don't keep outputs in a list",)},
                                     essential=True),))
    supposed = grade(card, "Memory grows if you keep outputs in a list.", model=None)
    claimed = grade(card, "Keep outputs in a list, it is fine.", model=None)
    assert not supposed.key_points[0].negated
    assert claimed.key_points[0].negated


@pytest.mark.parametrize("text, expected", [
    # a 的-form of the lexicon names a thing ("unsupported ops"): no negation of the clause
    ("不支持的算子回退到 CPU", [0]),
    ("再打开 dtype selective build 去掉没用到的 dtype", [0]),
    # ... but before punctuation or the end it says something is not supported
    ("Transformer 和 LLM 是不支持的，LLM 只能走 ONNX", [1, 0]),
    ("LLM 是不支持的", [1]),
])
def test_a_negated_modifier_names_a_thing(text, expected):
    assert cues(text) == expected


def test_unsupported_ops_in_zh_and_en_are_one_concept():
    # the point's "unsupported parts fall back" met "supported subgraphs with CPU fallback"
    # as its opposite; now "unsupported" is one concept, not "not" + "supported"
    zh, en = segment("不支持的算子回退到 CPU"), segment("unsupported ops fall back to the CPU")
    assert zh.units[0] == en.units[0] == ("lex0unsupported",)


def test_a_negation_before_jiu_is_a_condition():
    # "不对就 resize": if it is wrong, resize. The 不 does not negate the resizing
    seg = segment("检查 shape 对不对，不对就 resize 或者转换")
    assert seg.clause_cues == [0, 1, 0]
    assert seg.conditional == {1}
    assert segment("不支持就回退到 CPU").conditional == {0}
    # 就 with no negation before it, and 就是, are as before: one clause
    assert segment("这就是答案").clause_cues == [0]
    assert segment("用了就好").clause_cues == [0]


@pytest.mark.parametrize("text, expected", [
    ("检查类型对不对", [0]), ("有没有 GPU", [0]), ("是不是这样", [0]), ("能不能用", [0]),
    ("没有 GPU", [1]), ("它不是", [1]), ("不能不用", [2]),
])
def test_a_not_a_questions_are_no_negation(text, expected):
    assert cues(text) == expected


def test_an_aside_inside_a_condition_is_supposed_too():
    seg = segment("if the C++ side doesn't use torch::NoGradGuard (or the harness doesn't use "
                  "torch.inference_mode), outputs keep references")
    # "torch::NoGradGuard" is one name: its :: breaks no clause
    assert seg.clause_cues == [1, 1, 0]
    assert seg.conditional == {0, 1}


@pytest.mark.parametrize("text, expected, supposed", [
    # the negation sits in the subject's modifier: whatever the GPU cannot run falls back
    ("ops the accelerator can't handle fall back to the XNNPACK CPU", [1, 0], {0}),
    ("anything Core ML can't do falls back to ExecuTorch's CPU kernels", [1, 0], {0}),
    # ... but the verb's own negation, or an adverb after it, still negates the fallback
    ("it does NOT fall back", [1], set()),
    ("it doesn't silently fall back to the CPU", [1], set()),
    ("it never falls back", [1], set()),
    # and the noun "fallback" is no verb
    ("there is no CPU fallback", [1], set()),
])
def test_a_negation_inside_the_subject_of_fall_back_is_a_condition(text, expected, supposed):
    seg = segment(text)
    assert seg.clause_cues == expected
    assert seg.conditional == supposed


def test_fall_back_reads_alike_in_every_rewrite_mode():
    # phrasings are compiled as concept tokens alone and in their own words, answers with
    # both: the token alone must still tell the verb from the noun
    for mode in ("both", "concept", "plain"):
        verb = segment("ops the accelerator cannot run fall back to the CPU", mode=mode)
        noun = segment("there is no CPU fallback", mode=mode)
        assert (verb.clause_cues, verb.conditional) == ([1, 0], {0}), mode
        assert (noun.clause_cues, noun.conditional) == ([1], frozenset()), mode


def test_a_fallback_after_a_negated_modifier_no_longer_contradicts_the_point():
    # a right answer (tune) had its point "keep a CPU fallback" read as contradicted
    from quiz.deck.model import Card, KeyPoint

    card = Card(id="t", seed=(), question={"en": "What does CompiledModel change?"},
                answer={"en": "You name the accelerator; the CPU stays as a fallback."},
                key_points=(KeyPoint("fallback", 1.0, {"en": ("keep a CPU fallback",)},
                                     essential=True),))
    g = grade(card, "You name the accelerator; ops the accelerator can't handle fall back "
                    "to the XNNPACK CPU path.", model=None)
    assert g.key_points[0].score >= 60 and not g.key_points[0].negated
    denied = grade(card, "You name the accelerator; it does not fall back to the CPU.",
                   model=None)
    assert denied.key_points[0].negated
