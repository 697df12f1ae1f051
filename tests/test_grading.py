"""Behaviour of the free-text grader on small, realistic cards built here."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.deck.model import Card, KeyPoint, Misconception
from quiz.errors import QuizError
from quiz.grading import EmptyAnswer, Grade, grade, grade_reference
from quiz.grading.metrics import macro_f1, pearson, quadratic_weighted_kappa
from quiz.grading.normalize import detect_lang


def kp(id_, en, zh, weight=1.0):
    return KeyPoint(id_, weight, {"en": tuple(en), "zh": tuple(zh)})


def mc(id_, en, zh, fb_en, fb_zh):
    return Misconception(id_, {"en": tuple(en), "zh": tuple(zh)}, {"en": fb_en, "zh": fb_zh})


THREADS = Card(
    id="threads",
    seed=(6,),
    question={"en": "Does PyTorch Mobile support multithreading?",
              "zh": "PyTorch Mobile 支持多线程吗？"},
    answer={"en": "Yes, intra-op parallelism by default.", "zh": "支持，默认算子内并行。"},
    key_points=(
        kp("default-multithreaded", ["multithreaded by default", "intra-op thread pool",
                                     "uses several threads by default"],
           ["默认就是多线程", "算子内并行", "intra-op 线程池"], weight=3),
        kp("set-num-threads", ["torch.set_num_threads", "the thread count is configurable"],
           ["torch.set_num_threads", "可以设置线程数"], weight=2),
        kp("big-cores", ["more threads is not always faster", "set threads to the big cores"],
           ["线程不是越多越快", "线程数设成大核数量"]),
    ),
    misconceptions=(
        mc("single-thread", ["does not support multithreading", "single-threaded by default",
                             "lacks multithreading"],
           ["不支持多线程", "默认单线程"],
           "It is multithreaded by default (intra-op pool).", "默认就是多线程（算子内线程池）。"),
    ),
)

BATCH = Card(
    id="batch",
    seed=(10,),
    question={"en": "Does PyTorch Mobile support a dynamic batch size?",
              "zh": "PyTorch Mobile 支持动态 batch size 吗？"},
    answer={"en": "Yes.", "zh": "支持。"},
    key_points=(
        kp("any-batch", ["a traced model accepts another batch",
                         "TorchScript runs other batch sizes", "dynamic batch works"],
           ["trace 的模型可以换 batch 跑", "支持动态 batch"], weight=3),
        kp("shape-pitfall", ["int(x.shape[0]) bakes in the batch", "watch the TracerWarning"],
           ["int(x.shape[0]) 会把 batch 写死", "注意 TracerWarning"], weight=2),
    ),
    misconceptions=(
        mc("no-dynamic", ["PyTorch Mobile does not support a dynamic batch",
                          "the batch size must be fixed in advance"],
           ["PyTorch Mobile 不支持动态 batch", "batch size 必须提前确定"],
           "TorchScript models are not specialised to the batch.",
           "TorchScript 模型不按 batch 特化。"),
    ),
)

FORMATS = Card(
    id="formats",
    seed=(3,),
    question={"en": "Which model formats can PyTorch Mobile load?",
              "zh": "PyTorch Mobile 能加载哪些模型格式？"},
    answer={"en": "Only TorchScript (.ptl).", "zh": "只有 TorchScript（.ptl）。"},
    key_points=(
        kp("ptl", ["save a .ptl with _save_for_lite_interpreter", "lite interpreter bytecode"],
           ["用 _save_for_lite_interpreter 存成 .ptl", "lite interpreter 字节码"], weight=2),
        kp("optimize", ["run optimize_for_mobile", "optimize_for_mobile pass"],
           ["先跑 optimize_for_mobile"]),
        kp("onnx-ort", ["ONNX needs ONNX Runtime", ".onnx goes to ONNX Runtime Mobile"],
           ["ONNX 要用 ONNX Runtime"]),
    ),
    misconceptions=(
        mc("onnx-main", ["PyTorch Mobile mainly supports ONNX", "loads .onnx files directly"],
           ["PyTorch Mobile 主要支持 ONNX", "可以直接加载 onnx"],
           "ONNX needs ONNX Runtime.", "ONNX 要用 ONNX Runtime。"),
    ),
)


def point(g: Grade, pid: str):
    return next(p for p in g.key_points if p.id == pid)


# --- right answers in other words, typos, languages -------------------------------------

def test_strong_english_answer_is_correct():
    g = grade(THREADS, "Yes, it is multithreaded by default through an intra-op thread pool; "
                       "you can change it with torch.set_num_threads, but more threads is not "
                       "always faster because of the little cores.")
    assert g.verdict == "correct"
    assert all(p.found for p in g.key_points)
    assert g.misconceptions == ()
    assert g.lang == "en"


def test_typos_still_match():
    g = grade(THREADS, "It is multithreded by defualt with an intra-op thread pol, and you can "
                       "call torch.set_num_thread to configure the count.")
    assert point(g, "default-multithreaded").found
    assert point(g, "set-num-threads").found
    assert g.verdict == "correct"


def test_word_order_does_not_matter_inside_a_clause():
    g = grade(THREADS, "By default it is multithreaded. The count of threads is configurable.")
    assert point(g, "default-multithreaded").found
    assert point(g, "set-num-threads").found


def test_chinese_answer():
    g = grade(THREADS, "支持，默认就是多线程，算子内并行；可以用 torch.set_num_threads 设置线程数，"
                       "但线程不是越多越快。")
    assert g.lang == "zh"
    assert g.verdict == "correct"
    assert all(p.found for p in g.key_points)
    assert "答到" in g.feedback


def test_mixed_language_answer():
    g = grade(THREADS, "默认就是多线程 (intra-op thread pool)，you can call torch.set_num_threads "
                       "来设置线程数。")
    assert g.lang == "zh"
    assert point(g, "default-multithreaded").found
    assert point(g, "set-num-threads").found


def test_code_identifiers_match_exactly_or_nearly():
    g = grade(FORMATS, "Script it, run optimize_for_mobile, then _save_for_lite_interpreter to "
                       "write a .ptl file.")
    assert point(g, "ptl").found and point(g, "optimize").found
    near = grade(FORMATS, "run optimze_for_mobile first")
    assert point(near, "optimize").found
    # a different suffix is a different format: .pt is not .ptl
    other = grade(FORMATS, "save a .pt with torch.jit.save")
    assert not point(other, "ptl").found


def test_span_points_at_the_matched_words_in_the_original_text():
    answer = "Well — first you run optimize_for_mobile, then save it."
    g = grade(FORMATS, answer)
    p = point(g, "optimize")
    assert p.found and p.span is not None
    assert answer[p.span[0]:p.span[1]] == p.matched
    assert "optimize_for_mobile" in p.matched
    zh = "模型要先跑 optimize_for_mobile 再说"
    p = point(grade(FORMATS, zh), "optimize")
    assert "optimize_for_mobile" in zh[p.span[0]:p.span[1]]


def test_fullwidth_text_keeps_offsets():
    answer = "ＴｏｒｃｈＳｃｒｉｐｔ，用 _save_for_lite_interpreter 存成 .ptl"
    p = point(grade(FORMATS, answer), "ptl")
    assert p.found
    assert answer[p.span[0]:p.span[1]] == p.matched
    assert ".ptl" in p.matched


# --- not fooled: negation, double negation, echo, keyword lists ------------------------

def test_negated_key_point_is_not_a_hit_and_fires_the_misconception():
    g = grade(THREADS, "PyTorch Mobile does not support multithreading; it is not "
                       "multithreaded by default.")
    p = point(g, "default-multithreaded")
    assert not p.found and p.negated
    assert p.matched == "not multithreaded by default"  # the span covers the negation
    assert "negated-point" in g.flags
    assert [m.id for m in g.misconceptions] == ["single-thread"]
    assert g.verdict == "wrong"


@pytest.mark.parametrize("answer", [
    "No: a traced model never accepts another batch.",
    "a traced model isn't able to accept another batch",
    "trace 的模型不可以换 batch 跑",
    "trace 的模型没有办法换 batch 跑",
])
def test_negation_words_in_both_languages(answer):
    assert not point(grade(BATCH, answer), "any-batch").found


def test_chinese_negation_fires_misconception():
    g = grade(THREADS, "PyTorch Mobile 不支持多线程。")
    assert [m.id for m in g.misconceptions] == ["single-thread"]
    assert g.verdict == "wrong"
    assert "误解" in g.feedback


@pytest.mark.parametrize("answer", [
    "并不是不支持多线程：默认就是多线程，算子内并行。",
    "It is not true that it lacks multithreading: it is multithreaded by default.",
])
def test_double_negation_does_not_fire_the_misconception(answer):
    g = grade(THREADS, answer)
    assert g.misconceptions == ()
    assert point(g, "default-multithreaded").found


def test_negation_stays_in_its_clause():
    g = grade(BATCH, "It does not need TensorFlow Lite, but a traced model accepts another batch.")
    assert point(g, "any-batch").found and not point(g, "any-batch").negated


def test_not_only_is_not_a_negation():
    g = grade(THREADS, "Not only is it multithreaded by default, the thread count is also "
                       "configurable.")
    assert point(g, "default-multithreaded").found


def test_question_echo_scores_nothing():
    for text in ("Does PyTorch Mobile support multithreading?",
                 "PyTorch Mobile 支持多线程吗？支持多线程。"):
        g = grade(THREADS, text)
        assert g.score == 0.0
        assert g.verdict == "wrong"
        assert "question-echo" in g.flags


def test_keyword_list_caps_at_partial():
    g = grade(FORMATS, "_save_for_lite_interpreter, .ptl, optimize_for_mobile, ONNX Runtime")
    assert "keyword-list" in g.flags
    assert g.verdict == "partial"
    zh = grade(FORMATS, "_save_for_lite_interpreter、.ptl、optimize_for_mobile、ONNX Runtime")
    assert zh.verdict == "partial" and "keyword-list" in zh.flags


def test_terse_statements_between_commas_are_no_keyword_list():
    # each piece says something about its term (its particles and stop words show it), as
    # labellers read such answers; the same terms bare stay a list
    stated = "TorchScript的模型，存为.ptl，在手机上加载"
    assert "keyword-list" not in grade(FORMATS, stated).flags
    bare = "TorchScript、.ptl、LiteModuleLoader、forward"
    assert "keyword-list" in grade(FORMATS, bare).flags


def test_misconception_pulls_a_correct_sounding_answer_down():
    good = ("It is multithreaded by default with an intra-op thread pool, set it with "
            "torch.set_num_threads; more threads is not always faster.")
    # The verdict model, fitted since 2026-12-03 also on evidence from the deck before any
    # tuning (benchmarks/calibrate.py), doubts this short right answer (p(wrong) 0.61: its
    # words sit close to the misconception's); what this test holds is the drop to wrong.
    assert grade(THREADS, good).verdict in ("correct", "unsure")
    g = grade(THREADS, good + " Also, it is single-threaded by default on iOS.")
    # one serious false claim makes the answer wrong (docs/grading-rubric.md)
    assert g.verdict == "wrong"
    assert g.misconceptions and g.misconceptions[0].feedback.startswith("It is multithreaded")


def test_one_word_misconception_phrasing_does_not_fire_on_that_word():
    card = Card(id="rt", seed=(), question={"en": "Which runtime?", "zh": "选哪个运行时？"},
                answer={"en": "ExecuTorch.", "zh": "ExecuTorch。"},
                key_points=(kp("et", ["use ExecuTorch"], ["用 ExecuTorch"]),),
                misconceptions=(mc("any", ["any one will do"], ["随便哪个都行"], "No.", "不对。"),))
    g = grade(card, "Use ExecuTorch, with one thread per core.")
    assert g.misconceptions == ()


def test_off_topic_is_wrong():
    g = grade(BATCH, "Kubernetes scales the web service horizontally behind a load balancer.")
    assert g.verdict == "wrong" and g.score == 0.0


def test_feedback_names_missed_points_in_the_answer_language():
    g = grade(THREADS, "It is multithreaded by default.")
    assert "Missed:" in g.feedback and "torch.set_num_threads" in g.feedback
    g = grade(THREADS, "默认就是多线程。")
    assert "遗漏" in g.feedback


def test_lang_argument_overrides_detection():
    assert grade(THREADS, "默认就是多线程", lang="en").lang == "en"
    assert detect_lang("用 torch.jit.script 转换, then optimize_for_mobile 再保存成 .ptl") == "zh"
    assert detect_lang("It uses 模型 quantization") == "en"


@pytest.mark.parametrize("answer", ["", "   ", "\n\t "])
def test_empty_answer_raises(answer):
    with pytest.raises(EmptyAnswer, match="empty answer: nothing to grade"):
        grade(THREADS, answer)
    with pytest.raises(EmptyAnswer):
        grade_reference(["The water evaporated."], answer)
    assert issubclass(EmptyAnswer, QuizError)


def test_to_dict_is_json_ready():
    import json

    g = grade(THREADS, "默认就是多线程，可以用 torch.set_num_threads 设置。")
    d = json.loads(json.dumps(g.to_dict(), ensure_ascii=False))
    assert set(d) >= {"score", "verdict", "lang", "key_points", "misconceptions", "feedback",
                      "flags"}
    assert d["key_points"][0]["id"] == "default-multithreaded"
    assert isinstance(d["key_points"][0]["span"], list)


# --- grade_reference -------------------------------------------------------------------

def test_grade_reference_paraphrase_and_negation():
    refs = ["The water evaporated, leaving the salt behind."]
    q = "How did you separate the salt from the water?"
    good = grade_reference(refs, "Let the water evaporate and the salt is left.", q)
    assert good.score > 0.3 and good.verdict == "correct"
    bad = grade_reference(refs, "The water did not evaporate.", q)
    assert bad.score < 0.1 and bad.verdict == "wrong"
    echo = grade_reference(refs, "How did you separate the salt from the water?", q)
    assert echo.score == 0.0 and echo.verdict == "wrong"


def test_grade_reference_takes_the_best_reference():
    refs = ["链式存储结构，插入删除不需要移动元素。", "用链表，因为插入和删除只需修改指针。"]
    g = grade_reference(refs, "应该用链表，插入删除只需修改指针")
    assert g.verdict != "wrong" and g.lang == "zh"


# --- robustness ------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_grade_never_raises_but_empty_answer(text):
    for card in (THREADS, FORMATS):
        try:
            g = grade(card, text)
        except EmptyAnswer:
            assert not text.strip()
            continue
        assert 0.0 <= g.score <= 1.0
        assert g.verdict in ("correct", "partial", "wrong")
        for p in g.key_points:
            if p.span is not None:
                assert 0 <= p.span[0] <= p.span[1] <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["not", "no", "不", "没有", "并不是", "multithreaded", "default",
                                 "默认", "多线程", "，", ", ", " and ", "but", "."]), max_size=30))
def test_negation_soup_stays_in_range(words):
    text = " ".join(words)
    if text.strip():
        g = grade(THREADS, text)
        assert 0.0 <= g.score <= 1.0


# --- metrics ---------------------------------------------------------------------------

def test_quadratic_weighted_kappa():
    assert quadratic_weighted_kappa([0, 1, 2, 2], [0, 1, 2, 2], 3) == 1.0
    # one adjacent disagreement costs less than one across the scale
    near = quadratic_weighted_kappa([0, 1, 2, 2, 1, 0], [0, 1, 2, 1, 1, 0], 3)
    far = quadratic_weighted_kappa([0, 1, 2, 2, 1, 0], [0, 1, 2, 0, 1, 0], 3)
    assert 0 < far < near < 1
    # value checked by hand: observed [[1,0,0],[0,2,0],[0,1,0]] ...
    assert quadratic_weighted_kappa([0, 0, 1, 1], [1, 1, 0, 0], 2) == pytest.approx(-1.0)


def test_macro_f1_and_pearson():
    assert macro_f1(["a", "a", "b", "b"], ["a", "a", "b", "a"]) == pytest.approx((0.8 + 2 / 3) / 2)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)


def test_best_threshold_matches_a_recount_at_every_candidate():
    import random

    from quiz.grading.metrics import best_threshold

    rng = random.Random(5)
    for _ in range(30):
        n = rng.randint(2, 60)
        scores = [round(rng.random(), rng.choice((1, 2, 4))) for _ in range(n)]
        positive = [rng.random() < 0.5 for _ in range(n)]
        label = {True: "c", False: "i"}
        gold = [label[p] for p in positive]
        cands = sorted({round(s, 3) for s in scores})
        brute = max(cands, key=lambda t: macro_f1(gold, [label[s >= t] for s in scores]))
        assert best_threshold(scores, positive) == brute


def test_cv_macro_f1_never_sees_the_held_out_group():
    from quiz.grading.metrics import cv_macro_f1

    # group "b" alone is separable by its own threshold (0.9) but not by the others' (0.3):
    # a threshold fitted on data including "b" would classify it perfectly
    scores = [0.2, 0.4, 0.25, 0.35, 0.85, 0.95]
    positive = [False, True, False, True, False, True]
    groups = ["a", "a", "c", "c", "b", "b"]
    f1, chosen = cv_macro_f1(scores, positive, groups, k=3)
    assert len(chosen) == 3
    assert f1 < 1.0


def test_grade_reference_credits_chinese_paraphrase_by_characters():
    # 链式存储 / 链表存储: the paraphrase breaks the bigrams but keeps the characters
    refs = ["采用链式存储结构，插入删除时不需要移动元素，只需修改指针。"]
    q = "频繁插入删除的线性表宜采用何种存储结构？"
    para = grade_reference(refs, "用链表来存，插入和删除只改指针，元素不用搬动。", q)
    off = grade_reference(refs, "用数组，按下标随机访问很快。", q)
    neg = grade_reference(refs, "插入删除时需要移动元素。", q)
    # bigrams alone gave this paraphrase 0.15; characters lift it to 0.28
    assert para.score > 0.25 and para.verdict != "wrong"
    assert off.score < 0.05 and off.verdict == "wrong"
    assert neg.score < para.score / 4 and neg.verdict == "wrong"


def test_to_json_is_the_encoded_dict_with_shared_missed_points():
    enc = json.JSONEncoder(ensure_ascii=False).encode
    missed: dict = {}
    answers = ["默认就是多线程，可以用 torch.set_num_threads 设置。", "no idea",
               "It is single-threaded; you cannot change it.", "TorchScript, .ptl, XNNPACK"]
    for n, answer in enumerate(answers * 2, 1):
        for card in (THREADS, FORMATS):
            g = grade(card, answer)
            head = {"line": n, "card": card.id}
            assert g.to_json(enc, head, missed) == enc({**head, **g.to_dict()})
    # only unmatched points are kept, one entry per point id
    assert missed and all(p.span is None for p in missed)
    assert len(missed) <= len(THREADS.key_points) + len(FORMATS.key_points)


def test_spearman_ranks_and_ties():
    from quiz.grading.metrics import spearman

    assert spearman([1, 2, 3, 4], [10, 20, 30, 1000]) == pytest.approx(1.0)  # any monotone
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # ties share a rank: [0, 0, 1] ranks as [0.5, 0.5, 2]
    assert spearman([0, 0, 1], [1, 2, 3]) == pytest.approx(pearson([0.5, 0.5, 2], [0, 1, 2]))


def test_a_reference_grade_reports_its_score_in_its_verdicts_band():
    # the match score runs low (a good paraphrase of a long reference matches about 0.3);
    # the reported score puts wrong below 0.4, partial below 0.7 and correct above
    from quiz.grading.reference import BANDS

    refs = ["Deployment exports the trained weights; no retraining is needed unless "
            "post-training quantization loses too much accuracy, then use QAT."]
    answers = ["No retraining: export the trained weights as they are, and only use QAT if "
               "int8 PTQ costs too much accuracy.",
               "You export the weights.",
               "Bananas are yellow."]
    seen = set()
    for a in answers:
        g = grade_reference(refs, a)
        raw = grade_reference(refs, a, band=False)
        assert g.verdict == raw.verdict
        lo, hi = {"wrong": (0.0, BANDS[0]), "partial": (BANDS[0], BANDS[1]),
                  "correct": (BANDS[1], 1.0001)}[g.verdict]
        assert lo <= g.score < hi and g.score >= raw.score
        seen.add(g.verdict)
    assert seen == {"correct", "partial", "wrong"}
