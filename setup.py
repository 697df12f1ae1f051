"""Build step that puts the shipped deck into the wheel as the package ``quiz_content``.

The deck lives in the top-level ``content/`` folder (authors edit it there). A wheel needs
it inside a package so that ``importlib.resources`` finds it after ``pip install``: this
``build_py`` copies every ``content/*.yaml`` (cards and the lexicon) into ``quiz_content/``
with a one-line ``__init__.py``. Editable installs skip the copy and read ``content/`` in
the checkout (see ``quiz.paths.shipped_deck_dir``). The rest of the metadata is in
pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
PACKAGE = "quiz_content"


class BuildPyWithDeck(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout's content/ is read in place
        target = Path(self.build_lib) / PACKAGE
        target.mkdir(parents=True, exist_ok=True)
        (target / "__init__.py").write_text(
            '"""The shipped deck (content/*.yaml from the quizlab source), as package data."""\n',
            encoding="utf-8",
        )
        files = sorted(
            f for f in (HERE / "content").iterdir() if f.suffix in (".yaml", ".yml")
        )
        if not files:
            raise SystemExit("content/ holds no .yaml files: the wheel would have no deck")
        for f in files:
            self.copy_file(str(f), str(target / f.name))

    def get_outputs(self, include_bytecode=1):
        # Listed so that bdist_wheel's RECORD and `pip uninstall` know these files.
        outs = super().get_outputs(include_bytecode)
        target = Path(self.build_lib) / PACKAGE
        if target.is_dir():
            outs += [str(p) for p in sorted(target.iterdir()) if p.is_file()]
        return outs


setup(cmdclass={"build_py": BuildPyWithDeck})
