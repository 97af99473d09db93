"""The Python examples of docs/connectors.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "connectors.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_doc_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", [0, 1])
def test_example_runs(index, tmp_path, capsys):
    code = BLOCKS[index].replace("/tmp/onestop-demo", str(tmp_path))  # noqa: S108
    exec(compile(code, f"connectors.md[{index}]", "exec"), {"__name__": "__doc_example__"})  # noqa: S102
    if index == 1:
        assert "'delivered': 1" in capsys.readouterr().out


def test_pytest_example_runs(fake_portal):
    namespace: dict[str, object] = {}
    exec(compile(BLOCKS[2], "connectors.md[2]", "exec"), namespace)  # noqa: S102
    namespace["test_my_sync"](fake_portal)  # type: ignore[operator]


@pytest.mark.parametrize("module", ["onestop.connectors.auth", "onestop.testing._fake_portal"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0
