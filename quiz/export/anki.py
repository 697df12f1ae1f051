"""`quiz export anki`: the deck as an Anki package (.apkg), built with genanki.

One note per card, of one note type whose fields hold the question, the model answer, the
key points and the fact check in zh and en. Note GUIDs come from card ids and the note type
and deck ids are fixed, so importing a later export into Anki updates the same notes
(scheduling kept) instead of adding copies. Card tags become note tags.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from quiz.deck.model import Card, Deck
from quiz.errors import QuizError

LANG_ORDER = ("zh", "en")
FIELDS = ("Id", "Question_zh", "Question_en", "Answer_zh", "Answer_en",
          "KeyPoints_zh", "KeyPoints_en", "FactCheck_zh", "FactCheck_en")
VERDICT_WORDS = {
    "zh": {"true": "正确", "false": "错误", "partly": "部分正确", "outdated": "已过时"},
    "en": {"true": "true", "false": "false", "partly": "partly true", "outdated": "outdated"},
}
HEADINGS = {"zh": ("要点", "事实核查", "原说法"),
            "en": ("Key points", "Fact check", "The seed said")}


def _stable_id(text: str) -> int:
    """An id Anki accepts (positive, below 2**31 like genanki's examples), the same every run."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") >> 1 | 1 << 30


# Fixed: changing it would make Anki see a new note type and duplicate every note.
MODEL_ID = _stable_id("quizlab note type v1")

_SIDE = """{{#Question_zh}}<div class="q" lang="zh">{{Question_zh}}</div>{{/Question_zh}}
{{#Question_en}}<div class="q" lang="en">{{Question_en}}</div>{{/Question_en}}"""
_BACK = """{{FrontSide}}<hr id="answer">
{{#Answer_zh}}<div class="a" lang="zh">{{Answer_zh}}</div>{{/Answer_zh}}
{{#Answer_en}}<div class="a" lang="en">{{Answer_en}}</div>{{/Answer_en}}
{{#KeyPoints_zh}}<div class="kp" lang="zh">{{KeyPoints_zh}}</div>{{/KeyPoints_zh}}
{{#KeyPoints_en}}<div class="kp" lang="en">{{KeyPoints_en}}</div>{{/KeyPoints_en}}
{{#FactCheck_zh}}<div class="fc" lang="zh">{{FactCheck_zh}}</div>{{/FactCheck_zh}}
{{#FactCheck_en}}<div class="fc" lang="en">{{FactCheck_en}}</div>{{/FactCheck_en}}
<div class="id">{{Id}}</div>"""
_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.q { font-weight: bold; margin-bottom: .4em; }
.a, .kp, .fc { margin: .6em 0; }
.kp h4, .fc h4 { margin: .3em 0; font-size: 90%; color: #666; }
.verdict { font-weight: bold; }
.id { color: #999; font-size: 70%; margin-top: 1em; }"""


def _text(t: str) -> str:
    return html.escape(t).replace("\n", "<br>")


def key_points_html(card: Card, lang: str) -> str:
    items = []
    for k in card.key_points:
        said = k.phrasings.get(lang) or ()
        if not said:
            continue
        alt = f' <span class="alt">({_text(" / ".join(said[1:3]))})</span>' if len(said) > 1 else ""
        mark = " ★" if k.essential else ""
        items.append(f"<li>{_text(said[0])}{alt}{mark}</li>")
    return f"<h4>{HEADINGS[lang][0]}</h4><ul>{''.join(items)}</ul>" if items else ""


def fact_check_html(card: Card, lang: str) -> str:
    items = []
    for cl in card.claims:
        verdict = VERDICT_WORDS[lang].get(cl.verdict, cl.verdict)
        parts = [f"{HEADINGS[lang][2]}: {_text(cl.statement)} "
                 f'<span class="verdict">[{html.escape(verdict)}]</span>']
        if cl.correction.get(lang):
            parts.append(_text(cl.correction[lang]))
        parts += [f'<a href="{html.escape(s, quote=True)}">{html.escape(s)}</a>'
                  for s in cl.sources]
        items.append("<li>" + "<br>".join(parts) + "</li>")
    return f"<h4>{HEADINGS[lang][1]}</h4><ul>{''.join(items)}</ul>" if items else ""


def note_fields(card: Card) -> list[str]:
    """The note's fields, in FIELDS order (a language the card lacks is left empty)."""
    out = [card.id]
    out += [_text(card.question.get(lang, "")) for lang in LANG_ORDER]
    out += [_text(card.answer.get(lang, "")) for lang in LANG_ORDER]
    out += [key_points_html(card, lang) for lang in LANG_ORDER]
    out += [fact_check_html(card, lang) for lang in LANG_ORDER]
    return out


def build_package(deck: Deck):
    """The genanki Package of ``deck`` (not written)."""
    try:
        import genanki
    except ImportError:
        raise QuizError("export anki needs genanki: pip install genanki==0.13.1 "
                        "(it comes with quizlab; reinstall with `pip install -e .`)") from None
    model = genanki.Model(
        MODEL_ID, "quizlab card (zh/en)",
        fields=[{"name": f} for f in FIELDS],
        templates=[{"name": "Question → answer", "qfmt": _SIDE, "afmt": _BACK}],
        css=_CSS,
        sort_field_index=0,
    )
    title = deck.title.get("en") or deck.title.get("zh") or "quizlab"
    name = " / ".join(dict.fromkeys(t for t in (deck.title.get("zh"), deck.title.get("en")) if t))
    anki_deck = genanki.Deck(_stable_id(f"quizlab deck {title}"), name or title)
    for card in deck.cards:
        anki_deck.add_note(genanki.Note(
            model=model, fields=note_fields(card), tags=list(card.tags),
            guid=genanki.guid_for("quizlab", card.id),
        ))
    return genanki.Package(anki_deck)


def write_apkg(deck: Deck, out: str | Path) -> int:
    """Write ``deck`` to ``out`` as .apkg; the number of notes written."""
    out = Path(out)
    pkg = build_package(deck)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        pkg.write_to_file(str(out))
    except OSError as e:
        raise QuizError(f"{out}: cannot write: {e.strerror or e}") from None
    return len(deck.cards)
