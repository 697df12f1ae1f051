"""A broken lab module (SyntaxError, ImportError at import) shows as one row with its error
in `quiz lab list` and on the labs screen, and the other labs stay listed and runnable.

The broken modules live in a temporary folder added to the ``labs`` package's path: nothing
is written into the package directory."""

from __future__ import annotations

from textual.widgets import DataTable


async def test_labs_screen_shows_a_broken_module_as_a_row(broken_modules, make_app,
                                                          fake_labs):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#labs-table", DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        assert keys == ["fake", "syntax-broken", "import-broken"]
        assert "does not load" in str(table.get_row_at(1)[2])
        table.move_cursor(row=1)
        await pilot.pause()
        statements = str(screen.query_one("#lab-statements").render())
        assert "SyntaxError" in statements
        await pilot.press("r")  # a broken lab is not run; the notice says why
        await pilot.pause()
        assert fake_labs["calls"] == [] and app.lab_state.running is None
        table.move_cursor(row=0)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake_labs["calls"] == [{"lab": "fake", "quick": True}]
