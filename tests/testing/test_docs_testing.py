"""docs/testing.md: its Python examples run, its column table is the code's, and the complete
vendor example prints what the page shows. The docstring examples of onestop.testing run too."""

from __future__ import annotations

import doctest
import importlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onestop.cli._commands import build_app
from onestop.testing import COLUMNS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
TEXT = PAGE.read_text(encoding="utf-8")


BLOCKS = re.findall(r"```(\w*)\n(.*?)```", TEXT, re.S)


def _block(containing: str, lang: str) -> str:
    """The fenced block of ``lang`` that holds ``containing`` (or comes right after it)."""
    for block_lang, body in BLOCKS:
        if block_lang == lang and containing in body:
            return body
    marker = TEXT.index(containing)
    for block_lang, body in BLOCKS:
        if block_lang == lang and TEXT.index(body) > marker:
            return body
    raise AssertionError(containing)


def test_python_examples_run(tmp_path, monkeypatch):
    # the pytest example reads tests/due-dates.csv: the page's first rule table
    (tmp_path / "tests").mkdir()
    first = _block("id,received,amount,unit,expected_due,note", "csv")
    (tmp_path / "tests" / "due-dates.csv").write_text(first, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    blocks = [body for lang, body in BLOCKS if lang == "python"]
    assert len(blocks) >= 4
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), {})  # noqa: S102 - our own documentation


def test_the_first_table_of_the_page_agrees():
    from onestop.testing import check_rules

    first = _block("id,received,amount,unit,expected_due,note", "csv")
    assert check_rules(first.encode(), format="csv").all_agree


def test_the_column_table_is_the_code_s():
    table = TEXT.split("<!-- rule-table columns:")[1].split("\n\n")[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    assert documented == [c.name for c in COLUMNS]


@pytest.mark.parametrize(
    "module",
    [
        "onestop.testing._calendars",
        "onestop.testing._clock",
        "onestop.testing._rule_check",
        "onestop.testing.strategies",
        "onestop.testing._factories",
    ],
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_vendor_example_prints_what_the_page_shows(tmp_path, monkeypatch):
    export = tmp_path / "export.csv"
    export.write_text(_block("<!-- vendor-export", "csv"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner, app = CliRunner(), build_app()
    result = runner.invoke(
        app, ["check-rules", "export.csv", "--junit", "report.xml", "--lang", "en"]
    )
    assert result.exit_code == 1
    shown = _block("$ onestop check-rules export.csv --junit report.xml --lang en", "")
    lines = [line for line in shown.splitlines()[1:] if "…" not in line and line.strip()]
    lines = [line for line in lines if not line.startswith("$ echo") and line != "1"]
    printed = result.stdout.splitlines()
    missing = [line for line in lines if line not in printed]
    assert missing == []
    xml = (tmp_path / "report.xml").read_text(encoding="utf-8")
    documented_xml = _block('<testsuites name="onestop check-rules" tests="3"', "xml")
    for line in documented_xml.splitlines():
        if "…" not in line:
            assert line in xml.splitlines(), line
    data = json.loads(runner.invoke(app, ["check-rules", "export.csv", "--json"]).stdout)
    assert [d["row"] for d in data["disagreements"]] == [1, 3]
    assert data["ignored_columns"] == ["ChuHoSo"]
    assert "Nguyễn Văn An" not in result.stdout + xml  # the applicants' names stay out
