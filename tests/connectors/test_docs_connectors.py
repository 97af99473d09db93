"""The Python examples of docs/connectors.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "connectors.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


RUNNABLE = [i for i, b in enumerate(BLOCKS) if "def test_" not in b]
PYTEST_EXAMPLES = [i for i, b in enumerate(BLOCKS) if "def test_" in b]


def test_doc_has_examples():
    assert len(RUNNABLE) >= 3
    assert len(PYTEST_EXAMPLES) == 1


@pytest.mark.parametrize("index", RUNNABLE)
def test_example_runs(index, tmp_path, capsys):
    code = BLOCKS[index].replace("/tmp/onestop-demo", str(tmp_path))  # noqa: S108
    exec(compile(code, f"connectors.md[{index}]", "exec"), {"__name__": "__doc_example__"})  # noqa: S102
    if "OutboxWorker" in code:
        assert "'delivered': 1" in capsys.readouterr().out


def test_pytest_example_runs(fake_portal):
    namespace: dict[str, object] = {}
    index = PYTEST_EXAMPLES[0]
    exec(compile(BLOCKS[index], f"connectors.md[{index}]", "exec"), namespace)  # noqa: S102
    namespace["test_my_sync"](fake_portal)  # type: ignore[operator]


@pytest.mark.parametrize("module", ["onestop.connectors.auth", "onestop.testing._fake_portal"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0
