"""The docstring examples of the calendar, office-hours, policies and bulk modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "onestop.deadlines.calendar",
    "onestop.deadlines.hours",
    "onestop.deadlines.policies",
    "onestop.deadlines.bulk",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
