"""The Python examples in README.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no Python example"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own documentation
    assert "Thông báo 9441/TB-BNV" in capsys.readouterr().out


def test_readme_quick_start_commands():
    text = README.read_text(encoding="utf-8")
    assert 'python3 -m pip install -e ".[all]" && onestop demo' in text
    assert 'python3 -m pip install -e ".[dev]" && python3 -m pytest' in text
