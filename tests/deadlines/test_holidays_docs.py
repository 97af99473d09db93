"""The examples of docs/holidays.md and of the holiday modules' docstrings run as written."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import re
import warnings
from pathlib import Path

import pytest

from onestop.deadlines import HolidayKind
from onestop.errors import ProvisionalCalendarWarning

DOCS = Path(__file__).resolve().parents[2] / "docs" / "holidays.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("name", ["onestop.deadlines.holidays", "onestop.deadlines._ics"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 3


def test_python_examples_of_the_page_run(tmp_path, monkeypatch, capsys):
    """Run every ```python block in order, in one namespace, in a scratch directory.

    The page loads ``lai-chau-2027.toml``: the worked TOML example of the same page.
    """
    (toml_text,) = _blocks("toml")
    (tmp_path / "lai-chau-2027.toml").write_text(toml_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    blocks = _blocks("python")
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProvisionalCalendarWarning)  # 2027 is complete here
        for block in blocks:
            exec(compile(block, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    # what the page says the examples do
    printed = capsys.readouterr().out.splitlines()
    assert printed[1].startswith("2026-01-02 swapped_day_off")
    assert (tmp_path / "2026.ics").read_bytes().count(b"BEGIN:VEVENT") == len(printed)
    cal = namespace["cal"]
    assert not cal.is_provisional(2027)  # type: ignore[attr-defined]
    entries = {h.date: h for h in cal.holidays(2027)}  # type: ignore[attr-defined]
    assert entries[dt.date(2027, 3, 10)].kind is HolidayKind.EXTRA_DAY_OFF
    assert entries[dt.date(2027, 3, 10)].basis == "Quyết định 99/QĐ-UBND"
    assert entries[dt.date(2027, 2, 11)].kind is HolidayKind.SWAPPED_DAY_OFF
