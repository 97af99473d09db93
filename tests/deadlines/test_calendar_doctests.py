"""The docstring examples of the deadline modules run, and so do the docs page's."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "onestop.deadlines._types",
    "onestop.deadlines.calendar",
    "onestop.deadlines.hours",
    "onestop.deadlines.rules",
    "onestop.deadlines.explain",
    "onestop.deadlines.policies",
    "onestop.deadlines.bulk",
    "onestop.tz",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_docs_page_examples_run():
    import pathlib
    import re

    page = pathlib.Path(__file__).parents[2] / "docs" / "deadlines.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    for block in blocks:
        exec(compile(block, str(page), "exec"), {})  # noqa: S102 - our own documentation
