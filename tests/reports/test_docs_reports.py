"""docs/reports.md: its Python example runs and its field table matches the code."""

from __future__ import annotations

import re
from pathlib import Path

from onestop.records import FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "reports.md"


def test_quick_start_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102 - our own documentation
    assert "not a date" in capsys.readouterr().out


def test_field_table_lists_every_field_with_its_portal_name():
    text = DOC.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (`\w+`|—) \|", text, re.M))
    assert list(rows) == [f.name for f in FIELDS]
    for f in FIELDS:
        assert rows[f.name] == (f"`{f.portal}`" if f.portal else "—"), f.name
