"""The app opens from the cached deck summary and builds cards only when asked."""

from __future__ import annotations


async def test_app_starts_from_summary_and_loads_deck_on_use(make_app):
    warm = make_app()
    async with warm.run_test() as pilot:  # first start: parses and caches
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.summary is not None and app._deck is None
        assert "3 cards" in str(app.screen.query_one("#home-counts").render())
        await pilot.press("b")
        await pilot.pause()
        assert app._deck is not None and len(app._deck.cards) == 3


async def test_a_refused_cache_file_is_a_notification_not_hidden_stderr(make_app):
    warm = make_app()
    async with warm.run_test() as pilot:
        await pilot.pause()
    for f in (warm.data_dir / "cache").glob("*.summary.json"):
        f.chmod(0o666)  # another user could have written it
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("writable by every user" in m and "summary.json" in m for m in messages)
        assert "3 cards" in str(app.screen.query_one("#home-counts").render())
