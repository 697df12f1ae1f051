"""Command palette: jump to a card, start an interview or self-study, run a lab, switch
language. Hits are built from the deck and the lab registry when the palette opens."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from quiz.tui.i18n import t


class QuizCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        lang = app.lang
        from quiz.deck.model import pick

        out: list[tuple[str, object, str]] = [
            (t("cmd.study", lang), partial(app.open_mode, "study"), ""),
            (t("cmd.interview", lang), partial(app.open_mode, "interview"), ""),
            (t("cmd.lang", lang), app.action_toggle_lang, ""),
        ]
        from quiz.tui import labinfo

        for lab_id, lab in labinfo.registry().items():
            title = pick(getattr(lab, "title", {}) or {}, lang) or lab_id
            out.append((f"{t('cmd.lab', lang)}: {lab_id} · {title}",
                        partial(app.run_lab_from_palette, lab_id), ""))
        if app.deck is not None:
            for card in app.deck.cards:
                out.append((f"{t('cmd.card', lang)}: {card.id}",
                            partial(app.open_card, card.id), pick(card.question, lang)))
        return out

    async def discover(self) -> Hits:
        for text, cb, help_text in self._commands():
            yield DiscoveryHit(text, cb, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, cb, help_text in self._commands():
            score = max(matcher.match(text), matcher.match(help_text) * 0.9 if help_text else 0)
            if score > 0:
                yield Hit(score, matcher.highlight(text), cb, text=text, help=help_text or None)
