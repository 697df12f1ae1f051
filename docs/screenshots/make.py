"""Regenerate the PNG screenshots in this folder from the real app on the shipped deck.

    .venv/bin/python docs/screenshots/make.py        # needs rsvg-convert (librsvg2-bin)

Each screen is driven with the keyboard through ``run_test`` in a fresh temp data dir
with a fixed clock; ``App.save_screenshot`` writes SVG, which rsvg-convert turns to PNG.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from quiz.session.clock import ManualClock  # noqa: E402
from quiz.tui.app import QuizApp  # noqa: E402

ANSWER = {
    "en": "PyTorch Mobile is no longer actively maintained; ExecuTorch is the successor. "
          "You convert the model to TorchScript and save a .ptl for the lite interpreter. "
          "PyTorch Mobile is the recommended way today.",
    "zh": "PyTorch Mobile 已经不再积极维护，继任者是 ExecuTorch。先把模型转成 TorchScript，"
          "用 _save_for_lite_interpreter 存成 .ptl 文件。",
}


async def shoot(name: str, lang: str, size: tuple[int, int], steps) -> None:
    with tempfile.TemporaryDirectory() as data:
        app = QuizApp(data_dir=data, lang=lang, clock=ManualClock())
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(pilot)
            await pilot.pause()
            svg = app.save_screenshot(f"{name}.svg", path=str(HERE))
    png = HERE / f"{name}.png"
    subprocess.run(["rsvg-convert", svg, "-o", str(png)], check=True)
    Path(svg).unlink()
    print(png)


async def nothing(pilot) -> None:
    pass


def study(lang: str):
    async def steps(pilot) -> None:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*ANSWER[lang])
        await pilot.press("ctrl+s")
        await pilot.pause()
    return steps


async def interview(pilot) -> None:
    await pilot.press("i")
    await pilot.pause()
    pilot.app.screen.query_one("#iv-n").value = "3"
    await pilot.press("ctrl+s")
    await pilot.pause()
    clock = pilot.app.clock
    await pilot.press(*"Only TorchScript: a .ptl file saved with _save_for_lite_interpreter.")
    clock.advance(75)
    pilot.app.screen.refresh_clock()
    await pilot.pause()


async def interview_report(pilot) -> None:
    await interview(pilot)
    clock = pilot.app.clock
    await pilot.press("ctrl+s")
    await pilot.pause()
    clock.advance(181)  # the second question times out
    pilot.app.screen.refresh_clock()
    await pilot.pause()
    await pilot.press(*"torch.export then ExecuTorch, XNNPACK delegate, .pte")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def labs(pilot) -> None:
    """A real quick run of the threads lab (torch in a child process), from the app."""
    await pilot.press("l")
    await pilot.pause()
    table = pilot.app.screen.query_one("#labs-table")
    table.move_cursor(row=list(pilot.app.screen.labs).index("threads"))
    await pilot.pause()
    await pilot.press("r")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def browse(pilot) -> None:
    await pilot.press("b")
    await pilot.pause()
    await pilot.press("ctrl+f", *"onnx")
    await pilot.pause()


async def card(pilot) -> None:
    await browse(pilot)
    await pilot.press("enter", "enter")
    await pilot.pause()


async def stats(pilot) -> None:
    await pilot.press("s")
    await pilot.pause()
    for _ in range(3):
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
    await pilot.press("escape", "t")
    await pilot.pause()


async def help_screen(pilot) -> None:
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("f1")
    await pilot.pause()


async def main() -> None:
    if shutil.which("rsvg-convert") is None:
        raise SystemExit("rsvg-convert not found: apt-get install -y librsvg2-bin")
    await shoot("home-zh", "zh", (80, 24), nothing)
    await shoot("home-en", "en", (80, 24), nothing)
    await shoot("study-graded-en", "en", (120, 60), study("en"))
    await shoot("study-graded-zh", "zh", (120, 60), study("zh"))
    await shoot("interview-question", "en", (100, 24), interview)
    await shoot("interview-report", "en", (120, 36), interview_report)
    await shoot("labs", "en", (120, 60), labs)
    await shoot("browse", "zh", (120, 36), browse)
    await shoot("card", "en", (120, 48), card)
    await shoot("stats", "en", (120, 40), stats)
    await shoot("help", "zh", (100, 36), help_screen)


if __name__ == "__main__":
    asyncio.run(main())
