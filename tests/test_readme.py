"""The README's Python examples run as written and print what it says they print."""

from __future__ import annotations

import doctest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_examples_print_what_the_readme_says(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples use paths relative to the repository
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted >= 5, "the README lost its examples"
    assert result.failed == 0
