"""Word lists the grader leans on: stop words, negation cues, clause breaks, weights.

Kept in one place so a wrong call ("非常" read as a negation) is fixed once.
"""

from __future__ import annotations

# Function words: they carry no key-point content, but their presence is what tells a
# statement from a bare list of keywords.
EN_STOP = frozenset(
    """a an the is are was were be been being am to of in on at by for with as and or that
    this these those it its they them their there here which what who whom whose when where
    why how i you he she we us our your my me do does did done doing has have had having can
    could will would shall should may might must so than then also just very too into onto
    from about over under up down out if else such each both any all some more most other
    another via per etc e.g i.e eg ie yes ok okay well because since like s t""".split()
)

# Contrast words start a new clause: a negation before "but" must not reach past it.
EN_CONTRAST = frozenset("but however whereas although though while instead unlike".split())
# Coordination also ends a negation's reach: in "X is not A and Y is not B" each "not"
# has its own clause. A phrasing that spans "and" is still found across two clauses.
# Subordinate clauses too: "catch it in Kotlin since there is no Python" does not negate
# the catching.
EN_COORD = frozenset("and since because so if when unless therefore thus which".split())
# Of those, the words that open a condition: what follows them is supposed, not claimed.
EN_CONDITIONAL = frozenset(("if", "unless"))

# Negation cues. A clause's polarity is the parity of its cues, so "it is not true that
# it lacks threads" (two cues) reads as positive.
EN_CUES = frozenset(
    """not no never none neither nor without cannot unable lack lacks lacking lacked nothing
    nobody myth untrue impossible unsupported absent""".split()
)
# Phrases that look negative but are not ("not only X but also Y").
EN_NOT_CUES = (("not", "only"), ("not", "just"), ("no", "matter"), ("no", "doubt"),
               ("or", "not"), ("nothing", "but"), ("none", "but"))
# A cue word that also carries the content word it negates.
EN_CUE_CONTENT = {"unsupported": "support", "impossible": "possible"}

# Domain words so common in this deck that matching them proves little.
EN_GENERIC = frozenset(
    """pytorch torch mobile model use run app device file way thing need make work get
    phone android""".split()
)

# zh: characters dropped before building character bigrams (particles, copulas);
# phrasing and answer get the same treatment, so the bigrams still line up.
ZH_STOP = frozenset("的了地着吗呢吧啊呀么是在和与及或就都也很还这那个把被将其之等")

# zh negation cues, longest first so 没有 counts once. 不过/不同/非常 and friends are
# not negations; 不得不 ("has to") stays two cues and so reads positive.
ZH_CUES = ("并不是", "并非", "不是", "没有", "无法", "无需", "无须", "不能", "不会", "不可",
           "不用", "不必", "缺少", "缺乏", "不", "没", "无", "未", "非", "别", "勿", "否")
ZH_NOT_CUES = ("不同", "不断", "不少", "不仅", "不但", "不错", "不久", "不管", "不论", "不如",
               "不一样", "不然", "非常", "非线性", "未来", "无论", "无损", "没错", "除非",
               "是否", "能否", "可否")
ZH_CONTRAST = ("但是", "然而", "可是", "而是", "不过", "但", "却", "并且", "而且", "同时",
               "因为", "由于", "所以", "因此", "如果", "否则", "且", "假如", "要是")
ZH_CONDITIONAL = frozenset(("如果", "假如", "要是"))

ZH_GENERIC = frozenset(
    ["模型", "移动", "动端", "部署", "使用", "可以", "进行", "设备", "需要", "一个", "通过",
     "时候", "什么", "如何", "应用", "手机", "用户"]
)


def stem(word: str) -> str:
    """A light English stemmer: threads/threading -> thread, supported -> support.

    Applied to phrasings and answers alike, so it only has to be consistent, not correct.
    """
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suf in ("ing", "ed"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # running -> run, mapped -> map
            break
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]  # use/used/using all meet at "us"
    return w
